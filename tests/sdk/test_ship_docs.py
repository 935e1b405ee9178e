"""docs/server.md's "Log runs to the server", run as written against the reference server."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.docs import blocks, page, run_shell, section
from tests.sdk import ship_fixtures
from tests.sdk.ship_fixtures import KEY, RefServer, local_segments

ref_server = ship_fixtures.ref_server  # fixture


def test_log_runs_to_the_server_doc_runs_as_written(ref_server: RefServer, runbase_dir, tmp_path):
    text = section(page("server.md"), "## Log runs to the server")
    shell = blocks(text, "shell")
    train = blocks(text, "python")[0]  # the second reads it back
    (tmp_path / "train.py").write_text(train)
    home = tmp_path / "home"
    home.mkdir()
    ref_server.start()
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "RUNBASE_FINISH_TIMEOUT": "10",
    }
    res = run_shell(
        "\n".join(shell),
        {"http://127.0.0.1:8080": ref_server.url},
        cwd=tmp_path,
        env=env,
        input=KEY + "\n",
        timeout=120,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert f"View run at {ref_server.url}/ada/cats/runs/" in res.stderr
    assert "runbase sync: 1 runs sent" in res.stderr
    runs = sorted((runbase_dir / "runs").glob("*/cats/*/segments"))
    assert len(runs) == 2
    for run in runs:
        on_server = Path("ada", "cats", run.parent.name)  # sync --entity ada: all under ada
        assert ref_server.stored(on_server) == local_segments(run.parent)
