"""The TensorBoard and import/export examples of docs/switching-from-wandb.md run as shown."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from runbase.cli.main import main
from runbase.sdk import tb_sync

REPO = Path(__file__).parents[2]
DOC = (REPO / "docs" / "switching-from-wandb.md").read_text()
SECTION = DOC[DOC.index("## TensorBoard") :]

WANDB_SCRIPT = """
import wandb
run = wandb.init(project="my-project", config={"lr": 0.1})
for step in range(3):
    run.log({"loss": 1.0 / (step + 1)})
run.finish()
"""


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", SECTION, flags=re.S)


def _run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    proc = subprocess.run(args, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert proc.returncode == 0, f"{args}\n{proc.stdout}\n{proc.stderr}"


def _mlflow_store(where: Path) -> None:
    tracking = pytest.importorskip("mlflow.tracking")
    client = tracking.MlflowClient(tracking_uri=where.as_uri())
    run = client.create_run(client.create_experiment("old"))
    client.log_metric(run.info.run_id, "loss", 0.5, step=1)
    client.set_terminated(run.info.run_id)


def test_the_migration_examples_run(runbase_dir: Path, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("wandb")
    pytest.importorskip("torch.utils.tensorboard")
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")
    monkeypatch.chdir(tmp_path)
    offline = dict(os.environ, WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=str(tmp_path))
    _run([sys.executable, "-c", WANDB_SCRIPT], offline, tmp_path)  # the real wandb, offline
    _mlflow_store(tmp_path / "mlruns")
    sync_example, pandas_example = _blocks("python")
    # The rest runs in this process (the CLI through click's runner): the same code
    # paths, without paying for a fresh interpreter and its imports per command.
    try:
        exec(compile(sync_example, "sync_example", "exec"), {})  # also writes ./runs/demo
    finally:
        tb_sync.unpatch()
    commands = [line for block in _blocks("sh") for line in block.splitlines() if line.strip()]
    assert len(commands) == 4
    for line in commands:
        args = shlex.split(line)
        assert args[0] == "runbase"
        got = CliRunner().invoke(main, args[1:])
        assert got.exit_code == 0, f"{line}\n{got.output}"
    exec(compile(pandas_example, "pandas_example", "exec"), {})
