"""The media examples of docs/web.md and docs/store.md, run as written."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.docs import block, page, run_python, web_shell

from .conftest import Server

WEB = page("web.md")
STORE = page("store.md")


def test_media_examples_run_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    env = run_python(block(WEB, "python", "wandb.Image("), root)
    srv = Server(root)
    try:
        outs = []
        for line in block(WEB, "bash", "/media/keys").strip().splitlines():
            outs.append(json.loads(web_shell(line, srv.port)))
    finally:
        srv.stop()
    keys, first, steps, at = outs
    pred = {"key": "pred", "kind": "image", "runs": 2, "run_ids": ["r1", "r2"]}
    assert keys == {"keys": [pred], "run_ids": ["r1", "r2"]}
    assert first["keys"][0]["runs"] == 2 and sorted(first["run_ids"]) == ["r1", "r2"]
    assert steps["runs"] == [
        {"run_id": "r1", "steps": [0, 10, 20]},
        {"run_id": "r2", "steps": [5, 15]},
    ]
    assert [(i["run_id"], i["step"]) for i in at["items"]] == [("r1", 10), ("r2", 5)]
    f = at["items"][0]["files"][0]
    assert f["masks"][0]["class_labels"] == {"0": "bg", "1": "cat"}
    assert f["boxes"][0]["box_data"][0]["scores"] == {"score": 0.9}
    queries = block(STORE, "python", "media_at_step")
    probe = queries + "\nprint(q.media_at_step(store, 'me', 'seg', 'pred', ['r1', 'r2'], 12))"
    out = subprocess.run([sys.executable, "-c", probe], env=env, check=True, capture_output=True,
                         text=True, timeout=60)  # fmt: skip
    assert "run_id='r1', step=10" in out.stdout and "run_id='r2', step=5" in out.stdout


def test_plotly_example_runs_and_its_figure_is_served_as_json(tmp_path: Path) -> None:
    pytest.importorskip("plotly")
    root = tmp_path / "rb"
    run_python(block(WEB, "python", "wandb.Plotly("), root)
    srv = Server(root)
    try:
        base = f"{srv.url}/api/v1/projects/me/plots"
        with urllib.request.urlopen(f"{base}/media/keys?first=10") as r:
            keys = json.load(r)
        assert [(k["key"], k["kind"]) for k in keys["keys"]] == [("fig", "plotly")]
        runs = ",".join(keys["run_ids"])
        with urllib.request.urlopen(f"{base}/media?key=fig&runs={runs}&step=0") as r:
            url = json.load(r)["items"][0]["files"][0]["url"]
        with urllib.request.urlopen(f"{srv.url}{url}") as r:
            assert r.headers["Content-Type"].startswith("application/json")
            fig = json.load(r)
    finally:
        srv.stop()
    assert [t["type"] for t in fig["data"]] == ["scatter", "bar"]
    assert fig["layout"]["title"]["text"] == "Two traces"
