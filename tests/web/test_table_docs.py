"""The runs table's examples of docs/web.md (bulk tags, moving runs, group aggregates),
run as written against a real server."""

from __future__ import annotations

import json
from pathlib import Path

from tests.docs import block, page, web_shell

from .conftest import Server
from .fill import RunWriter

WEB = page("web.md")


def test_bulk_tag_example_runs_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    for rid in ("t1", "t2", "t3"):
        w = RunWriter(root, "me", "tune", rid, config={"lr": 0.01})
        w.history([(0, {"val/loss": 0.5})])
        w.finish(exit_code=0)
    srv = Server(root)
    try:
        out = web_shell(block(WEB, "bash", "/runs/tags"), srv.port)
        tags = {
            rid: srv.client.get(f"/api/v1/projects/me/tune/runs/{rid}").json()["tags"]
            for rid in ("t1", "t2", "t3")
        }
    finally:
        srv.stop()
    assert json.loads(out) == {"updated": 2}
    assert tags == {"t1": ["baseline"], "t2": ["baseline"], "t3": []}


def _run_block(srv: Server, containing: str) -> str:
    return web_shell(block(WEB, "bash", containing), srv.port)


def test_move_and_group_aggregate_examples_run_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    for i, rid in enumerate(("t1", "t2", "t3", "t4")):
        opt = "adam" if i < 3 else "sgd"
        w = RunWriter(root, "me", "tune", rid, config={"lr": 0.001 * (i + 1), "opt": opt})
        w.history([(0, {"val/loss": 0.5 + i})])
        w.finish(exit_code=0)
    srv = Server(root)
    try:
        aggs = json.loads(_run_block(srv, "/groups/aggregates"))
        moved = json.loads(_run_block(srv, "/runs/move"))
        archived = srv.client.get("/api/v1/projects/me/tune-archive/runs/t1").json()
        gone = srv.client.get("/api/v1/projects/me/tune/runs/t1").status_code
    finally:
        srv.stop()
    assert aggs["agg"] == "median" and aggs["runs"] == 3
    cols = {c["key"]: c for c in aggs["columns"]}
    assert cols["config.lr"]["value"] == 0.002 and cols["summary.val/loss"]["value"] == 1.5
    assert cols["state"]["value"] == "finished" and cols["state"]["distinct"] == 1
    assert moved == {"moved": 2, "entity": "me", "project": "tune-archive"}
    assert archived["id"] == "t1" and archived["project"] == "tune-archive" and gone == 404
