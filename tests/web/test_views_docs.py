"""The saved views example of docs/web.md, run as written against a real server."""

from __future__ import annotations

from pathlib import Path

from tests.docs import block, page, web_shell

from .conftest import Server
from .fill import RunWriter

WEB = page("web.md")


def test_saved_views_example_runs_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    w = RunWriter(root, "me", "tune", "t1", config={"lr": 0.01, "opt": "adam"})
    w.history([(0, {"val/loss": 0.5})])
    w.finish(exit_code=0)
    srv = Server(root)
    try:
        out = web_shell(block(WEB, "bash", "/views/default"), srv.port)
        default = srv.client.get("/api/v1/projects/me/tune/views/default").json()["view"]
    finally:
        srv.stop()
    assert default["name"] == "by optimiser" and default["is_default"]
    assert default["state"]["params"] == {"sort": "summary.val/loss", "group": "config.opt"}
    assert out.strip().endswith(f"/me/tune?view={default['id']}")
    assert '"id":"' + default["id"] in out.replace(" ", "")
