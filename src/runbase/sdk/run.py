"""The Run: what ``runbase.init()`` returns and what a training loop logs to."""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

import msgspec

from runbase.errors import UsageError
from runbase.records import Kind, StorageError
from runbase.sdk import fields, process, resume, rows
from runbase.sdk.artifacts.run_methods import ArtifactMethods
from runbase.sdk.backlog import Backlog
from runbase.sdk.compat import WandbExtras
from runbase.sdk.config import Config
from runbase.sdk.data_types.base import find_media
from runbase.sdk.settings import Settings
from runbase.sdk.sink import RecordSink
from runbase.sdk.summary import Metric, Summary, SummaryState, parse_summary
from runbase.sdk.values import encode_problem, flatten, is_plain_flat

if TYPE_CHECKING:
    from runbase.sdk.data_types.media_log import MediaLog

_LARGE_ROW = rows.LARGE_ROW
# What msgspec raises for a value it cannot encode; turned into a clear error.
_ENCODE_ERRORS = (OverflowError, TypeError, RecursionError)


def ui_base_url() -> str:
    """Where the web app is expected: RUNBASE_UI_URL, else the default of ``runbase ui``."""
    return os.environ.get("RUNBASE_UI_URL", "http://127.0.0.1:8765").rstrip("/")


class Run(WandbExtras, ArtifactMethods):
    """One run. Use it as a context manager to finish it (and mark failures) on exit."""

    def __init__(
        self,
        *,
        settings: Settings,
        root: Path,
        entity: str,
        project: str,
        run_id: str,
        name: str,
        sink: RecordSink,
        files_dir: Path,
        start_time: float,
        step: int = 0,
        config: dict[str, Any] | None = None,
        summary: dict[str, Any] | None = None,
        info: dict[str, Any] | None = None,
        allow_val_change: bool = False,
        resumed: bool = False,
    ) -> None:
        info = info or {}
        self.settings = settings
        self._root = root
        self._entity = entity
        self._project = project
        self._id = run_id
        self._name = name
        self._notes: str | None = info.get("notes")
        self._tags: tuple[str, ...] = tuple(info.get("tags") or ())
        self._group: str | None = info.get("group")
        self._job_type: str | None = info.get("job_type")
        self._sink = sink  # where records go; the Run never learns which kind (sdk/sink.py)
        self._files_dir = files_dir
        self._start_time = start_time
        self._step = step
        self._resumed = resumed
        self._finished = False
        self._orphaned = False
        self._stopped: str | None = None  # why it was asked to stop (process.mark_stopped)
        self._backlog = Backlog(run_id, sink.append)
        self._held = self._backlog.held  # truthy while the sink refuses records
        self._warned: set[str] = set()  # one-time warnings already shown
        self._encode = msgspec.msgpack.Encoder().encode
        self._append = sink.append  # bound once: log() calls the sink's method directly
        self._now = time.time
        self._summary_state = SummaryState()
        if summary:
            self._summary_state.values.update(summary)
        self._plain_summary = True
        self._step_sync: list[Metric] = []
        self._config = Config(self._emit_config, allow_val_change=allow_val_change)
        if config:
            self._config._items.update(config)
        self._summary = Summary(self._summary_state, self._emit_summary)
        self._attachment: Any = None
        self._finish_lock = threading.Lock()
        # Rows with media go through the media thread; while any waits, so does every record.
        self._media_log: MediaLog | None = None

    # --- identity --------------------------------------------------------------------------

    @property
    def id(self) -> str:
        """The run id, unique in its project."""
        return self._id

    @property
    def name(self) -> str:
        """The display name (not necessarily unique)."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        name = fields.text("name", value, "run") or self._id
        self._set_info("name", name)
        self._name = name

    @property
    def notes(self) -> str | None:
        """The run's description."""
        return self._notes

    @notes.setter
    def notes(self, value: str | None) -> None:
        notes = fields.text("notes", value, "run")
        self._set_info("notes", notes)
        self._notes = notes

    @property
    def tags(self) -> tuple[str, ...]:
        """The run's tags."""
        return self._tags

    @tags.setter
    def tags(self, value: Any) -> None:
        tags = fields.tags(value, "run")
        self._set_info("tags", list(tags))
        self._tags = tags

    @property
    def group(self) -> str | None:
        """The run's group."""
        return self._group

    @property
    def sweep_id(self) -> str | None:
        """The id of the sweep whose agent started this run, or None."""
        return self.settings.sweep_id

    @property
    def job_type(self) -> str | None:
        """The run's job type."""
        return self._job_type

    @property
    def project(self) -> str:
        """The project the run belongs to."""
        return self._project

    @property
    def entity(self) -> str:
        """The owner of the run (by default the local user name)."""
        return self._entity

    @property
    def path(self) -> str:
        """``entity/project/id``."""
        return f"{self._entity}/{self._project}/{self._id}"

    @property
    def url(self) -> str:
        """The run's page in the web app (on the server, for a run shipped to one)."""
        remote: str | None = getattr(self._sink, "remote_url", None)
        if remote:
            return remote
        q = quote
        return f"{ui_base_url()}/{q(self._entity)}/{q(self._project)}/runs/{q(self._id)}"

    @property
    def project_url(self) -> str:
        """The project's workspace in the web app."""
        return f"{ui_base_url()}/{quote(self._entity)}/{quote(self._project)}"

    @property
    def dir(self) -> str:
        """The run's own folder for files saved with it."""
        return str(self._files_dir)

    @property
    def start_time(self) -> float:
        """Unix time the run started."""
        return self._start_time

    @property
    def step(self) -> int:
        """The step the next ``log()`` without ``step=`` will use."""
        return self._step

    @property
    def resumed(self) -> bool:
        """True when this run continues an earlier one."""
        return self._resumed

    @property
    def offline(self) -> bool:
        """True in offline mode."""
        return self.settings.mode == "offline"

    @property
    def disabled(self) -> bool:
        """False: a real run (see DisabledRun)."""
        return False

    @property
    def config(self) -> Config:
        """The run's configuration."""
        return self._config

    @property
    def summary(self) -> Summary:
        """The run's summary: last value of each logged key unless set or defined otherwise."""
        return self._summary

    # --- writing records -------------------------------------------------------------------

    def _emit(self, kind: int, payload: Any) -> None:
        """Append one record. Thread-safe; used by the SDK and its background helpers."""
        if self._sink.closed:
            return  # a heartbeat racing finish(), or a forked child: nothing to write to
        try:
            body = self._encode((kind, self._now(), payload))
        except _ENCODE_ERRORS as e:
            what = Kind(kind).name.lower()
            raise encode_problem(payload if isinstance(payload, dict) else {}, what, e) from None
        self._write(body)

    def _media(self) -> MediaLog:
        """The run's media side (data_types/media_log.py), made at first use."""
        if self._media_log is None:
            from runbase.sdk.data_types.media_log import MediaLog

            self._media_log = MediaLog(self)
        return self._media_log

    def _write(self, body: bytes) -> None:
        if len(body) > _LARGE_ROW:
            self._check_size(body)
        if self._held:
            self._backlog.hold(body)
            return
        try:
            self._append(body)
        except StorageError as e:
            self._backlog.hold(body, e)

    def _emit_changes(
        self, kind: int, what: str, changes: dict[str, Any], removed: list[str]
    ) -> None:
        self._check_open(what)
        try:
            body = self._encode((kind, self._now(), {"set": changes, "del": removed}))
        except _ENCODE_ERRORS as e:
            raise encode_problem(changes, what, e) from None
        self._write(body)

    def _emit_config(self, changes: dict[str, Any], removed: list[str]) -> None:
        self._emit_changes(Kind.CONFIG, "config", changes, removed)

    def _emit_summary(self, changes: dict[str, Any], removed: list[str]) -> dict[str, Any]:
        if find_media(changes):  # media set in the summary: written now
            changes = self._media().resolve_summary(changes)
        self._emit_changes(Kind.SUMMARY, "summary", changes, removed)
        return changes

    def _set_info(self, field: str, value: Any) -> None:
        self._check_open(field)
        self._emit(Kind.INFO, {field: value})

    def _check_open(self, what: str) -> None:
        if self._finished:
            raise UsageError(
                f"Run {self._id} is finished; the call to {what} was not recorded. "
                "Start a new run with runbase.init(), or resume this one with "
                f"runbase.init(id={self._id!r}, resume='allow')."
            )
        if self._orphaned:
            raise UsageError(
                f"Run {self._id} belongs to the parent process; a forked child cannot write "
                "to it. Call runbase.init() in the child to make a run of its own."
            )

    # --- log -------------------------------------------------------------------------------

    def log(
        self,
        data: dict[str, Any],
        step: int | None = None,
        commit: bool | None = None,
        sync: bool | None = None,
    ) -> None:
        """Log a dict of values as one history row (see docs/sdk.md for step rules).

        A call that raises records nothing and changes nothing (step, summary).
        """
        if self._finished or self._orphaned:
            self._check_open("log()")
        if type(data) is not dict:
            if not isinstance(data, Mapping):
                raise TypeError(f"run.log() must be passed a dictionary, got {type(data).__name__}")
            data = dict(data)
        media = None
        if not is_plain_flat(data):
            data = flatten(data)
            media = find_media(data)
        if step is None:
            row = self._step
            next_step = row if commit is False else row + 1
        else:
            row, next_step = self._row_for_step(step, commit)
        if self._step_sync:
            data = self._add_step_metrics(data)
        if media is not None:  # may raise: then nothing is stored and the step stays
            return self._media().log_row(row, next_step, data, media)
        try:
            body = self._encode((2, self._now(), (row, data)))
        except _ENCODE_ERRORS as e:
            raise encode_problem(data, "log", e) from None
        if len(body) > _LARGE_ROW:
            self._check_size(body)
        if self._held:
            self._backlog.hold(body)
        else:
            try:
                self._append(body)
            except StorageError as e:
                self._backlog.hold(body, e)
        self._step = next_step
        if self._plain_summary:
            self._summary_state.values.update(data)
        else:
            self._summary_state.observe(data)

    def _check_reserved(self) -> None:
        """Say once per key when ``_step``, ``_timestamp`` or ``_runtime`` was logged.

        Readers derive these three for every row, so logged values under these names
        are not kept. Looking for them in log() would cost every call three lookups,
        so the summary (which holds every key logged) is looked at instead, by the
        heartbeat thread and at finish().
        """
        values = self._summary_state.values
        for key in rows.RESERVED:
            if key in values:
                values.pop(key, None)
                if key not in self._warned:
                    self._warned.add(key)
                    warning = rows.reserved_warning(self._id, key)
                    warnings.warn(warning, RuntimeWarning, stacklevel=2)

    def _check_size(self, body: bytes) -> None:
        """Off the hot path: refuse records over the frame limit, warn once about large ones."""
        rows.check_size(self._id, body)
        if "large row" not in self._warned:
            self._warned.add("large row")
            warnings.warn(rows.large_row_warning(self._id, body), RuntimeWarning, stacklevel=3)

    def _row_for_step(self, step: Any, commit: bool | None) -> tuple[int, int]:
        """(row, next step) for an explicit step; nothing changes until the row is written."""
        step = rows.checked_step(step)
        current = self._step
        if step < current:
            if "lower step" not in self._warned:
                self._warned.add("lower step")
                warnings.warn(
                    rows.lower_step_warning(self._id, step, current), RuntimeWarning, stacklevel=3
                )
            return step, current
        return step, step + 1 if commit else step

    def _add_step_metrics(self, data: dict[str, Any]) -> dict[str, Any]:
        # step_sync: rows that log a metric get the latest value of its step metric.
        values = self._summary_state.values
        for m in self._step_sync:
            sm = m.step_metric
            if sm is not None and sm not in data and sm in values:
                if any(m.matches(k) for k in data):
                    data = dict(data)
                    data[sm] = values[sm]
        return data

    def define_metric(
        self,
        name: str,
        step_metric: str | None = None,
        step_sync: bool | None = None,
        hidden: bool | None = None,
        summary: str | None = None,
        goal: str | None = None,
        overwrite: bool | None = None,
        **kwargs: Any,
    ) -> Metric:
        """Set a metric's x axis (``step_metric``) and its summary (``"min,max"``...)."""
        self._check_open("define_metric()")
        if not isinstance(name, str) or not name:
            raise TypeError("define_metric: name must be a non-empty string")
        if "*" in name[:-1]:
            raise ValueError(f"define_metric: {name!r}: only a trailing '*' glob is supported")
        if isinstance(step_metric, Metric):
            step_metric = step_metric.name
        parse_summary(summary)
        if goal is not None and goal not in ("minimize", "maximize"):
            raise ValueError("define_metric: goal must be 'minimize' or 'maximize'")
        if kwargs:
            warnings.warn(
                f"define_metric: ignoring unknown arguments {sorted(kwargs)}", stacklevel=2
            )
        if step_sync is None:
            step_sync = step_metric is not None
        metric = Metric(name, step_metric, step_sync, hidden, summary, goal)
        self._summary_state.define(metric)
        self._plain_summary = not any(m.summary is not None for m in self._summary_state.metrics)
        self._step_sync = [m for m in self._summary_state.metrics if m.step_sync and m.step_metric]
        self._emit(
            Kind.METRIC,
            {
                "name": name,
                "step_metric": step_metric,
                "summary": summary,
                "goal": goal,
                "hidden": hidden,
                "step_sync": step_sync,
            },
        )
        return metric

    # --- files -----------------------------------------------------------------------------

    def save(self, glob_str: str, base_path: str | None = None, policy: str = "live") -> list[str]:
        """Copy files into the run (``policy``: "live", "now" or "end")."""
        self._check_open("save()")
        if policy not in ("live", "now", "end"):
            raise ValueError(f"save: policy={policy!r} is not valid; use 'live', 'now' or 'end'")
        from runbase.sdk.environment import save_files

        return save_files(self, str(glob_str), base_path=base_path, policy=policy)

    # --- ending ----------------------------------------------------------------------------

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """End the run. Idempotent. ``exit_code`` other than 0 marks it failed."""
        with self._finish_lock:
            if self._finished or self._orphaned:
                return
            self._finished = True
        self._stop_watching()
        code = 0 if exit_code is None else int(exit_code)
        if self._media_log is not None:
            self._media_log.drain()  # media rows still queued are recorded before EXIT
        if self._attachment is not None:
            try:
                self._attachment.detach()
            except Exception as e:  # environment capture must never block finishing
                print(f"runbase: run {self._id}: stopping capture failed: {e}", file=sys.stderr)
        self._check_reserved()
        ended = {"exit_code": code, **({"stopped": self._stopped} if self._stopped else {})}
        exit_record = self._encode((Kind.EXIT, self._now(), ended))
        self._write(exit_record)
        lost = self._backlog.finish(exit_record)
        if lost:
            print(lost, file=sys.stderr)  # shown even when silent: data was lost
        self._sink.close()
        if code == 0 and self.settings.resume in ("auto", True):
            resume.forget_auto_resume(self._root)
        process.forget(self)
        if not (quiet or self.settings.silent):
            state = "finished" if code == 0 else f"failed (exit code {code})"
            state = f"killed ({self._stopped})" if self._stopped else state
            print(f"runbase: run {self._name} ({self._id}) {state}: {self.url}", file=sys.stderr)

    def _orphan(self) -> None:
        """In a forked child: this run is the parent's, leave its sink alone."""
        self._orphaned = True
        self._sink.abandon()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> Literal[False]:
        if exc_type is None:
            code = 0
        elif issubclass(exc_type, SystemExit):
            code = process.exit_code_of(exc.code)
        elif issubclass(exc_type, KeyboardInterrupt):
            code = 0 if process.mark_stopped(self) else 255
        else:
            code = 1
        self.finish(exit_code=code)
        return False

    def __repr__(self) -> str:
        return f"<runbase.Run {self.path} name={self._name!r}>"
