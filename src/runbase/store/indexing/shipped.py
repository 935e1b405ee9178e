"""Indexing runs shipped to the team server (``POST /api/v1/ingest/...``).

Their segments' bytes are rows of ``ingest_chunks`` instead of files; everything
after the read is the indexer's own code (``Indexer.index_run``: the same fold and
writes as a local run's). One pass over a run is one transaction under the run's
advisory lock, so any number of server processes may index the same run: the
second waits, then reads the offsets the first stored and finds nothing new.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import sqlalchemy as sa

from runbase.store.db.lock import lock_run
from runbase.store.db.schema import ingest_chunks, ingest_runs, ingest_segments, runs, segments
from runbase.store.indexing.indexer import Indexer, SyncReport
from runbase.store.indexing.inserts import Inserts
from runbase.store.indexing.tail import Seg, read_stored
from runbase.store.indexing.write_run import refresh_project

log = logging.getLogger("runbase.store")

_SEGMENTS = (
    sa.select(segments, ingest_segments.c.acked, runs.c.entity, runs.c.project, runs.c.run_id)
    .join(
        ingest_segments,
        (ingest_segments.c.rid == segments.c.rid) & (ingest_segments.c.segment == segments.c.name),
    )
    .join(runs, runs.c.rid == segments.c.rid)
    .where(
        segments.c.rid == sa.bindparam("b_rid"),
        segments.c.done == sa.false(),
        segments.c.ingested == sa.true(),
    )
)
_CHUNKS = (
    sa.select(ingest_chunks.c.offset, ingest_chunks.c.data)
    .where(
        ingest_chunks.c.rid == sa.bindparam("b_rid"),
        ingest_chunks.c.segment == sa.bindparam("b_seg"),
        ingest_chunks.c.offset < sa.bindparam("b_end"),
        ingest_chunks.c.offset + sa.func.length(ingest_chunks.c.data) > sa.bindparam("b_start"),
    )
    .order_by(ingest_chunks.c.offset)
)
_AUTHOR = sa.select(ingest_runs.c.author).where(ingest_runs.c.rid == sa.bindparam("b_rid"))


def shipped_path(entity: str, project: str, run_id: str, segment: str) -> Path:
    """What warnings name a shipped segment by (it has no file)."""
    return Path(f"shipped:{entity}/{project}/{run_id}/segments/{segment}")


def stored_bytes(conn: sa.Connection, rid: int, segment: str, start: int, end: int) -> bytes:
    """Bytes ``start`` to ``end`` of a shipped segment (stored contiguously from 0)."""
    rows = conn.execute(_CHUNKS, {"b_rid": rid, "b_seg": segment, "b_start": start, "b_end": end})
    pieces = [(int(r.offset), bytes(r.data)) for r in rows]
    if not pieces:
        return b""
    first = pieces[0][0]
    return b"".join(p for _, p in pieces)[start - first : end - first]


def index_shipped(indexer: Indexer, rid: int) -> SyncReport:
    """Index what is new in run ``rid``'s shipped segments."""
    t0 = time.perf_counter()
    report = SyncReport()
    with indexer.engine.begin() as conn:
        lock_run(conn, rid)
        segs = []
        for r in conn.execute(_SEGMENTS, {"b_rid": rid}):
            seg = Seg(
                rid=rid,
                name=r.name,
                path=shipped_path(r.entity, r.project, r.run_id, r.name),
                offset=r.offset,
                host=r.host,
                pid=r.pid,
                pid_start=r.pid_start,
                start_time=r.start_time,
                last_time=r.last_time,
                exit_code=r.exit_code,
                stopped=r.stopped,
            )
            seg.new_offset = seg.offset
            if r.acked > seg.offset:
                read_stored(seg, stored_bytes(conn, rid, seg.name, seg.offset, r.acked), report)
            segs.append(seg)
        segs.sort(key=lambda s: s.name)
        inserts = Inserts()
        project = indexer.index_run(conn, rid, segs, None, inserts)
        inserts.flush(conn)
        # The author is who shipped the run, not the login name on the training machine.
        author = conn.execute(_AUTHOR, {"b_rid": rid}).scalar()
        if author is not None:
            conn.execute(
                sa.update(runs).where(runs.c.rid == rid, runs.c.user.is_distinct_from(author)),
                {"user": author},
            )
    if project is not None:
        report.runs = 1
        with indexer.engine.begin() as conn:
            refresh_project(conn, *project)
    report.seconds = time.perf_counter() - t0
    return report
