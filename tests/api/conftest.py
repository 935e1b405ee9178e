"""Runs made by the real SDK in a separate process, read back through runbase.Api."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SCRIPT = textwrap.dedent(
    """
    import math, os
    import runbase as wandb

    run = wandb.init(project="api", id="main1", name="first", notes="hello",
                     tags=["base", "x"], group="grp", job_type="train",
                     config={"lr": 0.1, "opt": {"name": "adam"}, "layers": 3})
    run.define_metric("val/*", summary="max")
    for i in range(30):
        row = {"loss": 1.0 / (i + 1), "acc": i / 30}
        if i % 10 == 0:
            row["val/acc"] = i / 10
        run.log(row)
    run.summary["best"] = 42
    print("training done")
    with open(os.path.join(run.dir, "notes.txt"), "w") as f:
        f.write("saved file")
    run.save(os.path.join(run.dir, "notes.txt"), base_path=run.dir, policy="now")
    run.finish()

    run = wandb.init(project="api", id="fail2", config={"lr": 0.5}, tags=["x"],
                     reinit="create_new")
    run.log({"loss": math.nan})
    run.log({"loss": 0.25})
    run.finish(exit_code=2)

    run = wandb.init(project="other", id="solo3")
    run.finish()
    """
)


@pytest.fixture(scope="module")
def sdk_root(tmp_path_factory) -> Path:
    """RUNBASE_DIR holding three runs logged by the SDK in a child process."""
    root = tmp_path_factory.mktemp("rbapi")
    env = dict(os.environ, RUNBASE_DIR=str(root))
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return root


@pytest.fixture
def user() -> str:
    return getpass.getuser()
