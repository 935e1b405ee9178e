"""sync_tensorboard benchmark: what the hook adds to each TensorBoard call.

    .venv/bin/python bench/tb_sync.py [--steps 5000] [--tags 4]

A training loop writes ``--tags`` scalars per step with torch's ``SummaryWriter``
(and then tensorboardX's), first without runbase, then inside
``runbase.init(sync_tensorboard=True)``. Printed: microseconds per ``add_scalar``
for both (best of three) and the difference. Target: the hook adds < 30 us per scalar (a step of a
small model takes milliseconds; W&B's tailing thread costs the loop nothing but lags
and can miss the end of a run).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not


def loop(writer_cls: type, logdir: str, steps: int, tags: int) -> float:
    writer = writer_cls(logdir)
    names = [f"metric/{i}" for i in range(tags)]
    t0 = time.perf_counter()
    for step in range(steps):
        for name in names:
            writer.add_scalar(name, step * 0.001, step)
    elapsed = time.perf_counter() - t0
    writer.close()
    return elapsed / (steps * tags) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=5000)
    parser.add_argument("--tags", type=int, default=4)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["RUNBASE_DIR"] = os.path.join(tmp, "store")
        import tensorboardX
        from torch.utils.tensorboard import SummaryWriter

        import runbase

        settings = {"silent": True, "console": "off", "disable_system_metrics": True}
        print(f"{'writer':<14}{'plain us':>10}{'synced us':>11}{'added us':>10}  target < 30")
        for label, cls in (("torch", SummaryWriter), ("tensorboardX", tensorboardX.SummaryWriter)):
            plain = synced = float("inf")
            for i in range(3):  # best of three: the machine may be shared
                where = os.path.join(tmp, f"plain-{label}-{i}")
                plain = min(plain, loop(cls, where, args.steps, args.tags))
                run = runbase.init(project="bench", sync_tensorboard=True, settings=settings)
                where = os.path.join(tmp, f"sync-{label}-{i}")
                synced = min(synced, loop(cls, where, args.steps, args.tags))
                run.finish()
                rows = len(runbase.Api().run(run.path).history(pandas=False))
                assert rows == args.steps, rows
            print(f"{label:<14}{plain:>10.1f}{synced:>11.1f}{synced - plain:>10.1f}")


if __name__ == "__main__":
    main()
