"""A run never changes how the script's process ends, with the whole environment capture on.

The capture's background threads (metadata probes, system metrics, console) import
modules that build namedtuples, which run exec() on source text; in CPython that clears
the "main module died of KeyboardInterrupt" flag that makes the process end by SIGINT.
Raising right after init() puts those imports in the interpreter's shutdown.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

import runbase

SCRIPT = """
import sys
import runbase

# Defaults on purpose: console "auto", system metrics, git, requirements, metadata thread.
run = runbase.init(project="k")
run.log({{"x": 1}})
{body}
"""


def _write(tmp_path, body: str) -> str:
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent(SCRIPT.format(body=body)))
    return str(script)


def _env(runbase_dir) -> dict[str, str]:
    return dict(os.environ, RUNBASE_DIR=str(runbase_dir))


def _only_run():
    runs = list(runbase.Api().runs("k"))
    assert len(runs) == 1, runs
    return runs[0]


def test_keyboard_interrupt_still_exits_by_sigint(runbase_dir, tmp_path):
    script = _write(tmp_path, "raise KeyboardInterrupt")
    proc = subprocess.run(
        [sys.executable, script],
        env=_env(runbase_dir),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == -signal.SIGINT, proc.stderr
    assert "KeyboardInterrupt" in proc.stderr
    run = _only_run()
    assert run.state == "failed"
    assert run.exit_code == 255
    assert run.summary["x"] == 1


def test_keyboard_interrupt_shell_status_is_130(runbase_dir, tmp_path):
    script = _write(tmp_path, "raise KeyboardInterrupt")
    proc = subprocess.run(
        ["sh", "-c", '"$0" "$1" 2>/dev/null; echo "status=$?"', sys.executable, script],
        env=_env(runbase_dir),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.stdout.strip().endswith("status=130"), proc.stdout
    run = _only_run()
    assert (run.state, run.exit_code) == ("failed", 255)


@pytest.mark.parametrize(
    ("body", "status", "state", "exit_code"),
    [
        ("pass", 0, "finished", 0),
        ("sys.exit(3)", 3, "failed", 3),
        ("raise ValueError('boom')", 1, "failed", 1),
        # Only KeyboardInterrupt itself ends by SIGINT in CPython; a subclass exits with 1.
        ("class Stop(KeyboardInterrupt): pass\nraise Stop", 1, "failed", 255),
        # The run finished before the interrupt: the process still dies by SIGINT.
        ("run.finish()\nraise KeyboardInterrupt", -signal.SIGINT, "finished", 0),
    ],
)
def test_other_endings_keep_their_status(runbase_dir, tmp_path, body, status, state, exit_code):
    script = _write(tmp_path, body)
    proc = subprocess.run(
        [sys.executable, script],
        env=_env(runbase_dir),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == status, proc.stderr
    run = _only_run()
    assert (run.state, run.exit_code) == (state, exit_code)
