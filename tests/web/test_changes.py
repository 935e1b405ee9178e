"""The change feed (GET /api/v1/changes) and the Logs tab's tail route, against a
real server whose store real writers (and a real killed process) change."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from runbase.records import Kind

from .conftest import REPO
from .fill import RunWriter


def changes(server, since: int | None = None) -> dict:
    r = server.client.get("/api/v1/changes", params={} if since is None else {"since": since})
    assert r.status_code == 200, r.text
    return r.json()


def wait_for_change(server, since: int, pred, timeout: float = 15) -> dict:
    """Poll the feed as the web app does until ``pred(answer)`` holds."""
    seen: list[dict] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ans = changes(server, since)
        seen.append(ans)
        if pred(ans):
            return ans
        time.sleep(0.3)
    raise AssertionError(f"no such change within {timeout} s; saw {seen[-3:]}")


def runs_of(ans: dict) -> set[tuple[str, str, str]]:
    return {(r["entity"], r["project"], r["id"]) for r in ans["runs"]}


def projects_of(ans: dict) -> set[tuple[str, str]]:
    return {(p["entity"], p["project"]) for p in ans["projects"]}


def test_feed_names_the_run_that_logged_and_its_project_only(server, store_dir):
    cursor = changes(server)["cursor"]
    w = RunWriter(store_dir, "team", "feed", "f1", name="fed", live=True)
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(3)])
    ans = wait_for_change(server, cursor, lambda a: ("team", "feed") in projects_of(a))
    assert not ans["reset"] and ans["cursor"] > cursor
    cursor = ans["cursor"]
    time.sleep(1.1)  # the next record gets a later time than the last look
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(3, 6)])
    ans = wait_for_change(server, cursor, lambda a: ("team", "feed", "f1") in runs_of(a))
    # Nothing else changed: a workspace of another project refetches nothing.
    assert projects_of(ans) == {("team", "feed")}
    assert runs_of(ans) == {("team", "feed", "f1")}
    # Asked again from the new cursor: nothing new.
    quiet = changes(server, ans["cursor"])
    assert quiet["runs"] == [] and quiet["projects"] == [] and not quiet["reset"]
    w.finish(0)
    ans = wait_for_change(server, ans["cursor"], lambda a: ("team", "feed", "f1") in runs_of(a))
    run = server.client.get("/api/v1/projects/team/feed/runs/f1").json()
    assert run["state"] == "finished"


_WRITER = """
import sys, time
from pathlib import Path
sys.path.insert(0, {repo!r})
from tests.web.fill import RunWriter
w = RunWriter(Path({root!r}), "team", "crashy", "k1", name="killed", live=True)
w.history([(s, {{"loss": 1.0}}) for s in range(3)])
print("ready", flush=True)
time.sleep(600)
"""


def test_feed_names_a_run_that_crashed_without_a_record(server, store_dir):
    code = textwrap.dedent(_WRITER.format(repo=str(REPO), root=str(store_dir)))
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        path = "/api/v1/projects/team/crashy/runs/k1"
        deadline = time.monotonic() + 15
        while server.client.get(path).json().get("state") != "running":
            assert time.monotonic() < deadline, "the live run never showed as running"
            time.sleep(0.3)
        cursor = wait_for_change(server, changes(server)["cursor"], lambda a: True)["cursor"]
        time.sleep(1.1)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        # No record says so: the run left the running set, and the feed says it changed.
        ans = wait_for_change(server, cursor, lambda a: ("team", "crashy", "k1") in runs_of(a))
        assert ("team", "crashy") in projects_of(ans)
        assert server.client.get(path).json()["state"] == "crashed"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)


def test_feed_resets_a_cursor_it_does_not_know(server):
    now = changes(server)["cursor"]
    assert changes(server, 1)["reset"] is True  # from before this server started
    assert changes(server, now + 10**9)["reset"] is True  # from another server
    assert changes(server, now)["reset"] is False
    r = server.client.get("/api/v1/changes", params={"since": "yesterday"})
    assert r.status_code == 400 and "since" in r.json()["detail"]


def test_logs_tail_returns_only_lines_after_start(server, store_dir: Path):
    w = RunWriter(store_dir, "team", "tail", "t1", name="tailed", live=True)
    w.emit(Kind.OUTPUT, [[w.t, "stdout", f"line {i}"] for i in range(5)])
    url = "/api/v1/projects/team/tail/runs/t1/logs/tail"
    deadline = time.monotonic() + 15
    while (r := server.client.get(url)).status_code != 200 or r.json()["end"] < 5:
        assert time.monotonic() < deadline, r.text
        time.sleep(0.3)
    first = r.json()
    assert first["start"] == 0 and first["end"] == 5 and first["matched"] == 5
    assert [ln["line"] for ln in first["lines"]] == [f"line {i}" for i in range(5)]
    w.emit(Kind.OUTPUT, [[w.t, "stderr", "epoch 2 done"], [w.t, "stdout", "line 6"]])
    deadline = time.monotonic() + 15
    while (nxt := server.client.get(url, params={"start": 5}).json())["end"] < 7:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    assert [(ln["stream"], ln["line"]) for ln in nxt["lines"]] == [
        ("stderr", "epoch 2 done"),
        ("stdout", "line 6"),
    ]
    found = server.client.get(url, params={"start": 0, "search": "EPOCH"}).json()
    assert found["end"] == 7 and found["matched"] == 1
    assert [ln["line"] for ln in found["lines"]] == ["epoch 2 done"]
    last = server.client.get(url, params={"start": 0, "limit": 2}).json()
    assert last["matched"] == 7 and [ln["line"] for ln in last["lines"]] == [
        "epoch 2 done",
        "line 6",
    ]
    assert server.client.get(url, params={"start": 7}).json() == {
        "start": 7,
        "end": 7,
        "matched": 0,
        "lines": [],
    }
    w.finish(0)
    missing = server.client.get("/api/v1/projects/team/tail/runs/nope/logs/tail")
    assert missing.status_code == 404 and "nope" in missing.json()["detail"]
