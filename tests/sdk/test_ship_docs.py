"""docs/server.md's "Log runs to the server", run as written against the reference server."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.sdk import ship_fixtures
from tests.sdk.ship_fixtures import KEY, RefServer, local_segments

ref_server = ship_fixtures.ref_server  # fixture

DOC = Path(__file__).resolve().parents[2] / "docs" / "server.md"


def _section() -> str:
    text = DOC.read_text()
    start = text.index("## Log runs to the server")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def test_log_runs_to_the_server_doc_runs_as_written(ref_server: RefServer, runbase_dir, tmp_path):
    section = _section()
    shell = re.findall(r"```shell\n(.*?)```", section, re.S)
    train = re.findall(r"```python\n(.*?)```", section, re.S)[0]  # the second reads it back
    (tmp_path / "train.py").write_text(train)
    home = tmp_path / "home"
    home.mkdir()
    ref_server.start()
    script = "set -euo pipefail\n" + "\n".join(shell)
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "RUNBASE_FINISH_TIMEOUT": "10",
    }
    res = subprocess.run(
        ["bash", "-c", script.replace("http://127.0.0.1:8080", ref_server.url)],
        cwd=tmp_path,
        env=env,
        input=KEY + "\n",
        capture_output=True,
        text=True,
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
