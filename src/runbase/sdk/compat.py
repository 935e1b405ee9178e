"""W&B calls that runbase accepts without doing everything W&B does."""

from __future__ import annotations

import sys
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbase.sdk.watch import Watcher


class WandbExtras:
    """Mixed into Run so W&B scripts that call these keep running."""

    _warned: set[str]
    _watcher: Watcher | None = None  # made at the first watch()

    if TYPE_CHECKING:

        def _check_open(self, what: str) -> None: ...

    def watch(
        self,
        models: Any = None,
        criterion: Any = None,
        log: str | None = "gradients",
        log_freq: int = 1000,
        idx: int | None = None,
        log_graph: bool = False,
    ) -> None:
        """Log histograms of a torch model's gradients and/or parameters every ``log_freq`` batches.

        ``log``: "gradients" (default), "parameters", "all" or None. Histograms are named
        ``gradients/<param>`` and ``parameters/<param>`` (``graph_<idx>`` before the name for
        a second model) and join the next ``log()`` row. See docs/sdk.md ("watch").
        """
        self._check_open("watch()")
        if log_graph and "log_graph" not in self._warned:
            self._warned.add("log_graph")
            warnings.warn(
                "runbase: watch(log_graph=True): the model graph is not recorded; gradient "
                "and parameter histograms are.",
                RuntimeWarning,
                stacklevel=2,
            )
        if self._watcher is None:
            from runbase.sdk.watch import Watcher

            self._watcher = Watcher(self)  # type: ignore[arg-type]  # self is a Run
        self._watcher.watch(models, log, log_freq, idx)

    def unwatch(self, models: Any = None) -> None:
        """Stop ``watch()`` for ``models`` (a model or a list), or for every model when None."""
        self._check_open("unwatch()")
        if self._watcher is not None:
            self._watcher.unwatch(models)
        elif models is not None:
            warnings.warn(
                "runbase: unwatch(): this run watches no model; nothing to remove",
                RuntimeWarning,
                stacklevel=2,
            )

    def _stop_watching(self) -> None:
        """At finish(): the hooks go, so training after it does not log to a finished run."""
        if self._watcher is not None:
            self._watcher.close()

    def alert(
        self, title: str, text: str, level: str | None = None, wait_duration: Any = None
    ) -> None:
        """Print an alert line; it lands in the run's console logs (no Slack or email)."""
        self._check_open("alert()")
        print(f"runbase alert [{level or 'INFO'}] {title}: {text}", file=sys.stderr)

    def mark_preempting(self) -> None:
        """Accepted for W&B scripts; state is derived from the process, so nothing to mark."""

    # --- W&B private calls frameworks make --------------------------------------------

    def _label(self, *args: Any, **kwargs: Any) -> None:
        """W&B's usage label (Hugging Face's callback calls ``run._label(code=...)``)."""

    @property
    def _attach_id(self) -> str:
        """What another process passes to ``runbase._attach()`` to write to this run."""
        from runbase.sdk.attach import attach_id

        return attach_id(self)  # type: ignore[arg-type]  # self is a Run

    if not TYPE_CHECKING:  # at run time only, so mypy still flags a misspelt attribute

        def __getattr__(self, name: str) -> Any:
            # Only reached for names the Run lacks: W&B Run methods runbase does not do
            # warn once and do nothing, so a framework that calls one keeps training.
            if name in _UNSUPPORTED_RUN_CALLS:
                return _unsupported_call(self._warned, name)
            raise AttributeError(f"'Run' object has no attribute {name!r}")


# W&B Run methods runbase accepts without doing anything.
_UNSUPPORTED_RUN_CALLS = frozenset(
    ("log_code", "restore", "display", "to_html", "pin_config_keys", "status", "upsert_artifact")
)


def _unsupported_call(warned: set[str], name: str) -> Any:
    def call(*args: Any, **kwargs: Any) -> None:
        if f"call {name}" not in warned:
            warned.add(f"call {name}")
            warnings.warn(
                f"runbase: run.{name}() is a W&B call runbase does not support; it does nothing",
                RuntimeWarning,
                stacklevel=2,
            )

    return call
