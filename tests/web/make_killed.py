"""A run killed while its media were being written (run as a subprocess): the
first image is on disk, the images, table and chart logged right before the
SIGKILL never are, so history holds ``{"_type": ..., "missing": True}`` for them.

Usage: python make_killed.py  (RUNBASE_DIR set by the caller)
"""

from __future__ import annotations

import os
import signal
import time

import numpy as np

import runbase as wandb

ENTITY = "team"
PROJECT = "killed"
RUN_ID = "cut1"
STEPS = 5


def main() -> None:
    rng = np.random.default_rng(0)
    run = wandb.init(entity=ENTITY, project=PROJECT, id=RUN_ID, name="killed")
    run.log({"img": wandb.Image(rng.integers(0, 256, (32, 32, 3), dtype=np.uint8))}, step=0)
    time.sleep(2)  # the first image is written
    table = wandb.Table(columns=["x", "y"], data=[[i, i * i] for i in range(10)])
    for step in range(1, STEPS + 1):
        big = rng.integers(0, 256, (1024, 1024, 3), dtype=np.uint8)
        run.log({"img": wandb.Image(big), "loss": 1 / step}, step=step)
    # Queued behind four megapixel PNGs: never written either.
    run.log({"preds": table, "fit": wandb.plot.line(table, "x", "y", title="Fit")}, step=STEPS + 1)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
