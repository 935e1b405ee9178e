"""The parameter importance example of docs/web.md, run as written."""

from __future__ import annotations

import json
from pathlib import Path

from tests.docs import block, page, run_python, web_shell

from .conftest import Server

WEB = page("web.md")


def test_importance_example_runs_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    run_python(block(WEB, "python", 'project="tune"'), root)
    srv = Server(root)
    try:
        outs = []
        for line in block(WEB, "bash", "/importance").strip().splitlines():
            outs.append(json.loads(web_shell(line, srv.port)))
    finally:
        srv.stop()
    every, adam = outs
    assert every["runs"] == 30 and every["message"] is None
    rows = {p["name"]: p for p in every["params"]}
    assert every["params"][0]["name"] == "lr"
    assert rows["lr"]["correlation"] > 0.9 and rows["opt"]["correlation"] is None
    assert 0 < adam["runs"] < 30 and adam["params"][0]["correlation"] > 0.9
