"""Shipping runs to the team server: a run logged offline by the SDK, its segment
file posted in pieces (in order, out of order, twice, across a server process
killed with SIGKILL), then read back through the HTTP API value for value."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from runbase.server.team.pieces import store_piece
from runbase.store.db.engine import make_engine
from tests.pgscratch import scratch_schema

from .conftest import TeamServer, bootstrap, login_key, postgres_url

STEPS = 3000
# Each run's script: every kind of value a row may hold, a config, tags, a summary metric.
SCRIPT = textwrap.dedent(
    """
    import sys, runbase
    steps, finish = int(sys.argv[1]), sys.argv[2] == "finish"
    settings = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
    run = runbase.init(entity="alice", project="shipped", id=sys.argv[3], name="far away",
                       config={"lr": 0.001, "layers": [64, 32], "opt": {"name": "adam"}},
                       tags=["remote", "gpu"], mode="offline", settings=settings)
    run.define_metric("loss", summary="min")
    for i in range(steps):
        row = {"loss": 1.0 / (i + 1), "epoch": i // 100, "big": 2**40 + i}
        if i % 7 == 0:
            row["note"] = f"row {i}"
        if i == 5:
            row["nan"] = float("nan")
        run.log(row)
    run.summary["best"] = "yes"
    if finish:
        run.finish()
    else:
        import os
        os._exit(0)
    """
)


def log_run(root: Path, run_id: str, steps: int = STEPS, finish: bool = True) -> bytes:
    """Log a run offline into ``root``; its one segment file's bytes."""
    env = {**os.environ, "RUNBASE_DIR": str(root)}
    cmd = [sys.executable, "-c", SCRIPT, str(steps), "finish" if finish else "kill", run_id]
    subprocess.run(cmd, env=env, check=True, timeout=120)
    segs = sorted((root / "runs" / "alice" / "shipped" / run_id / "segments").glob("*.rbr"))
    assert len(segs) == 1
    data = segs[0].read_bytes()
    # A writer killed before finish() leaves its preallocated zeros: a shipper sends
    # only what was written.
    return data.rstrip(b"\x00") if not finish else data


@dataclass
class Shipping:
    servers: list[TeamServer]
    key: str
    viewer_key: str
    db_url: str
    records: Path

    def client(self, i: int = 0, key: str | None = None) -> httpx.Client:
        return self.servers[i].client(key or self.key)


@pytest.fixture(scope="module")
def shipping(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Shipping]:
    base = postgres_url()
    records = tmp_path_factory.mktemp("ingest-records")
    with scratch_schema(base) as db_url:
        args = ("--crash-timeout", "2")
        servers = [TeamServer(db_url, records, args=args).wait()]
        servers.append(TeamServer(db_url, records, args=args).wait())
        try:
            bootstrap(servers[0], ["alice", "vic"])
            yield Shipping(
                servers, login_key(servers[0], "alice"), login_key(servers[0], "vic"),
                db_url, records,
            )  # fmt: skip
        finally:
            for s in servers:
                s.stop()


def url(run_id: str, segment: str) -> str:
    return f"/api/v1/ingest/alice/shipped/{run_id}/{segment}"


def post(c: httpx.Client, run_id: str, segment: str, offset: int, data: bytes) -> httpx.Response:
    return c.post(
        url(run_id, segment),
        params={"offset": offset},
        content=data,
        headers={"content-type": "application/octet-stream"},
    )


def check_run(c: httpx.Client, run_id: str, steps: int, state: str) -> None:
    """The run as the read API serves it: every value as logged."""
    r = c.get(f"/api/v1/projects/alice/shipped/runs/{run_id}")
    assert r.status_code == 200, r.text
    run = r.json()
    assert run["state"] == state
    assert run["name"] == "far away"
    assert run["user"] == "alice"  # who shipped it
    assert set(run["tags"]) == {"remote", "gpu"}
    assert run["config"]["lr"] == 0.001
    assert run["config"]["opt.name"] == "adam" and run["config"]["layers"] == [64, 32]
    assert run["summary"]["loss.min"] == 1.0 / steps
    assert run["history_rows"] == steps and run["last_step"] == steps - 1
    if state == "finished":
        assert run["summary"]["best"] == "yes"
    rows = c.get(
        f"/api/v1/projects/alice/shipped/runs/{run_id}/history", params={"samples": 100_000}
    ).json()["rows"]
    assert [row["_step"] for row in rows] == list(range(steps))
    for i, row in enumerate(rows):
        assert row["loss"] == 1.0 / (i + 1)
        assert row["epoch"] == i // 100
        assert row["big"] == 2**40 + i
        assert row.get("note") == (f"row {i}" if i % 7 == 0 else None)
    assert rows[5]["nan"] == "NaN"  # as the read API sends NaN


def test_a_run_shipped_in_pieces_reads_back_exactly(shipping: Shipping, tmp_path: Path) -> None:
    data = log_run(tmp_path, "ship1")
    seg = next((tmp_path / "runs/alice/shipped/ship1/segments").glob("*.rbr")).name
    piece = 4096
    with shipping.client(0) as c:
        assert c.get(url("ship1", seg)).json() == {"acked": 0}
        # A piece past what is stored would leave a hole: refused, with where to resend from.
        r = post(c, "ship1", seg, piece, data[piece : 2 * piece])
        assert r.status_code == 409 and r.json()["acked"] == 0, r.text
        half = len(data) // 2
        at = 0
        while at < half:
            r = post(c, "ship1", seg, at, data[at : at + piece])
            assert r.status_code == 200, r.text
            at += piece
            assert r.json()["acked"] == at
        body = r.json()
        assert body["url"] == f"{shipping.servers[0].url}/alice/shipped/runs/ship1"
        # The same bytes again, and a piece overlapping what is stored: nothing changes twice.
        assert post(c, "ship1", seg, at - piece, data[at - piece : at]).json()["acked"] == at
        r = post(c, "ship1", seg, at - 10, data[at - 10 : at + 90])
        assert r.json()["acked"] == at + 90
        at += 90
        # Bytes that differ from the stored ones are refused.
        bad = post(c, "ship1", seg, 0, b"not the same bytes")
        assert bad.status_code == 409 and bad.json()["acked"] == at
        assert c.get("/api/v1/projects/alice/shipped/runs/ship1").json()["state"] == "running"
    # The process that took the first half dies mid-way; the other one resumes.
    shipping.servers[0].proc.send_signal(signal.SIGKILL)
    shipping.servers[0].proc.wait(10)
    with shipping.client(1) as c:
        at = c.get(url("ship1", seg)).json()["acked"]
        while at < len(data):
            r = post(c, "ship1", seg, at, data[at : at + 3 * piece + 17])
            assert r.status_code == 200, r.text
            at = r.json()["acked"]
        assert at == len(data)
        check_run(c, "ship1", STEPS, "finished")
        runs = c.get("/api/v1/projects/alice/shipped/runs").json()["runs"]
        assert [r["id"] for r in runs if r["id"] == "ship1"]
    # A fresh process over the same database sees the same run.
    shipping.servers[0] = TeamServer(
        shipping.db_url, shipping.records, args=("--crash-timeout", "2")
    ).wait()
    with shipping.client(0) as c:
        check_run(c, "ship1", STEPS, "finished")


def test_two_processes_taking_one_run_at_once_index_it_once(
    shipping: Shipping, tmp_path: Path
) -> None:
    # Two shippers (say, a retry racing the original) send the same run to two server
    # processes at the same time: each post is stored and indexed under the run's lock.
    data = log_run(tmp_path, "ship5", steps=2000)
    seg = next((tmp_path / "runs/alice/shipped/ship5/segments").glob("*.rbr")).name

    def send(i: int) -> None:
        with shipping.client(i) as c:
            at = 0
            while at < len(data):
                r = post(c, "ship5", seg, at, data[at : at + 2000 + 333 * i])
                assert r.status_code in (200, 409), r.text
                # A 409 says where the other shipper got to: go on from there.
                at = max(r.json()["acked"], at) if r.status_code == 409 else r.json()["acked"]

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(send, range(2)))
    with shipping.client(0) as c:
        check_run(c, "ship5", 2000, "finished")


def test_a_run_whose_posts_stop_becomes_crashed(shipping: Shipping, tmp_path: Path) -> None:
    data = log_run(tmp_path, "ship2", steps=200, finish=False)
    seg = next((tmp_path / "runs/alice/shipped/ship2/segments").glob("*.rbr")).name
    with shipping.client(1) as c:
        r = post(c, "ship2", seg, 0, data)
        assert r.status_code == 200, r.text
        assert c.get("/api/v1/projects/alice/shipped/runs/ship2").json()["state"] == "running"
        deadline = time.monotonic() + 15
        while c.get("/api/v1/projects/alice/shipped/runs/ship2").json()["state"] != "crashed":
            assert time.monotonic() < deadline, "the run never became crashed"
            time.sleep(0.2)
        # Posts again: it runs again.
        assert post(c, "ship2", seg, len(data), b"").status_code == 200
        assert c.get("/api/v1/projects/alice/shipped/runs/ship2").json()["state"] == "running"


def test_bytes_stored_but_not_indexed_are_indexed_soon(shipping: Shipping, tmp_path: Path) -> None:
    # A server process killed between storing a run's last post and indexing it: the
    # bytes are in the database, and no further post will come for them.
    data = log_run(tmp_path, "ship4", steps=300)
    seg = next((tmp_path / "runs/alice/shipped/ship4/segments").glob("*.rbr")).name
    engine = make_engine(shipping.db_url)
    try:
        stored = store_piece(engine, ("alice", "shipped", "ship4", seg), 0, data, "alice")
        assert stored.problem is None and stored.acked == len(data)
    finally:
        engine.dispose()
    with shipping.client(1) as c:
        deadline = time.monotonic() + 15
        while c.get("/api/v1/projects/alice/shipped/runs/ship4").status_code != 200 or (
            c.get("/api/v1/projects/alice/shipped/runs/ship4").json()["state"] != "finished"
        ):
            assert time.monotonic() < deadline, "the stored bytes were never indexed"
            time.sleep(0.2)
        check_run(c, "ship4", 300, "finished")


def test_refusals_say_what_to_do(shipping: Shipping, tmp_path: Path) -> None:
    seg = "1-1.rbr"
    with shipping.servers[1].client() as anon:
        assert post(anon, "r3", seg, 0, b"x").status_code == 401
    with shipping.client(1, shipping.viewer_key) as vic:
        # vic may not even see alice's private project.
        assert post(vic, "r3", seg, 0, b"x").status_code == 404
    with shipping.client(1) as c:
        r = post(c, "r3", "segment.txt", 0, b"x")
        assert r.status_code == 400 and ".rbr" in r.json()["detail"]
        octets = {"content-type": "application/octet-stream"}
        r = c.post(url("r3", seg), content=b"x", headers=octets)
        assert r.status_code == 400 and "?offset=N" in r.json()["detail"]
        r = post(c, "r3", seg, 0, b"\0" * (16 * 1024 * 1024 + 1))
        assert r.status_code == 413 and "at most" in r.json()["detail"]
        r = c.post(url("r3", seg), params={"offset": 0}, content=b"x")
        assert r.status_code == 415  # raw bytes must say so
        # A route takes only the body types it declares: no MessagePack here, and the
        # batch post takes MessagePack, not raw bytes.
        msgpack = {"content-type": "application/msgpack"}
        r = c.post(url("r3", seg), params={"offset": 0}, content=b"x", headers=msgpack)
        assert r.status_code == 415
        assert c.post("/api/v1/ingest", content=b"x", headers=octets).status_code == 415
        r = c.post(
            "/api/v1/ingest/nobody/p/r3/1-1.rbr", params={"offset": 0}, content=b"x", headers=octets
        )
        assert r.status_code == 404
