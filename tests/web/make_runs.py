"""Fill RUNBASE_DIR with real SDK runs for the web tests (run as a subprocess).

Usage: python make_runs.py  (RUNBASE_DIR set by the caller)
"""

from __future__ import annotations

import math
import random
import sys

import runbase

ENTITY = "team"
PROJECT = "vision"


def main() -> None:
    rng = random.Random(7)
    optimizers = ["adam", "sgd", "adamw"]
    for i in range(12):
        lr = [0.1, 0.03, 0.01, 0.003][i % 4]
        opt = optimizers[i % 3]
        run = runbase.init(
            entity=ENTITY,
            project=PROJECT,
            name=f"run-{i:02d}",
            id=f"r{i:02d}",
            config={
                "lr": lr,
                "optimizer": opt,
                "batch_size": 32 * (1 + i % 2),
                "model": {"depth": 4 + i % 3},
            },
            tags=["baseline"] if i % 3 == 0 else (["sweep", "fast"] if i % 3 == 1 else ["sweep"]),
            group=f"seed-group-{i % 2}",
            job_type="train" if i < 10 else "eval",
            notes="the first run" if i == 0 else None,
        )
        for step in range(120):
            loss = 2.0 * math.exp(-lr * 2 * step / (1 + i % 3)) + 0.05 * rng.random()
            run.log(
                {
                    "train/loss": loss,
                    "train/acc": 1 - loss / 2.2,
                    "val/loss": loss * 1.1 + 0.02,
                    "lr": lr * (1 - step / 200),
                }
            )
        print(f"run {i} done; final loss {loss:.4f}")
        print("a line on stderr", file=sys.stderr)
        with open(f"{run.dir}/notes.txt", "w") as f:
            f.write(f"hello from run {i}\n")
        run.save(f"{run.dir}/notes.txt")
        run.finish(exit_code=1 if i == 5 else 0)


if __name__ == "__main__":
    main()
