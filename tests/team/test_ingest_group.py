"""Group commit of one-run ingest posts (``server/team/group.py``): posts waiting for
an ingest slot are stored in one transaction, each answered as if alone.

In process on the PostgreSQL at RUNBASE_TEST_POSTGRES_URL (the group's code, a real
store), and through a server process for posts sent at once over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import msgspec
import pytest
import sqlalchemy as sa
from fastapi import HTTPException

from runbase.records import Kind, SegmentWriter
from runbase.server.team import accounts
from runbase.server.team.auth import Caller
from runbase.server.team.group import GroupCommit
from runbase.server.team.pieces import Piece
from runbase.server.team.shipping import Stored
from runbase.store import Store
from runbase.store.db import schema as t
from runbase.store.store import open_store
from tests.pgscratch import scratch_schema

from .conftest import TeamServer, bootstrap, login_key, postgres_url

_enc = msgspec.msgpack.Encoder()
ROWS = 10


def run_bytes(tmp: Path, run_id: str, rows: int = ROWS) -> bytes:
    """A small finished run's segment: START, ``rows`` rows, EXIT."""
    t0 = time.time()
    start = {"id": run_id, "name": run_id, "config": {"lr": 0.1}, "host": "h", "pid": 1,
             "pid_start": 1, "start_time": t0, "tags": []}  # fmt: skip
    path = tmp / f"{run_id}.rbr"
    w = SegmentWriter(str(path))
    w.append(_enc.encode([Kind.START, t0, start]))
    for s in range(rows):
        w.append(_enc.encode([Kind.HISTORY, t0 + s, [s, {"a": s, "b": 0.5 * s}]]))
    w.append(_enc.encode([Kind.EXIT, t0 + rows, {"exit_code": 0}]))
    w.close()
    return path.read_bytes()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[tuple[Store, Caller, str]]:
    """A store on PostgreSQL with user alice: her caller, and an API key of hers."""
    with scratch_schema(postgres_url()) as db_url:
        store = open_store(db_url, root=str(tmp_path / "records"))
        with store.engine.begin() as conn:
            alice = accounts.create_user(conn, "alice", "correct horse battery")
            key = accounts.create_key(conn, alice, "k", "write")[1]
        try:
            yield store, Caller(alice, "write"), key
        finally:
            store.engine.dispose()


def ship_all(store: Store, posts: list[tuple[Piece, Caller | str]]) -> tuple[list[object], int]:
    """Post them all at once to one process's group commit: the answers, and how many
    transactions stored them."""

    async def go() -> tuple[list[object], int]:
        group = GroupCommit(store, slots=1)
        sent = (group.ship(p, who) for p, who in posts)
        got = await asyncio.gather(*sent, return_exceptions=True)
        return list(got), group.groups

    # A thread of its own: a Chromium started by an earlier test (Playwright's sync API)
    # keeps an event loop running in this one for the rest of the session.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, go()).result()


def test_posts_of_many_runs_at_once_share_a_transaction_and_land_exact(
    store: tuple[Store, Caller, str], tmp_path: Path
) -> None:
    db, alice, key = store
    data = {f"g{i}": run_bytes(tmp_path, f"g{i}", rows=ROWS + i) for i in range(30)}
    half = {r: len(d) // 2 + 3 for r, d in data.items()}  # mid-frame
    first = [(Piece("alice", "p", r, "1-1.rbr", 0, d[: half[r]]), alice) for r, d in data.items()]
    got, groups = ship_all(db, [(p, key if i % 2 else who) for i, (p, who) in enumerate(first)])
    assert groups == 1
    assert [(a.acked, a.problem) for a in got if isinstance(a, Stored)] == [
        (half[r], None) for r in data
    ]
    rest = [
        (Piece("alice", "p", r, "1-1.rbr", half[r], d[half[r] :]), key) for r, d in data.items()
    ]
    got, _ = ship_all(db, rest)
    assert [a.acked for a in got if isinstance(a, Stored)] == [len(d) for d in data.values()]
    with db.engine.connect() as conn:
        runs = {r.run_id: r for r in conn.execute(sa.select(t.runs))}
    assert {r: (runs[r].state, runs[r].history_rows, runs[r].user) for r in data} == {
        f"g{i}": ("finished", ROWS + i, "alice") for i in range(30)
    }


def test_a_bad_post_in_a_group_fails_alone(
    store: tuple[Store, Caller, str], tmp_path: Path
) -> None:
    db, alice, key = store
    good = [
        Piece("alice", "p", f"ok{i}", "1-1.rbr", 0, run_bytes(tmp_path, f"ok{i}")) for i in range(4)
    ]
    # PostgreSQL refuses a NUL in text: the group's transaction fails with it inside
    # (the route's name checks keep such names out; the group must not rely on them).
    bad = Piece("alice", "p", "bad\x00", "1-1.rbr", 0, b"x")
    gap = Piece("alice", "p", "ok0", "1-1.rbr", 10**6, b"x")  # after ok0's piece: a hole
    got, _ = ship_all(db, [(good[0], alice), (good[1], key), (bad, alice), (gap, key),
                           (good[2], alice), (good[3], key)])  # fmt: skip
    assert isinstance(got[2], Exception) and not isinstance(got[2], HTTPException)
    assert isinstance(got[3], Stored) and got[3].problem == "gap"
    assert got[3].acked == len(good[0].data)
    for i in (0, 1, 4, 5):
        answer = got[i]
        assert isinstance(answer, Stored) and answer.problem is None, answer
    with db.engine.connect() as conn:
        states = dict(conn.execute(sa.select(t.runs.c.run_id, t.runs.c.state)).all())
    assert states == {f"ok{i}": "finished" for i in range(4)}


def test_a_post_failing_late_in_its_group_leaves_no_trace_and_the_others_are_stored(
    store: tuple[Store, Caller, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The group's transaction fails after it wrote rows for its posts (the faulty
    post's new run among them): all of that is rolled back, each post is stored
    again on its own, and only the faulty one gets the error."""
    db, alice, key = store
    data = {f"r{i}": run_bytes(tmp_path, f"r{i}") for i in range(4)}
    half = {r: len(d) // 2 for r, d in data.items()}
    ship_all(
        db, [(Piece("alice", "p", r, "1-1.rbr", 0, d[: half[r]]), key) for r, d in data.items()]
    )
    rest = [
        (Piece("alice", "p", r, "1-1.rbr", half[r], d[half[r] :]), key) for r, d in data.items()
    ]
    # A new run whose segment name PostgreSQL cannot hold: the group fails once its
    # runs' rows are made, at the first statement that names the segment.
    late = Piece("alice", "p", "late", "1-1\x00.rbr", 0, b"x")
    posts: list[tuple[Piece, Caller | str]] = [rest[0], rest[1], (late, alice), rest[2], rest[3]]
    with caplog.at_level("WARNING", logger="runbase.server"):
        got, groups = ship_all(db, posts)
    assert groups == 1
    assert "a group of 5 posts failed" in caplog.text
    assert isinstance(got[2], Exception) and not isinstance(got[2], HTTPException)
    ok = [got[i] for i in (0, 1, 3, 4)]
    assert [(a.acked, a.problem) for a in ok if isinstance(a, Stored)] == [
        (len(d), None) for d in data.values()
    ]
    with db.engine.connect() as conn:
        runs = {r.run_id: r for r in conn.execute(sa.select(t.runs))}
        stored = dict(conn.execute(
            sa.select(t.runs.c.run_id, sa.func.sum(sa.func.length(t.ingest_chunks.c.data)))
            .join(t.ingest_chunks, t.ingest_chunks.c.rid == t.runs.c.rid)
            .group_by(t.runs.c.run_id)
        ).all())  # fmt: skip
    assert set(runs) == set(data)  # no row left of the faulty post's run
    assert {r: (runs[r].state, runs[r].history_rows) for r in data} == {
        r: ("finished", ROWS) for r in data
    }
    assert stored == {r: len(d) for r, d in data.items()}  # each byte once: no retry doubled


def test_keys_are_checked_in_the_group(store: tuple[Store, Caller, str], tmp_path: Path) -> None:
    db, alice, key = store
    with db.engine.begin() as conn:
        bob = accounts.create_user(conn, "bob", "correct horse battery")
        bob_key = accounts.create_key(conn, bob, "k", "write")[1]
        assert alice.user is not None
        key_id, revoked = accounts.create_key(conn, alice.user, "old", "write")
        accounts.revoke_key(conn, alice.user, key_id)
        read_only = accounts.create_key(conn, alice.user, "ro", "read")[1]
    data = run_bytes(tmp_path, "k1")
    posts = [
        (Piece("alice", "p", "k1", "1-1.rbr", 0, data), key),
        (Piece("alice", "p", "k2", "1-1.rbr", 0, data), revoked),
        (Piece("alice", "p", "k3", "1-1.rbr", 0, data), bob_key),  # not his project
        (Piece("alice", "p", "k4", "1-1.rbr", 0, data), read_only),
        (Piece("nobody", "p", "k5", "1-1.rbr", 0, data), bob_key),
        (Piece("bob", "p", "k6", "1-1.rbr", 0, data), bob_key),
        (Piece("alice", "p", "k7", "1-1.rbr", 0, data), "not a key"),
    ]
    got, groups = ship_all(db, posts)
    assert groups == 1
    codes = [a.status_code if isinstance(a, HTTPException) else 200 for a in got]
    assert codes == [200, 401, 404, 403, 404, 200, 401]
    with db.engine.connect() as conn:
        authors = dict(conn.execute(sa.select(t.runs.c.run_id, t.runs.c.user)).all())
        used = conn.execute(sa.select(t.api_keys.c.last_used_at).where(
            t.api_keys.c.key_hash == accounts.digest(bob_key))).scalar()  # fmt: skip
    assert authors == {"k1": "alice", "k6": "bob"}
    assert used is not None


def test_a_stop_reaches_its_run_only(store: tuple[Store, Caller, str], tmp_path: Path) -> None:
    db, alice, _ = store
    data = {r: run_bytes(tmp_path, r) for r in ("s1", "s2", "s3")}
    first = [(Piece("alice", "p", r, "1-1.rbr", 0, d[:40]), alice) for r, d in data.items()]
    ship_all(db, first)
    with db.engine.begin() as conn:
        rid = conn.execute(sa.select(t.runs.c.rid).where(t.runs.c.run_id == "s2")).scalar()
        conn.execute(t.run_stops.insert().values(
            rid=rid, segment="1-1.rbr", reason="stop s2", requested_at=time.time()))  # fmt: skip
    rest = [(Piece("alice", "p", r, "1-1.rbr", 40, d[40:]), alice) for r, d in data.items()]
    got, groups = ship_all(db, rest)
    assert groups == 1
    assert [a.stop for a in got if isinstance(a, Stored)] == [None, "stop s2", None]


def test_shippers_posting_at_once_over_http_land_exact(tmp_path: Path) -> None:
    with scratch_schema(postgres_url()) as db_url:
        server = TeamServer(db_url, tmp_path / "records").wait()
        try:
            bootstrap(server, ["alice"])
            key = login_key(server, "alice")
            data = {f"h{i}": run_bytes(tmp_path, f"h{i}", rows=ROWS + i) for i in range(40)}

            def ship(run_id: str) -> None:
                d, at = data[run_id], 0
                with server.client(key) as c:
                    while at < len(d):  # pieces of ~60 bytes: several posts a run
                        r = c.post(
                            f"/api/v1/ingest/alice/p/{run_id}/1-1.rbr",
                            params={"offset": at},
                            content=d[at : at + 60],
                            headers={"content-type": "application/octet-stream"},
                        )
                        assert r.status_code == 200, r.text
                        at = r.json()["acked"]

            with ThreadPoolExecutor(40) as pool:
                list(pool.map(ship, data))
            with server.client(key) as c:
                runs = c.get("/api/v1/projects/alice/p/runs", params={"limit": 100}).json()["runs"]
        finally:
            server.stop()
    got = {r["id"]: (r["state"], r["history_rows"], r["user"]) for r in runs}
    assert got == {f"h{i}": ("finished", ROWS + i, "alice") for i in range(40)}
