"""runbase import wandb: an offline run made by the real wandb package comes along whole."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

import runbase
from runbase.cli.main import main

pytest.importorskip("wandb")

SCRIPT = textwrap.dedent(
    """
    import sys

    import numpy as np
    import wandb

    run = wandb.init(project="legacy", config={"lr": 0.01, "model": {"depth": 3}},
                     tags=["baseline"], notes="from W&B")
    for step in range(4):
        print(f"epoch {step} done")
        run.log({"loss": 1.0 / (step + 1), "val/acc": step * 0.2})
    print("a warning", file=sys.stderr)
    pixels = np.zeros((4, 6, 3), dtype=np.uint8)
    run.log({"sample": wandb.Image(pixels), "weights": wandb.Histogram([1, 2, 2, 3])})
    run.summary["best_acc"] = 0.6
    with open("weights.txt", "w") as f:
        f.write("w=1\\n")
    run.save("weights.txt", policy="now")
    run.finish()
    """
)


@pytest.fixture(scope="module")
def wandb_dir(tmp_path_factory) -> Path:
    where = tmp_path_factory.mktemp("wandb-project")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "RUNBASE_"))}
    env.update(WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=str(where))
    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=where, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return where / "wandb"


def _import(*args: str):
    return CliRunner().invoke(main, ["import", "wandb", *args])


def test_offline_run_round_trips(runbase_dir, wandb_dir):
    got = _import(str(wandb_dir))
    assert got.exit_code == 0, got.output
    assert "1 imported, 0 already there" in got.output
    (run,) = runbase.Api().runs("legacy")
    assert run.state == "finished"
    assert run.config == {"lr": 0.01, "model": {"depth": 3}}
    assert run.tags == ["baseline"] and run.notes == "from W&B"
    assert run.metadata["python"].startswith("CPython") and run.metadata["host"]
    rows = run.history(pandas=False)
    assert [(r["_step"], r["loss"], r["val/acc"]) for r in rows[:4]] == [
        (0, 1.0, 0.0),
        (1, 0.5, 0.2),
        (2, pytest.approx(1 / 3), 0.4),
        (3, 0.25, pytest.approx(0.6)),
    ]
    assert run.summary["best_acc"] == 0.6 and run.summary["loss"] == 0.25
    # media and histograms come back whole, as runbase logs them, their files along
    image, hist = rows[4]["sample"], rows[4]["weights"]
    assert image["_type"] == "image-file" and (image["width"], image["height"]) == (6, 4)
    assert image["path"] in [f.name for f in run.files()]
    assert hist["_type"] == "histogram" and sum(hist["values"]) == 4
    lines = [(e["stream"], e["line"]) for e in run.logs()]
    assert ("stdout", "epoch 3 done") in lines and ("stderr", "a warning") in lines
    assert "weights.txt" in [f.name for f in run.files()]
    with run.file("weights.txt").download(str(runbase_dir.parent)) as f:
        assert f.read() == "w=1\n"


def test_importing_twice_adds_nothing(runbase_dir, wandb_dir):
    assert _import(str(wandb_dir)).exit_code == 0
    again = _import(str(wandb_dir.parent), "--project", "legacy")
    assert again.exit_code == 0 and "0 imported, 1 already there" in again.output
    assert len(runbase.Api().runs("legacy")) == 1


def test_bad_paths_say_what_to_pass(runbase_dir, tmp_path, wandb_dir):
    bad_name = _import(str(wandb_dir), "--project", "a/b")
    assert bad_name.exit_code == 2 and "names cannot contain" in bad_name.output
    missing = _import(str(tmp_path / "nope"))
    assert missing.exit_code == 1 and "does not exist" in missing.output
    (tmp_path / "empty").mkdir()
    empty = _import(str(tmp_path / "empty"))
    assert empty.exit_code == 1 and "holds no W&B runs" in empty.output
    fake = tmp_path / "run-abc.wandb"
    fake.write_bytes(b"not a log")
    bad = _import(str(fake))
    assert bad.exit_code == 1 and "not a W&B transaction log" in bad.output


def test_without_wandb_installed_the_error_names_the_extra(runbase_dir, wandb_dir):
    code = "import sys; sys.modules['wandb'] = None; from runbase.cli.main import main; main()"
    proc = subprocess.run(
        [sys.executable, "-c", code, "import", "wandb", str(wandb_dir)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "pip install 'runbase[wandb-import]'" in proc.stderr


def test_a_run_killed_before_wandb_wrote_it_is_named_and_the_rest_imported(
    runbase_dir, wandb_dir, tmp_path
):
    import shutil

    both = tmp_path / "wandb"
    shutil.copytree(wandb_dir, both)
    killed = both / "offline-run-20260101_000000-killed01"
    killed.mkdir()
    # What W&B leaves when its process is killed within the first flush interval:
    # the 7-byte header and nothing else.
    (killed / "run-killed01.wandb").write_bytes(b":W&B\xe1\xbe\x00")
    got = _import(str(both))
    assert got.exit_code == 0, got.output
    assert "1 imported, 0 already there, 1 empty" in got.output
    assert "killed01" in got.output and "leaves nothing to import" in got.output
    assert len(runbase.Api().runs("legacy")) == 1


RESUMED = textwrap.dedent(
    """
    import sys
    import wandb

    run = wandb.init(project="preempted", id="job42", resume="allow", config={"lr": 0.1})
    for step in range(2):
        run.log({"loss": float(sys.argv[1]) + step})
    print("session", sys.argv[1])
    run.finish()
    """
)


def test_a_run_resumed_in_several_folders_is_one_run(runbase_dir, tmp_path):
    # An offline SLURM-style job restarted with the same id: W&B writes one folder per
    # session, each counting steps from 0 again (offline ignores resume).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "RUNBASE_"))}
    env.update(WANDB_MODE="offline", WANDB_SILENT="true", WANDB_DIR=str(tmp_path))
    for start in ("0", "10"):
        proc = subprocess.run(
            [sys.executable, "-c", RESUMED, start], cwd=tmp_path, env=env, capture_output=True,
            text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    got = _import(str(tmp_path / "wandb"))
    assert got.exit_code == 0 and "2 imported" in got.output, got.output
    (run,) = runbase.Api().runs("preempted")
    rows = run.history(pandas=False)
    assert [(r["_step"], r["loss"]) for r in rows] == [(0, 0.0), (1, 1.0), (2, 10.0), (3, 11.0)]
    assert [e["line"] for e in run.logs()] == ["session 0", "session 10"]
    assert run.state == "finished" and run.config == {"lr": 0.1}
    again = _import(str(tmp_path / "wandb"))
    assert "0 imported, 2 already there" in again.output
    assert len(runbase.Api().runs("preempted")[0].history(pandas=False)) == 4
