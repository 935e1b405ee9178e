"""Sweep tests: real agents, runs and CLI commands in child processes, each with its
own RUNBASE_DIR; the agents poll their runs every 0.1 s so Hyperband acts quickly."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def sweep_env(runbase_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "RUNBASE_DIR": str(runbase_dir),
        "RUNBASE_SWEEP_POLL_S": "0.1",
        "PYTHONPATH": str(REPO / "src"),
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def py(sweep_env: dict[str, str], tmp_path: Path):
    """Run Python source as a script in a child process; its stdout, or an error with both streams."""  # noqa: E501

    def run(source: str, name: str = "main.py", timeout: float = 120) -> str:
        script = tmp_path / name
        script.write_text(textwrap.dedent(source))
        proc = subprocess.run(
            [sys.executable, str(script)], env=sweep_env, cwd=tmp_path,
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    return run


def cli(env: dict[str, str], cwd: Path, *args: str, timeout: float = 120):
    return subprocess.run(
        [sys.executable, "-m", "runbase.cli.main", *args], env=env, cwd=cwd,
        capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def wait_for(check, timeout: float = 30.0, what: str = "the condition"):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
