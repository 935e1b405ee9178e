"""The reports example of docs/web.md, run as written against a real server."""

from __future__ import annotations

from pathlib import Path

from tests.docs import block, page, web_shell

from .conftest import Server
from .fill import RunWriter

WEB = page("web.md")


def test_reports_example_runs_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    w = RunWriter(root, "me", "tune", "t1", config={"lr": 0.01})
    w.history([(0, {"val/loss": 0.5}), (1, {"val/loss": 0.4})])
    w.finish(exit_code=0)
    srv = Server(root)
    try:
        out = web_shell(block(WEB, "bash", "/reports"), srv.port)
        listed = srv.client.get("/api/v1/projects/me/tune/reports").json()["reports"]
        report = srv.client.get(f"/api/v1/projects/me/tune/reports/{listed[0]['id']}").json()
        page = srv.client.get(f"/me/tune/reports/{report['id']}")
    finally:
        srv.stop()
    assert out.strip() == f"share: http://127.0.0.1:{srv.port}/me/tune/reports/{report['id']}"
    assert report["title"] == "Tuning notes"
    assert [b["type"] for b in report["blocks"]] == ["markdown", "panels"]
    assert report["blocks"][0]["text"].startswith("# Tuning\n\n")
    assert report["blocks"][1]["runs"] == {
        "view": None,
        "filters": None,
        "search": "t",
        "max_runs": 5,
    }
    assert page.status_code == 200  # the shared URL is a page of the web app
