"""The rules of storing the bytes a shipper posts (``POST /api/v1/ingest/...``; the
code that stores them is ``pieces.py``), and the crash watch.

A shipped segment is kept as contiguous pieces from byte 0 (``ingest_chunks``);
``ingest_segments.acked`` is the next byte expected. A post that starts at or
before it adds only what is new (a resend is idempotent); one that starts past
it would leave a hole and is refused with the offset to resend from. Posts of a
run are serialised by an advisory lock named after it, so several server
processes sharing PostgreSQL agree on ``acked``.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from runbase.store.db.schema import ingest_runs, ingest_segments, runs, segments
from runbase.store.indexing.shipped import index_shipped

if TYPE_CHECKING:
    from runbase.store import Store

log = logging.getLogger("runbase.server")

# Errors that say the database is away, not that the run's bytes are bad.
_TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError)
# The largest body one post may carry; a shipper sends more as several posts.
MAX_BODY = 16 * 1024 * 1024


@dataclass
class Stored:
    """What a post did: ``acked`` the next byte expected; ``problem`` None when accepted,
    else "gap" (the post starts past ``acked``) or "mismatch" (it differs from bytes
    already stored); ``rid`` the run's row."""

    acked: int
    rid: int
    problem: str | None = None
    # The post's bytes (segment, first byte, bytes), all stored now: the indexer's input.
    fresh: tuple[str, int, bytes] | None = None
    # Why the run should stop (``stops.py``), when the post was looked at for one.
    stop: str | None = None


class SegmentTaken(Exception):
    """The run has a segment of this name that is a file on the server, not shipped."""


def run_key(entity: str, project: str, run_id: str) -> str:
    """The name of a run's advisory lock, taken by every post to it."""
    return f"run:{entity}/{project}/{run_id}"


def acked_of(engine: sa.Engine, entity: str, project: str, run_id: str, segment: str) -> int:
    """The next byte of the segment the server expects (0 when it has none)."""
    q = (
        sa.select(ingest_segments.c.acked)
        .join(runs, runs.c.rid == ingest_segments.c.rid)
        .where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            ingest_segments.c.segment == segment,
        )
    )
    with engine.connect() as conn:
        acked = conn.execute(q).scalar()
    return int(acked or 0)


def mark_crashed(engine: sa.Engine, timeout: float) -> int:
    """Mark shipped runs crashed whose last post is older than ``timeout`` seconds and
    that are still running (a run with an EXIT is finished, failed or killed, not
    running). Idempotent, so every server process may run it; the number marked."""
    late = sa.select(ingest_runs.c.rid).where(ingest_runs.c.last_post_at < time.time() - timeout)
    with engine.begin() as conn:
        done = conn.execute(
            sa.update(runs)
            .where(runs.c.state == "running", runs.c.rid.in_(late))
            .values(state="crashed")
        )
    return int(done.rowcount or 0)


_LAGGING = (
    sa.select(ingest_segments.c.rid, ingest_segments.c.segment, ingest_segments.c.acked)
    .join(
        segments,
        (segments.c.rid == ingest_segments.c.rid) & (segments.c.name == ingest_segments.c.segment),
    )
    .join(ingest_runs, ingest_runs.c.rid == ingest_segments.c.rid)
    .where(
        segments.c.done == sa.false(),
        segments.c.offset < ingest_segments.c.acked,
        ingest_runs.c.last_post_at < sa.bindparam("b_quiet"),
    )
)


class ShippingWatch:
    """A thread of each server process that, every little while, indexes stored bytes
    no post indexed (a process killed between storing and indexing a run's last post)
    and marks runs whose posts stopped crashed (``mark_crashed``)."""

    def __init__(self, store: Store, timeout: float) -> None:
        self.store = store
        self.timeout = timeout
        # Often enough that a run turns crashed within a quarter of the timeout.
        self.every = max(0.2, min(timeout / 4, 30.0))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="runbase-shipping", daemon=True)
        # (rid, segment) -> acked at the last catch-up: a segment whose tail is a frame
        # still being sent stays behind its acked, and is looked at again only when it grows.
        self._tried: dict[tuple[int, str], int] = {}

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.catch_up()
                mark_crashed(self.store.engine, self.timeout)
            except Exception as e:  # a database away for a moment: try again next time
                log.warning("runbase: shipping watch: %s: %s", type(e).__name__, e)

    def catch_up(self) -> None:
        """Index the shipped runs whose stored bytes are ahead of their index and that
        no post is indexing (none came for a second)."""
        with self.store.engine.connect() as conn:
            rows = conn.execute(_LAGGING, {"b_quiet": time.time() - 1.0}).all()
        for rid, segment, acked in rows:
            if self._tried.get((rid, segment)) == acked:
                continue
            self._tried[(rid, segment)] = acked
            index_shipped(self.store.indexer, rid)
