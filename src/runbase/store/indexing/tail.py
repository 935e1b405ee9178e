"""Reading what is new in the record files: open segments and ``edits.rbr`` files.

Each is read from the byte offset the last pass stopped at. A segment is closed
(never read again) once nothing on this host can write to it any more (its
writer is gone and no console helper holds its lock: ``writer_alive``) and its
tail was read with ``final=True``, or once it holds EXIT and the writer trimmed
the file.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from runbase.records import Frame, FrameProblem, Kind, read_segment
from runbase.records.blocks import records_in
from runbase.records.framing import HEADER_SIZE
from runbase.records.layout import edits_path, segments_dir
from runbase.records.process import REMOTE_LIVE_SECONDS, writer_alive
from runbase.records.reader import NOT_A_FILE, read_segment_bytes
from runbase.records.shapes import check_frames
from runbase.store.db.schema import runs, segments

if TYPE_CHECKING:
    from runbase.store.indexing.indexer import SyncReport

log = logging.getLogger("runbase.store")


@dataclass
class Seg:
    """A segment not yet closed, and what this pass read from it."""

    rid: int
    name: str
    path: Path
    offset: int
    host: str | None
    pid: int | None
    pid_start: int | None
    start_time: float | None
    last_time: float | None
    exit_code: int | None
    stopped: str | None
    frames: list[Frame] = field(default_factory=list)
    new_offset: int = 0
    finish: bool = False

    @classmethod
    def of_row(cls, r: Any, path: Path) -> Seg:
        """The segment of a ``segments`` row (a file's, or a shipped one's at ``path``)."""
        return cls(
            rid=r.rid,
            name=r.name,
            path=path,
            offset=r.offset,
            host=r.host,
            pid=r.pid,
            pid_start=r.pid_start,
            start_time=r.start_time,
            last_time=r.last_time,
            exit_code=r.exit_code,
            stopped=r.stopped,
            new_offset=r.offset,
        )

    def keep(
        self,
        frames: list[Frame],
        problems: list[FrameProblem],
        next_offset: int,
        report: SyncReport,
    ) -> None:
        """What this pass read: its frames, up to ``next_offset``; its problems warned of."""
        report.problems += log_problems(self.path, problems)
        self.frames = frames
        self.new_offset = next_offset
        report.frames += records_in(frames)

    def exited(self) -> bool:
        """Whether the writer closed the segment (EXIT stored before, or read now)."""
        return self.exit_code is not None or any(f.kind == Kind.EXIT for f in self.frames)


def load_segments(engine: sa.Engine, root: Path) -> list[Seg]:
    """The segments not yet closed, each at its stored offset."""
    q = (
        sa.select(segments, runs.c.entity, runs.c.project, runs.c.run_id)
        .join(runs, runs.c.rid == segments.c.rid)
        .where(segments.c.done == sa.false(), segments.c.ingested == sa.false())
    )
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    return [Seg.of_row(r, segments_dir(root, r.entity, r.project, r.run_id) / r.name) for r in rows]


def _writer_alive(seg: Seg, host: str) -> bool:
    if seg.pid is None:
        # No START yet: the writer is creating the file right now, unless that
        # was long ago.
        try:
            age = time.time() - seg.path.stat().st_mtime
        except OSError:
            return False
        return age < REMOTE_LIVE_SECONDS
    return writer_alive(seg.host, seg.pid, seg.pid_start, seg.last_time, host, seg.path)


def read_new(seg: Seg, host: str, report: SyncReport) -> None:
    """Read what is new in ``seg`` into ``seg.frames``; mark it to close when nothing can follow."""
    seg.new_offset = seg.offset
    alive = _writer_alive(seg, host)
    # Only a local writer is known to be gone for good; a remote one may
    # just be late, so its segment is never closed.
    final = not alive and (seg.host is None or seg.host == host)
    if alive and seg.offset and _nothing_new(seg.path, seg.offset):
        return
    read = read_segment(seg.path, seg.offset, final=final, blocks=True)
    frames, problems = check_frames(read.frames)
    problems = read.problems + problems
    if seg.pid is None and not final:
        start = next((f.payload for f in frames if f.kind == Kind.START), None)
        if start is not None and start.get("host") == host:
            # First sight of this segment: now that its writer is known, a
            # dead one's torn tail can be settled in this same pass.
            pid, pid_start = start.get("pid"), start.get("pid_start")
            if not writer_alive(host, pid, pid_start, None, host, seg.path):
                final = True
                rest = read_segment(seg.path, read.next_offset, final=True, blocks=True)
                more, more_problems = check_frames(rest.frames)
                frames.extend(more)
                problems += rest.problems + more_problems
                read.next_offset = rest.next_offset
                read.pending = False
    seg.keep(frames, problems, read.next_offset, report)
    if final or any(p.reason == NOT_A_FILE for p in read.problems):
        # A FIFO or folder where the segment was: warn once, then leave it be.
        seg.finish = True
    elif seg.exited():
        # A closed writer trims its file: nothing can follow.
        try:
            closed = not read.pending and seg.path.stat().st_size == read.next_offset
        except OSError:
            closed = True
        seg.finish = closed


def read_stored(seg: Seg, data: bytes, report: SyncReport) -> None:
    """``read_new`` for a segment shipped to the team server: ``data`` is what is
    stored of it from ``seg.offset`` on. Its writer is on another machine, so its
    tail is never final (a torn frame waits for the bytes that complete it); it
    closes once it holds EXIT and every stored byte was read."""
    read = read_segment_bytes(data, seg.offset, final=False, blocks=True)
    frames, problems = check_frames(read.frames)
    seg.keep(frames, read.problems + problems, read.next_offset, report)
    if seg.exited():
        seg.finish = not read.pending and read.next_offset == seg.offset + len(data)


def read_edits(
    engine: sa.Engine, root: Path, rids: set[int] | None
) -> dict[int, tuple[list[Frame], int]]:
    """New frames and the next offset of the ``edits.rbr`` of ``rids`` (None: every run)."""
    q = sa.select(runs.c.rid, runs.c.entity, runs.c.project, runs.c.run_id, runs.c.edits_offset)
    if rids is not None:
        q = q.where(runs.c.rid.in_(rids))
    with engine.connect() as conn:
        rows = conn.execute(q).all()
    out = {}
    base = str(root / "runs")
    for r in rows:
        # Plain strings: this loop stats every run's edits file on a full scan.
        try:
            size = os.stat(f"{base}/{r.entity}/{r.project}/{r.run_id}/edits.rbr").st_size
        except OSError:
            continue
        if size <= r.edits_offset:
            continue
        path = edits_path(root, r.entity, r.project, r.run_id)
        read = read_segment(path, r.edits_offset, final=False)
        frames, problems = check_frames(read.frames)
        log_problems(path, read.problems + problems)
        if read.next_offset != r.edits_offset:
            out[r.rid] = (frames, read.next_offset)
    return out


def log_problems(path: Path, problems: list[FrameProblem]) -> int:
    """Warn about each problem, naming the file and the byte offset; how many there were."""
    for problem in problems:
        if problem.length:
            log.warning(
                "runbase: %s at byte %d: %s (%d bytes skipped)",
                path,
                problem.offset,
                problem.reason,
                problem.length,
            )
        else:
            log.warning("runbase: %s at byte %d: %s", path, problem.offset, problem.reason)
    return len(problems)


def _nothing_new(path: Path, offset: int) -> bool:
    """True when the bytes at ``offset`` are an unwritten (zero) header."""
    try:
        # O_NONBLOCK: a FIFO put where the segment was must not hang the reader.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        head = os.pread(fd, HEADER_SIZE, offset)
    except OSError:
        return False
    finally:
        os.close(fd)
    return len(head) == HEADER_SIZE and head == b"\x00" * HEADER_SIZE
