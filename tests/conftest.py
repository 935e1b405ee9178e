"""Shared fixtures: every test gets its own RUNBASE_DIR; scripts run as real child processes."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def runbase_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "runbase"
    monkeypatch.setenv("RUNBASE_DIR", str(root))
    for var in list(os.environ):
        if var.startswith("WANDB_") or (var.startswith("RUNBASE_") and var != "RUNBASE_DIR"):
            if var not in ("RUNBASE_TEST_POSTGRES_URL",):
                monkeypatch.delenv(var)
    return root


@pytest.fixture
def run_script(runbase_dir: Path, tmp_path: Path):
    """Run Python source in a child process with this test's RUNBASE_DIR."""

    def run(
        source: str,
        env: dict[str, str] | None = None,
        check: bool = True,
        timeout: float = 60,
        name: str = "script.py",
    ) -> subprocess.CompletedProcess[str]:
        script = tmp_path / name
        script.write_text(textwrap.dedent(source))
        full_env = dict(os.environ, RUNBASE_DIR=str(runbase_dir), PYTHONUNBUFFERED="1")
        full_env.update(env or {})
        proc = subprocess.run(
            [sys.executable, str(script)],
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=tmp_path,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"script exited with {proc.returncode}\n"
                f"stdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
            )
        return proc

    return run


@pytest.fixture(autouse=True)
def _no_runs_left_behind():
    """In-process tests must not leak active runs or setup() settings into the next test."""
    yield
    import runbase
    from runbase.sdk import process

    runbase.teardown()
    process.STATE.setup_settings = None


QUIET = {"silent": True, "console": "off", "disable_system_metrics": True}


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's Chromium, one for the session (per pytest-xdist worker): Playwright's
    sync API runs one event loop in the thread, so a second instance started while the
    first lives fails, in whichever folder's test comes next."""
    from tests.web.conftest import chromium_browser

    with chromium_browser() as b:
        yield b
