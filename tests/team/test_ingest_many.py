"""Pieces of many runs in one post (``POST /api/v1/ingest``), as `runbase sync` sends
small runs: each piece answered as its own post would be, resends stored once,
projects the key may not write to refused piece by piece; read back through the API."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import msgspec

from runbase.records import Kind, SegmentWriter

from . import test_ingest
from .test_ingest import STEPS, Shipping, check_run, log_run

shipping = test_ingest.shipping  # fixture: two server processes, users alice and vic
MSGPACK = {"content-type": "application/msgpack"}


def post_many(c: httpx.Client, pieces: list[tuple[str, str, str, str, int, bytes]]) -> list[dict]:
    r = c.post("/api/v1/ingest", content=msgspec.msgpack.encode(pieces), headers=MSGPACK)
    assert r.status_code == 200, r.text
    return list(r.json()["pieces"])


def seg_name(root: Path, run_id: str) -> str:
    return next((root / "runs/alice/shipped" / run_id / "segments").glob("*.rbr")).name


def test_pieces_of_several_runs_in_one_post(shipping: Shipping, tmp_path: Path) -> None:
    whole, split = log_run(tmp_path, "many1"), log_run(tmp_path, "many2")
    s1, s2 = seg_name(tmp_path, "many1"), seg_name(tmp_path, "many2")
    half = len(split) // 2 + 7  # mid-frame: a piece need not end where a record does
    first = [
        ("alice", "shipped", "many1", s1, 0, whole),
        ("alice", "shipped", "many2", s2, 0, split[:half]),
        ("vic", "shipped", "many3", s1, 0, whole),  # not alice's to write
        ("alice", "shipped", "many4", s1, 100, whole),  # a hole before it
        ("alice", "shipped", "many5", "notes.txt", 0, whole),  # not a segment name
    ]
    with shipping.client() as c:
        got = post_many(c, first)
        assert [(a["status"], a["acked"]) for a in got] == [
            (200, len(whole)), (200, half), (404, 0), (409, 0), (400, 0),
        ]  # fmt: skip
        assert got[0]["url"].endswith("/alice/shipped/runs/many1")
        assert "up to byte 0: resend" in got[3]["detail"] and ".rbr" in got[4]["detail"]
        check_run(c, "many1", STEPS, "finished")
        # The rest of many2 on the other server process, with a resend of many1 and of
        # bytes of many2 it holds: stored once, and a different byte is refused.
        changed = bytearray(whole)
        changed[50] ^= 1
        second = [
            ("alice", "shipped", "many1", s1, 0, whole),
            ("alice", "shipped", "many2", s2, half - 100, split[half - 100 :]),
            ("alice", "shipped", "many2", s2, 0, bytes(changed[:100])),
        ]
    with shipping.client(1) as c:
        got = post_many(c, second)
        assert [(a["status"], a["acked"]) for a in got] == [
            (200, len(whole)), (200, len(split)), (409, len(split)),
        ]  # fmt: skip
        check_run(c, "many1", STEPS, "finished")
        check_run(c, "many2", STEPS, "finished")


def test_a_post_that_is_not_pieces_is_refused(shipping: Shipping) -> None:
    with shipping.client() as c:
        r = c.post("/api/v1/ingest", content=b'{"runs": []}', headers=MSGPACK)
        assert r.status_code == 400 and "MessagePack array" in r.json()["detail"]
    with shipping.client(key=shipping.viewer_key) as c:  # vic may write only his own
        got = post_many(c, [("alice", "shipped", "nope", "1-1.rbr", 0, b"x")])
        assert got[0]["status"] == 404


def write_small_run(root: Path, run_id: str, t: float) -> None:
    seg = root / "runs/alice/smalls" / run_id / "segments"
    seg.mkdir(parents=True)
    w = SegmentWriter(str(seg / "1-1.rbr"))
    enc = msgspec.msgpack.Encoder()
    start = {"id": run_id, "name": run_id, "config": {"i": int(run_id[1:])}, "host": "h",
             "pid": 1, "pid_start": 1, "start_time": t, "tags": []}  # fmt: skip
    w.append(enc.encode([Kind.START, t, start]))
    for s in range(10):
        w.append(enc.encode([Kind.HISTORY, t + s, [s, {"loss": 1 / (s + 1)}]]))
    w.append(enc.encode([Kind.EXIT, t + 11, {"exit_code": 0}]))
    w.close()


def test_sync_sends_many_small_runs(shipping: Shipping, tmp_path: Path) -> None:
    t = time.time()
    for i in range(60):
        write_small_run(tmp_path, f"r{i}", t)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBASE_", "WANDB_"))}
    env.update(
        RUNBASE_DIR=str(tmp_path),
        HOME=str(tmp_path),
        RUNBASE_BASE_URL=shipping.servers[0].url,
        RUNBASE_API_KEY=shipping.key,
    )
    sync = [sys.executable, "-m", "runbase.cli.main", "sync"]
    done = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "60 runs sent" in done.stderr
    with shipping.client() as c:
        r = c.get("/api/v1/projects/alice/smalls/runs", params={"limit": 100})
        runs = {run["id"]: run for run in r.json()["runs"]}
        assert len(runs) == 60
        assert all(
            run["state"] == "finished" and run["history_rows"] == 10 for run in runs.values()
        )
        assert runs["r7"]["config"]["i"] == 7 and runs["r7"]["summary"]["loss"] == 0.1
        assert c.get("/api/v1/projects/alice/smalls").json()["run_count"] == 60
    again = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
    assert "nothing to send" in again.stderr
