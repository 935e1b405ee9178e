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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from runbase.store.db.keyed import any_of
from runbase.store.db.lock import lock_runs
from runbase.store.db.schema import (
    ingest_chunks,
    ingest_runs,
    ingest_segments,
    projects,
    runs,
    segments,
)
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
        any_of(segments.c.rid, "b_rids"),
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
_RUNS = sa.select(runs).where(any_of(runs.c.rid, "b_rids"))
_SET_AUTHORS = (
    sa.update(runs)
    .where(
        runs.c.rid == ingest_runs.c.rid,
        any_of(runs.c.rid, "b_rids"),
        runs.c.user.is_distinct_from(ingest_runs.c.author),
    )
    .values(user=ingest_runs.c.author)
)
_ACTIVITY = (
    sa.select(sa.func.max(sa.func.coalesce(runs.c.heartbeat_at, runs.c.created_at)))
    .where(
        any_of(runs.c.rid, "b_rids"),
        runs.c.entity == sa.bindparam("b_e"),
        runs.c.project == sa.bindparam("b_p"),
    )
    .scalar_subquery()
)
_PROJECT_ACTIVITY = (
    sa.update(projects)
    .where(
        projects.c.entity == sa.bindparam("b_e"),
        projects.c.project == sa.bindparam("b_p"),
        sa.or_(projects.c.last_activity.is_(None), projects.c.last_activity < _ACTIVITY),
    )
    .values(last_activity=_ACTIVITY)
)


def shipped_path(entity: str, project: str, run_id: str, segment: str) -> Path:
    """What warnings name a shipped segment by (it has no file)."""
    return Path(f"shipped:{entity}/{project}/{run_id}/segments/{segment}")


def stored_bytes(conn: sa.Connection, rid: int, segment: str, start: int, end: int) -> bytes:
    """Bytes ``start`` to ``end`` of a shipped segment (stored contiguously from 0)."""
    if start >= end:
        return b""
    params = {"b_rid": rid, "b_seg": segment, "b_start": start, "b_end": end}
    if conn.dialect.name == "postgresql":
        # Only the wanted part of each piece (the bytes are stored uncompressed, so
        # PostgreSQL reads just those), in binary: bytea as text is hex.
        sql = (
            'SELECT substring(data FROM (GREATEST(%(b_start)s - "offset", 0) + 1)::int '
            'FOR (%(b_end)s - GREATEST(%(b_start)s, "offset"))::int) FROM ingest_chunks '
            "WHERE rid = %(b_rid)s AND segment = %(b_seg)s "
            'AND "offset" < %(b_end)s AND "offset" + length(data) > %(b_start)s ORDER BY "offset"'
        )
        with _cursor(conn) as cur:
            cur.execute(sql, params, binary=True)
            return b"".join(bytes(d) for (d,) in cur.fetchall())
    pieces = [(int(r.offset), bytes(r.data)) for r in conn.execute(_CHUNKS, params)]
    if not pieces:
        return b""
    first = pieces[0][0]
    return b"".join(p for _, p in pieces)[start - first : end - first]


@contextmanager
def _cursor(conn: sa.Connection) -> Iterator[Any]:
    """psycopg's own cursor on ``conn`` (in its transaction), errors raised as SQLAlchemy's."""
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        yield cursor
    except conn.dialect.loaded_dbapi.Error as e:
        raise sa.exc.DBAPIError.instance(
            "ingest_chunks", None, e, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from e
    finally:
        cursor.close()


# Bytes a post just stored, by run and segment: (first byte, bytes), so indexing
# need not read them back.
Fresh = dict[int, dict[str, tuple[int, bytes]]]


def _segment_bytes(
    conn: sa.Connection, seg: Seg, acked: int, fresh: tuple[int, bytes] | None
) -> bytes:
    """Bytes ``seg.offset`` to ``acked``; those of ``fresh`` (first byte, bytes, just
    stored by the caller) are taken from memory rather than read back."""
    if fresh is None or fresh[0] + len(fresh[1]) != acked:
        return stored_bytes(conn, seg.rid, seg.name, seg.offset, acked)
    start, data = fresh
    if seg.offset >= start:
        return data[seg.offset - start :]
    return stored_bytes(conn, seg.rid, seg.name, seg.offset, start) + data


def index_shipped(
    indexer: Indexer, rid: int, fresh: tuple[str, int, bytes] | None = None
) -> SyncReport:
    """Index what is new in run ``rid``'s shipped segments, in a transaction of its own."""
    with indexer.engine.begin() as conn:
        return index_shipped_in(conn, indexer, rid, fresh)


def index_shipped_in(
    conn: sa.Connection, indexer: Indexer, rid: int, fresh: tuple[str, int, bytes] | None = None
) -> SyncReport:
    """Index what is new in run ``rid``'s shipped segments, in ``conn``'s transaction
    (``fresh``: bytes the caller just stored, as (segment, first byte, bytes), so they
    need not be read back)."""
    return index_shipped_many(
        conn, indexer, [rid], {rid: {fresh[0]: fresh[1:]}} if fresh is not None else {}
    )


def index_shipped_many(
    conn: sa.Connection, indexer: Indexer, rids: list[int], fresh: Fresh | None = None
) -> SyncReport:
    """Index what is new in the shipped segments of runs ``rids``, in ``conn``'s
    transaction: each run under its advisory lock, as ``Indexer.index_run`` folds a
    local run, with the reads and writes of all the runs gathered into a few
    statements (a post of many small runs costs a few round trips per run, not 30)."""
    t0 = time.perf_counter()
    report = SyncReport()
    rids = sorted(set(rids))  # locks in one order: two posts never wait on each other
    lock_runs(conn, rids)
    segs_of: dict[int, list[Seg]] = {rid: [] for rid in rids}
    for r in conn.execute(_SEGMENTS, {"b_rids": rids}):
        seg = Seg.of_row(r, shipped_path(r.entity, r.project, r.run_id, r.name))
        got = (fresh or {}).get(r.rid, {}).get(r.name)
        if r.acked > seg.offset:
            read_stored(seg, _segment_bytes(conn, seg, r.acked, got), report)
        segs_of[r.rid].append(seg)
    rows = {r.rid: r for r in conn.execute(_RUNS, {"b_rids": rids})}
    inserts = Inserts()
    started: dict[tuple[str, str], bool] = {}
    work = [(rid, sorted(segs_of[rid], key=lambda s: s.name), None) for rid in rids if rid in rows]
    done = indexer.index_runs(conn, work, inserts, rows)
    for (rid, _, _), changed in zip(work, done, strict=True):
        row = rows[rid]
        if changed is not None:
            report.runs += 1
            # A run seen started before is counted already: only the project's last
            # activity may move (recounting a big project at each post costs more).
            started[changed] = started.get(changed, True) and bool(row.started)
    inserts.flush(conn)
    # The author is who shipped the run, not the login name on the training machine.
    conn.execute(_SET_AUTHORS, {"b_rids": rids})
    for (entity, project), was_started in sorted(started.items()):
        if was_started:
            conn.execute(_PROJECT_ACTIVITY, {"b_e": entity, "b_p": project, "b_rids": rids})
        else:
            refresh_project(conn, entity, project)
    report.seconds = time.perf_counter() - t0
    return report
