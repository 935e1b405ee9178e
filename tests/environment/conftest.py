"""Fixtures for the environment tests: each scenario runs in a real child process.

The child builds a ``FakeRun`` (real segment writer, see fakerun.py), attaches,
does its thing and detaches; the test reads the records back from the segment.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from fakerun import Result, read_run

HERE = Path(__file__).parent

PRELUDE = """\
import json, os, sys, time
from fakerun import FakeRun
from runbase.sdk.environment import attach, save_files
run = FakeRun(os.environ["RB_ROOT"], **json.loads(os.environ["RB_SETTINGS"]))
att = attach(run)
def finish():
    att.detach()
    run.close()
"""

HEADER = """\
import json, os, sys, time
from fakerun import FakeRun
from runbase.sdk.environment import attach, save_files
def new_run(sub="run", **settings):
    merged = {**json.loads(os.environ["RB_SETTINGS"]), **settings}
    return FakeRun(os.path.join(os.environ["RB_ROOT"], sub), **merged)
"""


@pytest.fixture
def child(tmp_path: Path):
    """Run a scenario in a child process; returns a Result with the run's records."""
    sys.path.insert(0, str(HERE))
    count = [0]

    def run(
        source: str,
        settings: dict[str, Any] | None = None,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        prelude: bool = True,
        timeout: float = 60,
        check: bool = True,
        stdin: Any = None,
        stdout: Any = subprocess.PIPE,
        script_dir: Path | None = None,
    ) -> Result:
        count[0] += 1
        root = tmp_path / f"run{count[0]}"
        script = (script_dir or tmp_path) / "scenario.py"
        script.write_text((PRELUDE if prelude else HEADER) + textwrap.dedent(source))
        full_env = dict(os.environ)
        full_env.update(
            PYTHONPATH=os.pathsep.join([str(HERE), full_env.get("PYTHONPATH", "")]),
            RB_ROOT=str(root),
            RB_SETTINGS=json.dumps(settings or {}),
        )
        full_env.pop("PYTHONUNBUFFERED", None)
        env = dict(env or {})
        if "PYTHONPATH" in env:
            env["PYTHONPATH"] = os.pathsep.join([env["PYTHONPATH"], full_env["PYTHONPATH"]])
        full_env.update(env)
        proc = subprocess.run(
            [sys.executable, str(script)],
            env=full_env,
            cwd=str(cwd or tmp_path),
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            timeout=timeout,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"scenario exited with {proc.returncode}\nstdout:\n{proc.stdout!r}\n"
                f"stderr:\n{proc.stderr.decode(errors='replace')}"
            )
        res = Result(proc, root)
        if prelude and root.exists():
            res.records = read_run(root)
        return res

    yield run
    sys.path.remove(str(HERE))
