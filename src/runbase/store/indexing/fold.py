"""Folding a run's new records: history rows into a ``Batch``, the rest into ``RunState``.

In memory only; ``write_run.py`` and ``write_history.py`` write the result.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from runbase.records import Frame, Kind
from runbase.records.blocks import HISTORY_BLOCK, HistoryBlock
from runbase.records.fold import Stamped
from runbase.records.shapes import key_problem, plain
from runbase.store.db.values import unpack
from runbase.store.indexing.runstate import RunState, aggregate

if TYPE_CHECKING:
    # Only a segment with new records makes a Batch (and loads NumPy).
    from runbase.store.indexing.batch import Batch

log = logging.getLogger("runbase.store")
_SCALARS = frozenset((str, int, float, bool, type(None)))


class SegmentView(Protocol):
    """A segment as the fold sees it: the indexer's ``tail.Seg`` (its stored row and the
    frames of this pass), or ``runbase.store.fromfiles.FileSegment`` (a whole file)."""

    name: str
    path: Path
    frames: list[Frame]
    start_time: float | None
    exit_code: int | None
    stopped: str | None
    host: str | None
    pid: int | None
    pid_start: int | None
    last_time: float | None


def fold_segment(
    st: RunState,
    seg: SegmentView,
    batch: Batch,
    other: list[Frame],
    seg_changes: dict[str, dict[str, Any]],
) -> None:
    """Fold a segment's new frames: history rows into ``batch``, START and EXIT into ``st``.

    Changes to the segment's own row go to ``seg_changes``, other records to ``other``.
    """
    changes = seg_changes.setdefault(seg.name, {})
    open_row = st.open_row
    step = open_row[1] if open_row and open_row[2] == seg.name else None
    rows = batch.segment_rows(st.rows, seg.start_time, step)
    batch.starts.append((batch.n, seg.start_time or 0.0))
    HISTORY = Kind.HISTORY
    last_t = None
    for f in seg.frames:
        kind = f.kind
        last_t = f.time
        if kind == HISTORY:
            step, vals = f.payload
            rows.record(step, vals, f.time)
        elif kind == HISTORY_BLOCK and type(f.payload) is HistoryBlock:
            rows.block(f.payload)
        elif kind == Kind.START:
            rows.start_time = _fold_start(st, seg, f, changes)
            # Runtimes of the rows that follow count from this start.
            batch.starts.append((batch.n, rows.start_time))
            rows.cur = rows.step = None
        elif kind == Kind.EXIT:
            changes["exit_code"] = seg.exit_code = _exit_code(f.payload)
            changes["stopped"] = seg.stopped = _stopped(f.payload)
        else:
            other.append(f)
    if last_t is not None:
        changes["last_time"] = seg.last_time = last_t
        st.heartbeat_at = max(st.heartbeat_at or last_t, last_t)
    # Keep the (offset, start) list free of empty stretches.
    batch.starts = _compact_starts(batch.starts)
    if batch.n and rows.cur is not None and rows.step is not None:
        st.open_row = (batch.first_row + batch.n - 1, rows.step, seg.name)


def _fold_start(st: RunState, seg: SegmentView, f: Frame, changes: dict[str, Any]) -> float:
    """A START: the run's fields, and the segment's writer; returns the start time."""
    p = f.payload if isinstance(f.payload, dict) else {}
    st.apply_start(p, f.time)
    start_time: float = p.get("start_time") or f.time
    changes.update(
        host=p.get("host"),
        pid=p.get("pid"),
        pid_start=p.get("pid_start"),
        start_time=start_time,
        exit_code=None,
        stopped=None,
    )
    seg.host, seg.pid, seg.pid_start = p.get("host"), p.get("pid"), p.get("pid_start")
    seg.exit_code = seg.stopped = None
    return start_time


def _exit_code(payload: Any) -> int:
    code = payload.get("exit_code", 0) if isinstance(payload, dict) else 0
    return code if isinstance(code, int) else 1


def _stopped(payload: Any) -> str | None:
    """The EXIT's reason for a stop on request; None for an EXIT without one (older writers)."""
    why = payload.get("stopped") if isinstance(payload, dict) else None
    return why if isinstance(why, str) or why is None else "stopped"


def check_history(segs: Sequence[SegmentView], batch: Batch, warn: bool = True) -> int:
    """Drop history keys that cannot name a series, warning at each record that has one
    (unless not ``warn``: reading a run without indexing it).

    Returns the number of records warned about.
    """
    bad = batch.bad_keys()
    if not bad or not warn:
        batch.drop_keys(bad)
        return 0
    # Before dropping: the first record of each row shares its dict with the row.
    warned = 0
    for seg in segs:
        for f in seg.frames:
            if f.kind != Kind.HISTORY or bad.isdisjoint(f.payload[1]):
                continue
            found = sorted(bad.intersection(f.payload[1]), key=repr)
            for key in found[:3]:
                log.warning(
                    "runbase: %s at byte %d: HISTORY record: %s: dropped",
                    seg.path,
                    f.offset,
                    key_problem(key),
                )
            warned += 1
    batch.drop_keys(bad)
    return warned


def warn_unplain(segs: Sequence[SegmentView], keys: set[str]) -> None:
    """Name the records whose values under ``keys`` were not JSON-like (stored as None)."""
    for seg in segs:
        for f in seg.frames:
            if f.kind != Kind.HISTORY:
                continue
            values = f.payload[1]
            for key in keys.intersection(values):
                v = values[key]
                if type(v) not in _SCALARS and not plain(v):
                    log.warning(
                        "runbase: %s at byte %d: HISTORY record: the value of %r is not "
                        "JSON-like (or is nested too deeply): stored as null",
                        seg.path,
                        f.offset,
                        key,
                    )


def load_state(row: Any) -> RunState:
    """A run's state as the last pass left it in its ``runs`` row."""
    ix = unpack(row.ix, {})
    info_vals = {
        "name": row.name,
        "notes": row.notes,
        "group": row.run_group,
        "job_type": row.job_type,
        "tags": unpack(row.tags, []),
    }
    it = ix.get("it", {})
    st = RunState(
        info=Stamped({k: v for k, v in info_vals.items() if k in it}, it),
        config=Stamped(unpack(row.config, {}), ix.get("ct", {})),
        summary=Stamped(unpack(row.summary, {}), ix.get("st", {})),
        metadata=unpack(row.run_metadata, {}),
        metrics={m["name"]: m for m in unpack(row.metrics, [])},
        user=row.user,
        host=row.host,
        sweep=row.sweep_id,
        created_at=row.created_at,
        heartbeat_at=row.heartbeat_at,
        rows=row.history_rows,
        last_step=row.last_step,
        deleted=bool(ix.get("deleted")),
    )
    if ix.get("open"):
        r, s, name = ix["open"]
        st.open_row = (r, s, name)
    return st


def fold_edit(st: RunState, f: Frame) -> None:
    """Fold one record of ``edits.rbr``."""
    st.apply(f)


def summarize(
    st: RunState,
    batch: Batch,
    series: dict[str, Any],
    stats: dict[str, dict[str, Any]],
) -> None:
    """Set the summary from this pass's history (latest time wins against SUMMARY edits)."""
    if not series:
        return
    times = batch.times
    first = batch.first_row
    for key, points in series.items():
        t = times[int(points.rows[-1]) - first]
        spec = st.summary_spec(key)
        if spec is None:
            last = points.vals[-1]
            st.summary.set(key, last.item() if hasattr(last, "item") else last, t)
        elif spec == ["none"]:
            st.summary.delete(key, t)
        else:
            st.summary.set(key, aggregate(spec, stats[key]), t)


def apply_other_info(st: RunState, other: list[Frame]) -> None:
    """Fold the non-history records of segments that change the run's fields."""
    for f in other:
        st.apply(f)


def _compact_starts(starts: list[tuple[int, float]]) -> list[tuple[int, float]]:
    out: list[tuple[int, float]] = []
    for i, t in starts:
        if out and out[-1][0] == i:
            out[-1] = (i, t)
        else:
            out.append((i, t))
    return out or [(0, 0.0)]
