"""Every example of docs/switching-from-wandb.md runs: its Python blocks and its commands.

The commands run in a venv where runbase is installed with its startup hook
(conftest.py), with that venv's ``bin`` first on PATH, as a user's shell has it.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys

import runbase
from tests import docs
from tests.integration.helpers import framework_env

# The sections from "## TensorBoard" on (sync_tensorboard, import, export) are run by
# tests/migrate/test_docs_migration.py; this test runs everything before them.
_PAGE = docs.page("switching-from-wandb.md")
DOC = _PAGE[: _PAGE.index("## TensorBoard")]


def _blocks(lang: str) -> list[str]:
    return docs.blocks(DOC, lang)


def test_the_switching_page_examples_run(opt_in_python, runbase_dir, tmp_path):
    env = framework_env(runbase_dir)
    env["PATH"] = os.pathsep.join([str(opt_in_python.parent), env.get("PATH", "")])
    python = _blocks("python")
    (train,) = [b for b in python if "argparse" in b]
    (tmp_path / "train.py").write_text(train)
    for block in python:
        if block is not train:
            done = subprocess.run([sys.executable, "-c", block], env=env, capture_output=True)
            assert done.returncode == 0, done.stderr
    commands = [line for block in _blocks("sh") for line in block.splitlines() if line.strip()]
    assert len(commands) == 2
    for line in commands:
        words = shlex.split(line)
        extra = {}
        while "=" in words[0]:
            name, _, value = words.pop(0).partition("=")
            extra[name] = value
        done = subprocess.run(
            words,
            env={**env, **extra},
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, done.stderr
    runs = runbase.Api().runs("switch")
    assert len(runs) == 2  # one per command; under torchrun only rank 0 logged
    for run in runs:
        assert run.state == "finished" and run.config == {"epochs": 2}
        assert [r["loss"] for r in run.history(pandas=False)] == [1.0, 0.5]
