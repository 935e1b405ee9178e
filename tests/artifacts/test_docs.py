"""Every example of docs/artifacts.md runs: its Python blocks, then its shell commands."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).parents[2]
DOC = (REPO / "docs" / "artifacts.md").read_text()


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", DOC, flags=re.S)


def test_the_docs_examples_run(runbase_dir: Path, tmp_path: Path) -> None:
    path = os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")])
    env = dict(os.environ, RUNBASE_DIR=str(runbase_dir), PYTHONPATH=path)
    for block in _blocks("python"):
        proc = subprocess.run(
            [sys.executable, "-c", block],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert proc.returncode == 0, f"{block}\n{proc.stderr}"
    commands = [line for block in _blocks("sh") for line in block.splitlines() if line.strip()]
    assert len(commands) == 6
    for line in commands:
        args = shlex.split(line)
        assert args[0] == "runbase"
        proc = subprocess.run(
            [sys.executable, "-m", "runbase.cli.main", *args[1:]],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=120,
        )
        assert proc.returncode == 0, f"{line}\n{proc.stdout}\n{proc.stderr}"
    assert (tmp_path / "downloaded" / "train.csv").read_text() == "x,y\n1,2\n"
    assert (tmp_path / "artifacts" / "mnist:v0" / "train.csv").is_file()
    assert (tmp_path / "one" / "train.csv").read_text() == "x,y\n1,2\n"
    assert any((runbase_dir / "artifacts").glob("*/demo/notes/v0"))
