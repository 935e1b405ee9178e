"""The Run: what ``runbase.init()`` returns and what a training loop logs to."""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import msgspec

from runbase.errors import UsageError
from runbase.records import Kind, SegmentWriter, StorageError
from runbase.sdk import process, resume
from runbase.sdk.config import Config
from runbase.sdk.settings import Settings
from runbase.sdk.summary import Metric, Summary, SummaryState, parse_summary
from runbase.sdk.values import flatten, is_plain_flat

_BACKLOG_LIMIT = 256 << 20
_LARGE_ROW = 10 << 20


def ui_base_url() -> str:
    """Where the web app is expected: RUNBASE_UI_URL, else the default of ``runbase ui``."""
    return os.environ.get("RUNBASE_UI_URL", "http://127.0.0.1:8765").rstrip("/")


class Run:
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
        writer: SegmentWriter,
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
        self._writer = writer
        self._files_dir = files_dir
        self._start_time = start_time
        self._step = step
        self._resumed = resumed
        self._finished = False
        self._orphaned = False
        self._backlog: list[bytes] = []
        self._backlog_bytes = 0
        self._lower_step_warned = False
        self._large_warned = False
        self._watch_warned = False
        self._encode = msgspec.msgpack.Encoder().encode
        self._append = writer.append
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
        self._set_info("name", str(value))
        self._name = str(value)

    @property
    def notes(self) -> str | None:
        """The run's description."""
        return self._notes

    @notes.setter
    def notes(self, value: str | None) -> None:
        self._set_info("notes", value)
        self._notes = value

    @property
    def tags(self) -> tuple[str, ...]:
        """The run's tags."""
        return self._tags

    @tags.setter
    def tags(self, value: Any) -> None:
        tags = _check_tags(value)
        self._set_info("tags", list(tags))
        self._tags = tags

    @property
    def group(self) -> str | None:
        """The run's group."""
        return self._group

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
        """The run's page in the web app."""
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
        self._write(self._encode((kind, self._now(), payload)))

    def _write(self, body: bytes) -> None:
        if self._backlog:
            self._spill(body)
            return
        try:
            self._append(body)
        except StorageError as e:
            self._spill(body, e)

    def _spill(self, body: bytes, error: StorageError | None = None) -> None:
        """Hold records in memory while the disk refuses them, and retry."""
        if error is not None and not self._backlog:
            warnings.warn(
                f"runbase: cannot write run {self._id}: {error.strerror or error} Logged data is "
                "held in memory (up to 256 MB) and written as soon as space is available.",
                RuntimeWarning,
                stacklevel=4,
            )
        self._backlog.append(body)
        self._backlog_bytes += len(body)
        self._drain_backlog()
        if self._backlog_bytes > _BACKLOG_LIMIT:
            dropped = self._backlog.pop(0)
            self._backlog_bytes -= len(dropped)

    def _drain_backlog(self) -> bool:
        while self._backlog:
            try:
                self._append(self._backlog[0])
            except StorageError:
                return False
            self._backlog_bytes -= len(self._backlog.pop(0))
        return True

    def _emit_config(self, changes: dict[str, Any], removed: list[str]) -> None:
        self._check_open("config")
        self._emit(Kind.CONFIG, {"set": changes, "del": removed})

    def _emit_summary(self, changes: dict[str, Any], removed: list[str]) -> None:
        self._check_open("summary")
        self._emit(Kind.SUMMARY, {"set": changes, "del": removed})

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
        """Log a dict of values as one history row (see docs/sdk.md for step rules)."""
        if self._finished or self._orphaned:
            self._check_open("log()")
        if type(data) is not dict:
            if not isinstance(data, Mapping):
                raise TypeError(f"run.log() must be passed a dictionary, got {type(data).__name__}")
            data = dict(data)
        if not is_plain_flat(data):
            data = flatten(data)
        if step is None:
            row = self._step
            if commit is not False:
                self._step = row + 1
        else:
            row = self._row_for_step(step, commit)
        if self._step_sync:
            data = self._add_step_metrics(data)
        body = self._encode((2, self._now(), (row, data)))
        if len(body) > _LARGE_ROW and not self._large_warned:
            self._large_warned = True
            warnings.warn(
                f"runbase: run {self._id} logged a row of {len(body) >> 20} MB; it is stored, "
                "but rows this large make charts and history slow. Log large data as files "
                "(run.save) instead.",
                RuntimeWarning,
                stacklevel=2,
            )
        if self._backlog:
            self._spill(body)
        else:
            try:
                self._append(body)
            except StorageError as e:
                self._spill(body, e)
        if self._plain_summary:
            self._summary_state.values.update(data)
        else:
            self._summary_state.observe(data)

    def _row_for_step(self, step: Any, commit: bool | None) -> int:
        if isinstance(step, bool) or not hasattr(step, "__index__"):
            raise TypeError(f"run.log(step=...) must be an int, got {type(step).__name__}")
        step = int(step.__index__())
        if step < 0:
            raise ValueError(f"run.log(step={step}) must not be negative")
        current = self._step
        if step < current:
            if not self._lower_step_warned:
                self._lower_step_warned = True
                warnings.warn(
                    f"runbase: run {self._id} logged step {step}, lower than the current step "
                    f"{current}. The data is kept as its own row at step {step} (not dropped); "
                    "the next log() without step= continues at the current step. This warning "
                    "is shown once per run.",
                    RuntimeWarning,
                    stacklevel=3,
                )
            return step
        self._step = step + 1 if commit else step
        return step

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

    # --- W&B calls runbase accepts without doing everything W&B does ------------------------

    def watch(
        self,
        models: Any = None,
        criterion: Any = None,
        log: str | None = "gradients",
        log_freq: int = 1000,
        idx: int | None = None,
        log_graph: bool = False,
    ) -> None:
        """Accepted so W&B scripts run; gradient and parameter histograms are not recorded yet."""
        self._check_open("watch()")
        if not self._watch_warned:
            self._watch_warned = True
            warnings.warn(
                "runbase: watch() does not record gradients or parameters yet; training "
                "continues and everything you log() is recorded.",
                RuntimeWarning,
                stacklevel=2,
            )

    def unwatch(self, models: Any = None) -> None:
        """Counterpart of ``watch()``; nothing to undo."""

    def alert(
        self, title: str, text: str, level: str | None = None, wait_duration: Any = None
    ) -> None:
        """Print an alert line; it lands in the run's console logs (no Slack or email)."""
        self._check_open("alert()")
        print(f"runbase alert [{level or 'INFO'}] {title}: {text}", file=sys.stderr)

    def mark_preempting(self) -> None:
        """Accepted for W&B scripts; state is derived from the process, so nothing to mark."""

    # --- ending ----------------------------------------------------------------------------

    def finish(self, exit_code: int | None = None, quiet: bool | None = None) -> None:
        """End the run. Idempotent. ``exit_code`` other than 0 marks it failed."""
        with self._finish_lock:
            if self._finished or self._orphaned:
                return
            self._finished = True
        code = 0 if exit_code is None else int(exit_code)
        if self._attachment is not None:
            try:
                self._attachment.detach()
            except Exception as e:  # environment capture must never block finishing
                print(f"runbase: run {self._id}: stopping capture failed: {e}", file=sys.stderr)
        exit_record = self._encode((Kind.EXIT, self._now(), {"exit_code": code}))
        self._write(exit_record)
        if self._backlog and not self._drain_backlog():
            print(
                f"runbase: run {self._id}: {len(self._backlog) - 1} records could not be written "
                "(disk full?); they are lost. Free space in RUNBASE_DIR.",
                file=sys.stderr,
            )
            # The end of the run is still worth recording if the small exit record fits.
            try:
                self._append(exit_record)
            except StorageError:
                pass
        self._writer.close()
        if code == 0 and self.settings.resume in ("auto", True):
            resume.forget_auto_resume(self._root)
        process.forget(self)
        if not (quiet or self.settings.silent):
            state = "finished" if code == 0 else f"failed (exit code {code})"
            print(f"runbase: run {self._name} ({self._id}) {state}: {self.url}", file=sys.stderr)

    def _orphan(self) -> None:
        """In a forked child: this run is the parent's, leave its file alone."""
        self._orphaned = True
        self._writer.abandon()

    def __enter__(self) -> Run:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool:
        if exc_type is None:
            code = 0
        elif issubclass(exc_type, SystemExit):
            code = process.exit_code_of(exc.code)
        elif issubclass(exc_type, KeyboardInterrupt):
            code = 255
        else:
            code = 1
        self.finish(exit_code=code)
        return False

    def __repr__(self) -> str:
        return f"<runbase.Run {self.path} name={self._name!r}>"


def _check_tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        raise TypeError("tags must be a list of strings, not a single string (use [tag])")
    tags = tuple(value)
    for t in tags:
        if not isinstance(t, str) or not t.strip():
            raise TypeError(f"tags must be non-empty strings, got {t!r}")
        if len(t) > 64:
            raise ValueError(f"tag {t[:20]!r}... is longer than 64 characters")
    return tuple(dict.fromkeys(tags))
