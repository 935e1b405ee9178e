"""Group commit of the one-run posts shippers send (``POST /api/v1/ingest/...``).

Hundreds of runs shipping at once each post a few hundred bytes a second. Alone,
such a post costs a transaction of ~25 statements and the round trips around it
(the entity's row, the run's stop request) for very little data. Here the posts
that arrive while a group is stored wait in a queue (a second slot opens only for
a backlog), and the next group takes the whole queue as one transaction through the
batch path (``pieces.py``: a few statements for all the pieces, then a few per run), so the
cost per post falls as the load rises; an idle server still commits each post
at once, as before. Each request awaits its own piece's answer.

What one post could break stays its own: when a group's transaction fails, its
posts are retried one at a time, so a post fails only for a fault of its own.
The runs' advisory locks (taken in one order) serialise a group with every other
post to its runs, in this process or another.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from fastapi import HTTPException
from fastapi.concurrency import run_in_threadpool

from runbase.server.team.access import refusal
from runbase.server.team.auth import BAD_KEY, Caller, key_callers
from runbase.server.team.pieces import TAKEN, Piece, ship_pieces_in
from runbase.server.team.shipping import Stored
from runbase.store.db import schema as t
from runbase.store.db.keyed import any_of, select_keyed

if TYPE_CHECKING:
    from runbase.store import Store

log = logging.getLogger("runbase.server")

# The most posts, and bytes, one transaction takes (past the first post): a bound on
# its size and on the wait of the first post in it.
MOST = 200
MOST_BYTES = 16 * 1024 * 1024

# The posts that must be waiting before a second slot starts a group of its own. Until
# then the posts that come while one group is stored wait for the next: fewer, bigger
# groups (a group's ~25 round trips cost more than a post's share of the work), and the
# CPU and the GIL left to readers. A backlog still gets every slot.
MORE_SLOTS_AT = 32

# A post's answer: stored (or refused as a gap or mismatch), ``TAKEN``, or refused.
Answer = Stored | str | HTTPException
Outcome = Answer | BaseException


@dataclass
class _Job:
    piece: Piece
    who: Caller | str  # the caller, checked already, or the API key to check
    answer: asyncio.Future[Answer]


class GroupCommit:
    """The ingest slots of one process (in one event loop): at most ``slots`` groups
    are stored at once; ``batches`` is the semaphore the batch route shares."""

    def __init__(self, store: Store, slots: int) -> None:
        self.store = store
        self.slots = slots
        self.batches = asyncio.Semaphore(slots)
        self._waiting: list[_Job] = []
        self._workers = 0
        self.groups = self.posts = 0  # committed so far: posts / groups is the mean size
        self._tasks: set[asyncio.Task[None]] = set()  # held: the loop keeps weak references

    async def ship(self, piece: Piece, who: Caller | str) -> Answer:
        """Store and index ``piece``, with whatever other posts are waiting: a
        ``Stored`` (its ``stop`` looked up), ``TAKEN``, or the refusal to raise.
        ``who``: a caller allowed to write to the piece's project, or an API key,
        checked in the group's transaction (a key revoked a moment ago is refused)."""
        job = _Job(piece, who, asyncio.get_running_loop().create_future())
        self._waiting.append(job)
        if self._workers == 0 or (
            self._workers < self.slots and len(self._waiting) >= MORE_SLOTS_AT
        ):
            self._workers += 1
            task = asyncio.create_task(self._drain())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await job.answer

    async def _drain(self) -> None:
        """Commit groups while posts wait (a task, so a request that goes away does
        not take its group's answers with it)."""
        try:
            while self._waiting:
                async with self.batches:
                    group = self._take()
                    if not group:
                        break
                    try:
                        outcomes = await run_in_threadpool(ship_group, self.store, group)
                    except asyncio.CancelledError:  # the server is stopping
                        for job in group:
                            job.answer.cancel()
                        raise
                    except Exception as e:  # handed to each request of the group
                        outcomes = [e] * len(group)
                _answer(group, outcomes)
                self.groups += 1
                self.posts += len(group)
        finally:
            self._workers -= 1

    def _take(self) -> list[_Job]:
        n, size = 0, 0
        for job in self._waiting[:MOST]:
            size += len(job.piece.data)
            if n and size > MOST_BYTES:
                break
            n += 1
        group = self._waiting[:n]
        del self._waiting[:n]
        return group


def _answer(group: list[_Job], outcomes: Sequence[Outcome]) -> None:
    for job, got in zip(group, outcomes, strict=True):
        if job.answer.done():  # its request went away
            continue
        if isinstance(got, BaseException):
            job.answer.set_exception(got)
        else:
            job.answer.set_result(got)


def ship_group(store: Store, group: list[_Job]) -> list[Outcome]:
    """Each job's outcome: all in one transaction, or, should that fail, one at a time."""
    try:
        return list(_ship_together(store, group))
    except Exception as e:
        if len(group) == 1:
            return [e]
        log.warning(
            "runbase: a group of %d posts failed (%s: %s); storing them one at a time",
            len(group), type(e).__name__, e,
        )  # fmt: skip
    out: list[Outcome] = []
    for job in group:
        try:
            out.extend(_ship_together(store, [job]))
        except Exception as e:
            out.append(e)
    return out


def _ship_together(store: Store, group: list[_Job]) -> list[Answer]:
    with store.engine.begin() as conn:
        callers = _callers(conn, group)
        pairs = list(zip(group, callers, strict=True))
        allowed = {j.piece.entity for j, c in pairs if isinstance(c, Caller)}
        known = _entities(conn, allowed) if allowed else set()
        answers: list[Answer] = []
        take: list[tuple[int, str]] = []  # (job, author) of the pieces to store
        for i, (job, caller) in enumerate(pairs):
            if not isinstance(caller, Caller):
                answers.append(caller)
            elif job.piece.entity not in known:
                answers.append(HTTPException(404, no_entity(job.piece.entity)))
            else:
                assert caller.user is not None  # a writer is signed in
                answers.append(TAKEN)  # until stored, below
                take.append((i, caller.user.name))
        pieces = [group[i].piece for i, _ in take]
        stored = ship_pieces_in(conn, store, pieces, [author for _, author in take])
        for (i, _), got in zip(take, stored, strict=True):
            answers[i] = got
        _add_stops(conn, [(j.piece, a) for j, a in zip(group, answers, strict=True)])
    return answers


def _callers(conn: sa.Connection, group: list[_Job]) -> list[Caller | HTTPException]:
    """Per job its caller when they may write to the piece's project, else the refusal."""
    keys = {j.who for j in group if isinstance(j.who, str)}
    found = key_callers(conn, keys) if keys else {}
    out: list[Caller | HTTPException] = []
    for job in group:
        if isinstance(job.who, Caller):
            out.append(job.who)
            continue
        caller = found.get(job.who)
        if caller is None:
            out.append(HTTPException(401, BAD_KEY))
            continue
        why = refusal(conn, caller, job.piece.entity, job.piece.project, "write")
        out.append(caller if why is None else why)
    return out


def no_entity(entity: str) -> str:
    return f"no user or team {entity}: create it first, or ship to another"


def _entities(conn: sa.Connection, names: set[str]) -> set[str]:
    """Those of ``names`` that are users or teams."""
    return {str(n) for n in conn.execute(_ENTITIES, {"b_names": sorted(names)}).scalars()}


_ENTITIES = (
    sa.select(t.users.c.name)
    .where(any_of(t.users.c.name, "b_names"))
    .union_all(sa.select(t.teams.c.name).where(any_of(t.teams.c.name, "b_names")))
)


def _add_stops(conn: sa.Connection, done: list[tuple[Piece, Answer]]) -> None:
    """Set ``stop`` on the accepted pieces whose run was asked to stop while their
    segment was live (``stops.py``), in one query."""
    accepted = {(s.rid, p.segment) for p, s in done if isinstance(s, Stored) and s.problem is None}
    if not accepted:
        return
    named = ("rid", "segment")
    for rid, segment, reason in select_keyed(
        conn, t.run_stops, named, sorted(accepted), (*named, "reason")
    ):
        for p, s in done:
            if isinstance(s, Stored) and s.rid == rid and p.segment == segment:
                s.stop = reason
