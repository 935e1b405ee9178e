"""Helpers of the framework tests (the fixtures are in conftest.py)."""

from __future__ import annotations

import json
import os
import subprocess
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def framework_env(runbase_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a framework script: this test's store, offline, quiet, on CPU."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("WANDB_", "RUNBASE_")) or k == "RUNBASE_TEST_POSTGRES_URL"
    }
    env.update(
        RUNBASE_DIR=str(runbase_dir),
        RUNBASE_SILENT="true",
        RUNBASE_CONSOLE="off",
        RUNBASE_DISABLE_SYSTEM_METRICS="true",
        RUNBASE_DISABLE_GIT="true",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        HF_DATASETS_OFFLINE="1",
        KERAS_BACKEND="torch",
        CUDA_VISIBLE_DEVICES="",
        PYTHONUNBUFFERED="1",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
    )
    env.update(extra)
    return env


def run_python(
    command: list[str], env: dict[str, str], cwd: Path, timeout: float = 240
) -> subprocess.CompletedProcess[str]:
    """Run ``command``; fail with its output when it exits non-zero."""
    done = subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise AssertionError(
            f"{' '.join(command)} exited with {done.returncode}\n"
            f"stdout:\n{done.stdout[-6000:]}\nstderr:\n{done.stderr[-6000:]}"
        )
    return done


def write_script(folder: Path, name: str, source: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(source))
    return path


def last_json(out: str) -> dict:
    """The last line of ``out`` that is a JSON object (what the scripts print)."""
    for line in reversed(out.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise AssertionError(f"no JSON line in:\n{out}")


def require(distribution: str, minimum: str) -> None:
    """Skip the module unless ``distribution`` >= ``minimum`` is installed (not imported:
    the frameworks load only in the scripts' processes)."""
    from importlib.metadata import PackageNotFoundError, version

    import pytest
    from packaging.version import Version

    try:
        found = version(distribution)
    except PackageNotFoundError:
        pytest.skip(f"{distribution} is not installed", allow_module_level=True)
    if Version(found) < Version(minimum):
        pytest.skip(f"{distribution} {found} < {minimum}", allow_module_level=True)
