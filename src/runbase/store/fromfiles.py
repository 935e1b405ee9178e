"""One run read straight from its record files, folded in memory by the indexer's fold.

``runbase.Api`` answers ``run()`` and ``history()`` this way while its process has
not opened the store, when the run's files are small (``MAX_BYTES``). The first
read after a script logged a run then costs reading that run's files (msgspec and
NumPy), not importing SQLAlchemy, creating or migrating the store and indexing
(which the first query that needs the store still does, for every run at once).

The answer is the index's: the records go through the same fold
(``indexing/fold.py``, ``indexing/batch.py``), the same summary and statistics,
and the values through the same msgpack round trip as the store's columns;
``tests/api/test_api_first_read.py`` compares the two. Nothing here imports
SQLAlchemy or writes anything.
"""

from __future__ import annotations

import gc
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from runbase.records import Frame, Kind, read_segment
from runbase.records.layout import edits_path, id_problem, name_problem, segments_dir
from runbase.records.process import host_name, segment_state, writer_alive
from runbase.records.shapes import check_frames, segment_name_problem
from runbase.store.db.chunks import Points
from runbase.store.db.rows import history_rows
from runbase.store.db.values import pack, unpack
from runbase.store.indexing.batch import Batch, stats_of
from runbase.store.indexing.fold import (
    apply_other_info,
    check_history,
    fold_edit,
    fold_segment,
    summarize,
)
from runbase.store.indexing.runstate import RunState, exact_mean, exact_sum_add
from runbase.store.queries.results import FullRunRow, HistoryRow

# A run whose record files hold more bytes than this is read through the store.
MAX_BYTES = 64 << 20


@dataclass
class FileSegment:
    """One segment file of the run, as the fold sees a segment (``fold.SegmentView``)."""

    name: str
    path: Path
    frames: list[Frame]
    start_time: float | None = None
    exit_code: int | None = None
    stopped: str | None = None
    host: str | None = None
    pid: int | None = None
    pid_start: int | None = None
    last_time: float | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    # Read to its end, no byte past the last frame: with an EXIT, nothing can follow.
    trimmed: bool = False
    # Read with final=True: its writer is gone and nothing holds it (the index closes it).
    final: bool = False


@dataclass
class FileRun:
    """A run folded from its files: the run as ``get_run`` gives it, and its history.
    Each call answers with new objects, as the store does (callers may change them).

    ``signature``: the files' names, sizes and times when none of them can change in
    place any more (every segment ended with EXIT and was trimmed; the edits file only
    grows), else None. While ``unchanged`` says so, this answer stays the files' answer.
    """

    packed_run: bytes
    series: dict[str, Points]
    rows: int
    signature: tuple[Any, ...] | None = None

    @property
    def run(self) -> FullRunRow:
        return FullRunRow(**unpack(self.packed_run))

    def history(
        self, keys: list[str] | None = None, samples: int | None = None
    ) -> list[HistoryRow]:
        """As ``queries.history(..., exact=True)`` answers from the store."""
        series = {
            k: p if p.dtype != "obj" else Points(p.dtype, p.rows, p.steps, unpack(pack(p.vals)))
            for k, p in self.series.items()
        }
        with _gc_paused():
            return history_rows(series, self.rows, keys, samples)


def segment_files(root: Path, entity: str, project: str, run_id: str) -> list[Path] | None:
    """The run's segment files (regular files with usable names, in order), or None
    when the run cannot be read from its files (a bad name, no folder, too big)."""
    if id_problem(run_id) or name_problem("entity", entity) or name_problem("project", project):
        return None
    try:
        entries = list(os.scandir(segments_dir(root, entity, project, run_id)))
    except OSError:
        return None
    files, size = [], 0
    for e in entries:
        if not e.name.endswith(".rbr") or segment_name_problem(e.name) is not None:
            continue
        try:
            st = e.stat()
        except OSError:
            continue
        if stat.S_ISREG(st.st_mode):
            files.append(Path(e.path))
            size += st.st_size
    if not files or size > MAX_BYTES:
        return None
    return sorted(files, key=lambda p: p.name)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """The cyclic GC paused: the values and rows made here are acyclic, and tens of
    thousands of new dicts would trigger collection after collection."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_run(root: Path, entity: str, project: str, run_id: str) -> FileRun | None:
    """The run folded from its record files; None when it is not there to read (no
    files, too big, no START yet, deleted): the store then answers."""
    files = segment_files(root, entity, project, run_id)
    if files is None:
        return None
    with _gc_paused():
        return _fold(root, entity, project, run_id, files)


def _fold(root: Path, entity: str, project: str, run_id: str, files: list[Path]) -> FileRun | None:
    host = host_name()
    segs = [_read(path, host) for path in files]
    st = RunState()
    batch = Batch(first_row=0)
    other: list[Frame] = []
    for seg in segs:
        if seg.frames:
            fold_segment(st, seg, batch, other, {seg.name: seg.changes})
    check_history(segs, batch, warn=False)
    edits = edits_path(root, entity, project, run_id)
    if edits.is_file():
        for f in check_frames(read_segment(edits, final=False).frames)[0]:
            fold_edit(st, f)
    if st.deleted or st.created_at is None:
        return None
    apply_other_info(st, other)
    series = batch.series()
    _summarize(st, batch, series)
    state, exit_code = _state(segs, host)
    row = _run_row(st, entity, project, run_id, state, exit_code)
    closed = all(seg.trimmed and seg.exit_code is not None for seg in segs)
    signature = _signature(files, edits) if closed else None
    return FileRun(pack(row), series, row.history_rows, signature)


def _signature(files: list[Path], edits: Path) -> tuple[Any, ...] | None:
    out = []
    for path in [*files, edits]:
        try:
            st = path.stat()
        except OSError:
            st = None
        out.append((path.name, st and st.st_size, st and st.st_mtime_ns))
    return tuple(out)


def unchanged(signature: tuple[Any, ...], root: Path, run: tuple[str, str, str]) -> bool:
    """True when a run's files are still those ``signature`` describes."""
    files = segment_files(root, *run)
    return files is not None and _signature(files, edits_path(root, *run)) == signature


def _read(path: Path, host: str) -> FileSegment:
    """A segment's records, its torn tail skipped once nothing can write to it any more
    (as the indexer's ``tail.read_new`` decides, closing the segment)."""
    try:
        size = path.stat().st_size
    except OSError:
        size = -1
    read = read_segment(path, final=False, blocks=True)
    frames = check_frames(read.frames)[0]
    start = next((f.payload for f in frames if f.kind == Kind.START), None)
    final = False  # no START: the run is not visible yet, whatever follows
    if start is not None and start.get("host") == host:
        pid, pid_start = start.get("pid"), start.get("pid_start")
        final = not writer_alive(host, pid, pid_start, None, host, path)
    if final and read.pending:
        rest = read_segment(path, read.next_offset, final=True, blocks=True)
        frames += check_frames(rest.frames)[0]
    trimmed = not read.pending and read.next_offset == size
    return FileSegment(path.name, path, frames, trimmed=trimmed, final=final)


def _summarize(st: RunState, batch: Batch, series: dict[str, Points]) -> None:
    """The summary and row count the history gives (as ``write_history.write_batch``)."""
    stats: dict[str, dict[str, Any]] = {}
    for key, points in series.items():
        stats[key] = stats_of(points)
        if "mean" in (st.summary_spec(key) or ()):
            acc: dict[str, int] = {}
            values = points.vals
            exact_sum_add(acc, values.tolist() if isinstance(values, np.ndarray) else values)
            stats[key]["mean"] = exact_mean(acc)
    summarize(st, batch, series, stats)
    if batch.n:
        st.rows = batch.n
        st.last_step = batch.steps[-1]


def _state(segs: list[FileSegment], host: str) -> tuple[str, int | None]:
    """(state, exit code) from the latest segment that has a START, as the indexer's
    ``write_run.derive_state`` reads them from its ``segments`` rows: a local segment
    is running until it would be closed (read with ``final``, or ended by EXIT)."""
    started = [s for s in segs if s.changes.get("start_time") is not None]
    if not started:
        return "running", None
    seg = started[-1]
    return segment_state(
        seg.exit_code, seg.final, seg.host, seg.pid, seg.pid_start, seg.last_time, host,
        seg.stopped,
    )  # fmt: skip


def _run_row(
    st: RunState, entity: str, project: str, run_id: str, state: str, exit_code: int | None
) -> FullRunRow:
    """The run as the store's row gives it back (values through the same msgpack round trip)."""
    info = st.info.values
    created, beat = st.created_at, st.heartbeat_at
    return FullRunRow(
        id=run_id,
        entity=entity,
        project=project,
        name=info.get("name"),
        state=state,
        notes=info.get("notes"),
        tags=unpack(pack(list(info.get("tags") or []))),
        group=info.get("group"),
        job_type=info.get("job_type"),
        user=st.user,
        host=st.host,
        sweep=st.sweep,
        created_at=created,
        heartbeat_at=beat,
        runtime=(beat - created) if beat is not None and created is not None else None,
        exit_code=exit_code,
        history_rows=st.rows,
        last_step=st.last_step,
        config=unpack(pack(st.config.values)),
        summary=unpack(pack(st.summary.values)),
        metadata=unpack(pack(st.metadata)),
        metrics=unpack(pack(list(st.metrics.values()))),
    )
