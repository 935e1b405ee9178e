"""``mode="disabled"``: a run whose calls do nothing and write nothing."""

from __future__ import annotations

from typing import Any, Literal

from runbase.sdk.config import Config
from runbase.sdk.ids import generate_id
from runbase.sdk.settings import Settings
from runbase.sdk.summary import Metric, Summary, SummaryState


class DisabledRun:
    """Accepts every Run call so scripts run unchanged, and records nothing."""

    def __init__(self, settings: Settings, config: dict[str, Any] | None = None) -> None:
        self.settings = settings
        self.id = generate_id()
        self.name = f"dummy-{self.id}"
        self.project = settings.project or "dummy"
        self.entity = "dummy"
        self.path = f"{self.entity}/{self.project}/{self.id}"
        self.url = ""
        self.dir = ""
        self.notes = settings.notes
        self.tags = settings.tags or ()
        self.group = settings.group
        self.job_type = settings.job_type
        self.start_time = 0.0
        self.step = 0
        self.resumed = False
        self.offline = False
        self.disabled = True
        self.config = Config(None, allow_val_change=True)
        if config:
            self.config.update(config)
        self.summary = Summary(SummaryState(), lambda changes, removed: None)

    def log(
        self,
        data: dict[str, Any],
        step: int | None = None,
        commit: bool | None = None,
        sync: bool | None = None,
    ) -> None:
        """Does nothing."""

    def define_metric(self, name: str, *args: Any, **kwargs: Any) -> Metric:
        """Does nothing; returns the definition."""
        return Metric(name)

    def save(self, *args: Any, **kwargs: Any) -> list[str]:
        """Does nothing."""
        return []

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """Does nothing."""

    def watch(self, *args: Any, **kwargs: Any) -> None:
        """Does nothing."""

    def unwatch(self, *args: Any, **kwargs: Any) -> None:
        """Does nothing."""

    def alert(self, *args: Any, **kwargs: Any) -> None:
        """Does nothing."""

    def mark_preempting(self) -> None:
        """Does nothing."""

    def log_artifact(self, artifact_or_path: Any, *args: Any, **kwargs: Any) -> Any:
        """Returns the artifact unlogged (a path is returned as given)."""
        return artifact_or_path

    def use_artifact(self, artifact_or_name: Any, *args: Any, **kwargs: Any) -> Any:
        return artifact_or_name

    def link_artifact(self, artifact: Any, *args: Any, **kwargs: Any) -> Any:
        return artifact

    def log_model(self, path: Any, *args: Any, **kwargs: Any) -> Any:
        return path

    def link_model(self, path: Any, *args: Any, **kwargs: Any) -> Any:
        return path

    def use_model(self, name: str, *args: Any, **kwargs: Any) -> Any:
        return name

    def _label(self, *args: Any, **kwargs: Any) -> None:
        """Does nothing."""

    @property
    def _attach_id(self) -> None:
        """None: there is nothing to attach to (Lightning then makes a run of its own)."""
        return None

    def __enter__(self) -> DisabledRun:
        return self

    def __exit__(self, *exc: Any) -> Literal[False]:
        return False
