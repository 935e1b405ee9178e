"""Storing and indexing the pieces of many runs' segments posted at once.

``POST /api/v1/ingest`` (``ingest.py``) carries pieces of several runs: a sync of
many small runs, or a load balancer's worth of shippers, costs one request and
one transaction instead of one per run, and the statements cover all the pieces
(a few per post rather than ~25 per run). The rules are those of one piece at a
time (``shipping.py``): a piece from or before ``acked`` adds what is new, one past
it is a gap, one that differs from the stored bytes a mismatch; the runs' advisory
locks (by name, in one order) serialise them with every other post.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from runbase.server.team.shipping import _TRANSIENT, SegmentTaken, Stored, log, run_key
from runbase.store.db.keyed import select_keyed
from runbase.store.db.lock import lock_names
from runbase.store.db.schema import ingest_runs, ingest_segments, runs, segments
from runbase.store.indexing.shipped import Fresh, _cursor, index_shipped_many, stored_bytes

if TYPE_CHECKING:
    from runbase.store import Store


@dataclass(frozen=True)
class Piece:
    """Bytes of one run's segment from byte ``offset``."""

    entity: str
    project: str
    run_id: str
    segment: str
    offset: int
    data: bytes

    @property
    def run(self) -> tuple[str, str, str]:
        return (self.entity, self.project, self.run_id)


TAKEN = "taken"  # the run has a segment of this name that is a file on the server

_SET_ACKED = sa.text(
    "UPDATE ingest_segments AS s SET acked = v.acked FROM "
    "(SELECT unnest(CAST(:rids AS int[])) AS rid, unnest(CAST(:segs AS text[])) AS seg, "
    "unnest(CAST(:ackeds AS bigint[])) AS acked) AS v "
    "WHERE s.rid = v.rid AND s.segment = v.seg"
)

# A heartbeat for each run posted to (the crash watch's clock).
_beat = pg_insert(ingest_runs)
_BEAT = _beat.on_conflict_do_update(
    index_elements=[ingest_runs.c.rid], set_={"last_post_at": _beat.excluded.last_post_at}
)


def store_piece(
    engine: sa.Engine, where: tuple[str, str, str, str], offset: int, data: bytes, author: str
) -> Stored:
    """Store ``data``, the bytes of segment ``where`` (entity, project, run id, segment)
    from byte ``offset``, posted by ``author`` (without indexing them)."""
    with engine.begin() as conn:
        out, _ = store_pieces(conn, [Piece(*where, offset, data)], author)
    return _one(out[0], where[3])


def _one(stored: Stored | str, segment: str) -> Stored:
    if isinstance(stored, str):
        raise SegmentTaken(segment)
    return stored


def ship_pieces(
    store: Store, pieces: list[Piece], author: str | Sequence[str]
) -> list[Stored | str]:
    """Store ``pieces`` (posted by ``author``, or per piece its author) and index their
    runs, in one transaction.

    Per piece, a ``Stored`` (whose ``problem`` says a gap or mismatch) or ``TAKEN``.
    Indexing runs in a savepoint, as for one piece: should it fail, the bytes stay
    stored and acked, and the next post (or the shipping watch) indexes them again.
    """
    with store.engine.begin() as conn:
        return ship_pieces_in(conn, store, pieces, author)


def ship_pieces_in(
    conn: sa.Connection, store: Store, pieces: list[Piece], author: str | Sequence[str]
) -> list[Stored | str]:
    """``ship_pieces`` in ``conn``'s transaction."""
    out, fresh = store_pieces(conn, pieces, author)
    rids = sorted(fresh)
    if rids:
        try:
            with conn.begin_nested():
                index_shipped_many(conn, store.indexer, rids, fresh)
        except _TRANSIENT:
            raise
        except Exception:
            # One run the indexer cannot take must not hold back the others.
            _index_one_by_one(conn, store, rids, fresh)
    return out


def _index_one_by_one(conn: sa.Connection, store: Store, rids: list[int], fresh: Fresh) -> None:
    for rid in rids:
        try:
            with conn.begin_nested():
                index_shipped_many(conn, store.indexer, [rid], fresh)
        except _TRANSIENT:
            raise
        except Exception:
            log.exception("runbase: indexing shipped run #%d failed; its bytes are kept", rid)


def store_pieces(
    conn: sa.Connection, pieces: list[Piece], author: str | Sequence[str]
) -> tuple[list[Stored | str], Fresh]:
    """Store the pieces in ``conn``'s transaction; per piece what happened, and the
    bytes now stored whole to the end of their segment, by run (the indexer's input).
    ``author``: who posted them all, or per piece who posted it."""
    authors = [author] * len(pieces) if isinstance(author, str) else list(author)
    lock_names(conn, [run_key(*p.run) for p in pieces])
    rid_of = _ensure_runs(conn, {p.run for p in pieces})
    acked, taken = _ensure_segments(conn, {(rid_of[p.run], p.segment) for p in pieces})
    out: list[Stored | str] = []
    chunks: list[dict[str, Any]] = []
    moved: dict[tuple[int, str], int] = {}
    fresh: Fresh = {}
    author_of: dict[int, str] = {}
    for p, who in zip(pieces, authors, strict=True):
        rid = rid_of[p.run]
        author_of.setdefault(rid, who)
        key = (rid, p.segment)
        if key in taken:
            out.append(TAKEN)
            continue
        stored = _take(conn, p, rid, acked[key], chunks)
        out.append(stored)
        if stored.problem is None:
            moved[key] = acked[key] = stored.acked
            got = fresh.setdefault(rid, {})
            if stored.fresh is not None:
                got[p.segment] = (p.offset, p.data)
    _write(conn, chunks, moved, {rid: author_of[rid] for rid in sorted(fresh)})
    return out, fresh


def _take(
    conn: sa.Connection, p: Piece, rid: int, acked: int, chunks: list[dict[str, Any]]
) -> Stored:
    """What of ``p`` is new (added to ``chunks``), given the segment is held to ``acked``."""
    if p.offset > acked:
        return Stored(acked, rid, "gap")
    end = p.offset + len(p.data)
    if p.offset < acked:
        if any(c["rid"] == rid and c["segment"] == p.segment for c in chunks):
            _insert_chunks(conn, chunks)  # two pieces of a post overlap: compare with both
            chunks.clear()
        old = stored_bytes(conn, rid, p.segment, p.offset, min(end, acked))
        if old != p.data[: len(old)]:
            return Stored(acked, rid, "mismatch")
    if end > acked:
        chunks.append(
            {"rid": rid, "segment": p.segment, "offset": acked, "data": p.data[acked - p.offset :]}
        )
        acked = end
    return Stored(acked, rid, fresh=(p.segment, p.offset, p.data) if end == acked else None)


def ensure_run(conn: sa.Connection, entity: str, project: str, run_id: str) -> int:
    """The run's ``rid``, its row made when missing (the caller holds its lock)."""
    return _ensure_runs(conn, {(entity, project, run_id)})[(entity, project, run_id)]


def _ensure_runs(
    conn: sa.Connection, wanted: set[tuple[str, str, str]]
) -> dict[tuple[str, str, str], int]:
    """The runs' rows (made as discovery makes them when missing: indexing fills the rest)."""
    named = ("entity", "project", "run_id")
    found = {
        (r.entity, r.project, r.run_id): int(r.rid)
        for r in select_keyed(conn, runs, named, sorted(wanted), ("rid", *named))
    }
    missing = sorted(wanted - set(found))
    if missing:
        rows = [
            {"entity": e, "project": p, "run_id": r, "started": False, "state": "running",
             "history_rows": 0, "edits_offset": 0}
            for e, p, r in missing
        ]  # fmt: skip
        made = conn.execute(
            sa.insert(runs).returning(runs.c.rid, runs.c.entity, runs.c.project, runs.c.run_id),
            rows,
        )
        found.update({(r.entity, r.project, r.run_id): int(r.rid) for r in made})
    return found


def _ensure_segments(
    conn: sa.Connection, wanted: set[tuple[int, str]]
) -> tuple[dict[tuple[int, str], int], set[tuple[int, str]]]:
    """Each segment's ``acked`` (0 for a new one), and those that are files, not shipped."""
    pairs = sorted(wanted)
    named = ("rid", "segment")
    acked = {
        (r.rid, r.segment): int(r.acked) for r in select_keyed(conn, ingest_segments, named, pairs)
    }
    new = sorted(wanted - set(acked))
    taken: set[tuple[int, str]] = set()
    if new:
        files = select_keyed(conn, segments, ("rid", "name"), new, ("rid", "name"))
        taken = {(r.rid, r.name) for r in files}
        new = [k for k in new if k not in taken]
    if new:
        conn.execute(
            sa.insert(segments),
            [{"rid": r, "name": s, "offset": 0, "done": False, "ingested": True} for r, s in new],
        )
        conn.execute(
            sa.insert(ingest_segments), [{"rid": r, "segment": s, "acked": 0} for r, s in new]
        )
        acked.update({k: 0 for k in new})
    return acked, taken


def _insert_chunks(conn: sa.Connection, chunks: list[dict[str, Any]]) -> None:
    sql = (
        'INSERT INTO ingest_chunks (rid, segment, "offset", data) '
        "VALUES (%(rid)s, %(segment)s, %(offset)s, %(data)b)"  # %b: the bytes in binary
    )
    with _cursor(conn) as cur:
        cur.executemany(sql, chunks)  # pipelined by psycopg: one round trip


def _write(
    conn: sa.Connection,
    chunks: list[dict[str, Any]],
    moved: dict[tuple[int, str], int],
    authors: dict[int, str],
) -> None:
    """The new bytes, the segments' new ``acked``, and a heartbeat for each run posted to."""
    if chunks:
        _insert_chunks(conn, chunks)
    if moved:
        keys = sorted(moved)
        conn.execute(
            _SET_ACKED,
            {"rids": [k[0] for k in keys], "segs": [k[1] for k in keys],
             "ackeds": [moved[k] for k in keys]},
        )  # fmt: skip
    if authors:
        now = time.time()
        conn.execute(
            _BEAT,
            [{"rid": rid, "author": who, "last_post_at": now} for rid, who in authors.items()],
        )  # an executemany of one text, pipelined by psycopg
