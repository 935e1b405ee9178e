"""What the RUNBASE_AS_WANDB opt-in costs a Python start, on and off.

    .venv/bin/python bench/as_wandb.py [--starts 20]

1. The startup hook line (``runbase_as_wandb.pth``) with the variable unset: what
   every Python of an environment with runbase installed pays. Target: < 20 us.
2. ``python -c "import wandb"`` under the opt-in (runbase answering) against
   ``python -c "import runbase"``: answering for wandb adds the finder and the shim
   modules. Target: < 20 ms more. Medians over ``--starts`` fresh interpreters, run
   with this checkout's ``src`` first on PYTHONPATH and the hook executed by hand (a
   checkout on PYTHONPATH has no installed .pth).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PTH = REPO / "src" / "runbase" / "as_wandb" / "runbase_as_wandb.pth"


def hook_line_us() -> float:
    code = compile(PTH.read_text(), str(PTH), "exec")
    env = os.environ.pop("RUNBASE_AS_WANDB", None)
    try:
        n = 200_000
        return timeit.timeit(lambda: exec(code, {}), number=n) / n * 1e6
    finally:
        if env is not None:
            os.environ["RUNBASE_AS_WANDB"] = env


def start_ms(code: str, starts: int, opt_in: bool) -> float:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    env.pop("RUNBASE_AS_WANDB", None)
    if opt_in:
        env["RUNBASE_AS_WANDB"] = "1"
        code = PTH.read_text() + code  # what site does with the installed .pth
    times = []
    for _ in range(starts):
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--starts", type=int, default=20)
    args = parser.parse_args()
    line = hook_line_us()
    plain = start_ms("import runbase", args.starts, opt_in=False)
    shim = start_ms("import wandb", args.starts, opt_in=True)
    print(f"{'measure':<44}{'value':>12}{'target':>12}")
    print(f"{'hook line, variable unset':<44}{line:>10.2f}us{'< 20 us':>12}")
    print(f"{'python -c import runbase':<44}{plain:>10.1f}ms{'':>12}")
    print(f"{'python -c import wandb (opt-in, runbase)':<44}{shim:>10.1f}ms{'':>12}")
    print(f"{'  added by answering for wandb':<44}{shim - plain:>10.1f}ms{'< 20 ms':>12}")


if __name__ == "__main__":
    main()
