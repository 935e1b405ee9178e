"""Moving runs to another project (the runs table's "Move to project…") against a
real server: the run keeps its id and everything it logged, its URL changes, and
a store rebuilt from the record files still has it in the new project."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbase.records import Kind
from runbase.store import open_store, queries

from .conftest import Server
from .fill import RunWriter

SRC = "/api/v1/projects/team/mvsrc"
DST = "/api/v1/projects/team/mvdst"


@pytest.fixture(scope="module")
def move_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-move")
    for i in range(3):
        w = RunWriter(root, "team", "mvsrc", f"m{i}", name=f"move-{i}", config={"lr": i})
        w.history([(s, {"loss": 1 / (s + 1 + i)}) for s in range(5)])
        w.emit(Kind.OUTPUT, [[w.t, "stdout", f"hello from m{i}"]])
        w.file("notes.txt", b"kept")
        w.finish(0)
    w = RunWriter(root, "team", "mvdst", "m2", name="already-there")
    w.finish(0)
    live = RunWriter(root, "team", "mvsrc", "live", live=True)
    live.history([(0, {"loss": 1.0})])
    RunWriter(root, "team", "mvsrc", "sw1", sweep="abc").finish(0)
    srv = Server(root)
    srv.live = live  # type: ignore[attr-defined]  # the live run's writer stays open
    yield srv
    srv.stop()


def _wait_total(server: Server, base: str, n: int) -> None:
    """Wait for the store to index the project (the other test may have moved two out)."""
    deadline = time.monotonic() + 10
    while server.client.get(f"{base}/runs").json().get("total") not in (n, n - 2):
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_move_runs_keeps_everything(move_server: Server):
    c = move_server.client
    _wait_total(move_server, SRC, 5)
    before = c.get(f"{SRC}/runs/m0/series", params={"key": "loss"}).json()
    c.patch(f"{SRC}/runs/m0", json={"tags": ["moved-me"], "notes": "edited first"})
    r = c.post(f"{SRC}/runs/move", json={"ids": ["m0", "m1"], "project": "mvnew"})
    assert r.status_code == 200, r.text
    assert r.json() == {"moved": 2, "entity": "team", "project": "mvnew"}
    new = "/api/v1/projects/team/mvnew"
    assert c.get(f"{SRC}/runs/m0").status_code == 404
    run = c.get(f"{new}/runs/m0").json()
    assert run["project"] == "mvnew" and run["name"] == "move-0"
    assert run["tags"] == ["moved-me"] and run["notes"] == "edited first"
    assert c.get(f"{new}/runs/m0/series", params={"key": "loss"}).json() == before
    assert c.get(f"{new}/runs/m0/logs").json()["lines"][0]["line"] == "hello from m0"
    assert c.get(f"{new}/runs/m0/files/notes.txt").content == b"kept"
    projects = {p["project"]: p["run_count"] for p in c.get("/api/v1/projects").json()["projects"]}
    assert projects["mvnew"] == 2 and projects["mvsrc"] == 3
    # The folder is the truth: a store rebuilt from the record files agrees.
    root = move_server.root
    assert (root / "runs" / "team" / "mvnew" / "m0" / "edits.rbr").exists()
    assert not (root / "runs" / "team" / "mvsrc" / "m0").exists()
    _rebuilt_agrees(root)


def _rebuilt_agrees(root: Path) -> None:
    db = root.parent / f"{root.name}-rebuilt.db"
    with open_store(f"sqlite:///{db}", root=root) as s:
        s.sync()
        got = queries.get_run(s, "team", "mvnew", "m0")
        assert got is not None and got.tags == ["moved-me"] and got.notes == "edited first"
        assert queries.get_run(s, "team", "mvsrc", "m0") is None


def test_move_refusals(move_server: Server):
    c = move_server.client
    _wait_total(move_server, SRC, 5)
    cases = [
        (["m2"], "mvdst", 409, "team/mvdst already has a run 'm2'"),
        (["nope"], "mvdst", 404, "no run 'nope'"),
        (["live"], "mvdst", 400, "is running"),
        (["sw1"], "mvdst", 400, "sweep 'abc'"),
        (["m2"], "mvsrc", 400, "already in"),
        (["m2"], "a/b", 400, "cannot contain"),
    ]
    for ids, target, status, text in cases:
        r = c.post(f"{SRC}/runs/move", json={"ids": ids, "project": target})
        assert r.status_code == status and text in r.json()["detail"], (ids, r.text)
    # One bad id in a list: nothing moves.
    r = c.post(f"{SRC}/runs/move", json={"ids": ["m2", "live"], "project": "mvother"})
    assert r.status_code == 400
    assert c.get(f"{SRC}/runs/m2").status_code == 200
    assert c.get("/api/v1/projects/team/mvother").status_code == 404
    r = c.post("/api/v1/projects/team/nosuch/runs/move", json={"ids": ["m2"], "project": "x"})
    assert r.status_code == 404
