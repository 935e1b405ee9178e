"""The runs table's bulk tag example of docs/web.md, run as written against a real server."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from .conftest import Server
from .fill import RunWriter
from .test_media_docs import WEB, block


def test_bulk_tag_example_runs_as_documented(tmp_path: Path) -> None:
    root = tmp_path / "rb"
    for rid in ("t1", "t2", "t3"):
        w = RunWriter(root, "me", "tune", rid, config={"lr": 0.01})
        w.history([(0, {"val/loss": 0.5})])
        w.finish(exit_code=0)
    srv = Server(root)
    try:
        script = block(WEB, "bash", "/runs/tags").replace("localhost:8765", f"127.0.0.1:{srv.port}")
        out = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout
        tags = {
            rid: srv.client.get(f"/api/v1/projects/me/tune/runs/{rid}").json()["tags"]
            for rid in ("t1", "t2", "t3")
        }
    finally:
        srv.stop()
    assert json.loads(out) == {"updated": 2}
    assert tags == {"t1": ["baseline"], "t2": ["baseline"], "t3": []}
