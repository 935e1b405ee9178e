"""One fold of a run's records into its fields: name and the other INFO fields,
config, summary, metrics and metadata.

Both readers of a run's state use it: the SDK when it resumes a run
(``fold_run`` below) and the store's indexer, which folds the same records
piece by piece as they arrive. Records reach a reader out of order across
streams (a live segment is read in pieces; ``edits.rbr``, written later by the
Api or the web app, is read after the segments), so docs/records.md settles
conflicts by time: for each field (an INFO field, a config key, a summary key)
the record with the latest time wins, whichever stream it is in. Each field
therefore carries the time it was last set, or deleted, so an older set cannot
bring it back; the result does not depend on the order the streams are read in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbase.records.framing import Frame
from runbase.records.kinds import Kind
from runbase.records.process import writer_alive
from runbase.records.reader import read_segment
from runbase.records.shapes import check_frames

INFO_FIELDS = ("name", "notes", "tags", "group", "job_type")


@dataclass
class Stamped:
    """A map whose keys each keep the time of their last change (last writer wins)."""

    values: dict[str, Any] = field(default_factory=dict)
    times: dict[str, float] = field(default_factory=dict)

    def set(self, key: str, value: Any, t: float) -> bool:
        """Set ``key`` unless a later change to it is already known."""
        if t < self.times.get(key, -math.inf):
            return False
        self.values[key] = value
        self.times[key] = t
        return True

    def delete(self, key: str, t: float) -> bool:
        """Delete ``key`` unless a later change to it is already known."""
        if t < self.times.get(key, -math.inf):
            return False
        self.values.pop(key, None)
        self.times[key] = t
        return True


@dataclass
class RunFields:
    """A run's fields as its records so far say."""

    info: Stamped = field(default_factory=Stamped)
    config: Stamped = field(default_factory=Stamped)
    summary: Stamped = field(default_factory=Stamped)
    metadata: dict[str, Any] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    user: str | None = None
    host: str | None = None
    sweep: str | None = None  # the sweep whose agent started the run (START ``sweep``)
    created_at: float | None = None
    deleted: bool = False

    def apply(self, f: Frame) -> bool:
        """Fold one record that changes the run's fields; False for other kinds
        (HISTORY, EXIT, OUTPUT, ...), which each reader handles its own way."""
        p = f.payload
        kind = f.kind
        if kind == Kind.DELETE:
            self.deleted = True
            return True
        if not isinstance(p, dict):
            return False
        if kind == Kind.START:
            self.apply_start(p, f.time)
        elif kind == Kind.INFO:
            self.apply_info(p, f.time)
        elif kind == Kind.CONFIG:
            self.apply_config(p, f.time)
        elif kind == Kind.SUMMARY:
            self.apply_summary(p, f.time)
        elif kind == Kind.METRIC:
            self.apply_metric(p)
        elif kind == Kind.METADATA:
            self.metadata.update(p)
        else:
            return False
        return True

    def apply_start(self, payload: dict[str, Any], t: float) -> None:
        """A START sets the fields it carries (a resume START only those the caller passed)."""
        when = payload.get("start_time") or t
        if self.created_at is None or when < self.created_at:
            self.created_at = when
        self.apply_info(payload, t)
        for key, value in (payload.get("config") or {}).items():
            self.config.set(key, value, t)
        self.user = payload.get("user") or self.user
        self.host = payload.get("host") or self.host
        self.sweep = payload.get("sweep") or self.sweep

    def apply_info(self, payload: dict[str, Any], t: float) -> None:
        for key in INFO_FIELDS:
            if key in payload:
                value = payload[key]
                self.info.set(key, list(value or []) if key == "tags" else value, t)

    def apply_config(self, payload: dict[str, Any], t: float) -> None:
        for key, value in (payload.get("set") or {}).items():
            self.config.set(key, value, t)
        for key in payload.get("del") or ():
            self.config.delete(key, t)

    def apply_summary(self, payload: dict[str, Any], t: float) -> None:
        for key, value in (payload.get("set") or {}).items():
            self.summary.set(key, value, t)
        for key in payload.get("del") or ():
            self.summary.delete(key, t)

    def apply_metric(self, payload: dict[str, Any]) -> None:
        name = payload.get("name")
        if isinstance(name, str) and name:
            self.metrics[name] = dict(payload)


@dataclass
class FoldedRun:
    """Everything a resumed run continues from."""

    fields: RunFields
    next_step: int = 0
    # The pid of a writer that is still running (the run cannot be taken over).
    live_pid: int | None = None


def fold_run(segments: Path, edits: Path) -> FoldedRun | None:
    """Fold all of a run's records (its segments, then its edits), or None when it has none.

    History values set the summary at their record's time, as the indexer does,
    so a later summary edit wins over an earlier logged value and vice versa.
    """
    files = sorted(segments.glob("*.rbr")) if segments.is_dir() else []
    if not files:
        return None
    out = FoldedRun(RunFields())
    last_step: int | None = None
    for path in files:
        start: dict[str, Any] = {}
        exited = False
        last_time: float | None = None
        frames, _ = check_frames(read_segment(path, final=True).frames)
        for f in frames:
            last_time = f.time
            if f.kind == Kind.HISTORY:
                step, row = f.payload
                last_step = step if last_step is None else max(last_step, step)
                for key, value in row.items():
                    out.fields.summary.set(key, value, f.time)
            elif f.kind == Kind.EXIT:
                exited = True
            elif out.fields.apply(f) and f.kind == Kind.START:
                start = f.payload
        pid = start.get("pid")
        if not exited and writer_alive(start.get("host"), pid, start.get("pid_start"), last_time):
            out.live_pid = pid
    if edits.is_file():
        frames, _ = check_frames(read_segment(edits, final=True).frames)
        for f in frames:
            out.fields.apply(f)
    out.next_step = 0 if last_step is None else last_step + 1
    return out
