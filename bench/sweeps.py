"""Sweep controller benchmark: the time to hand out the next run, per method, with
100 finished runs in the sweep (and Hyperband's check of a running run).

    .venv/bin/python bench/sweeps.py [--finished 100] [--claims 20]

Each method's sweep (four parameters: a log-uniform float, a uniform float, an int
range and a categorical; the grid over 6x6x6x6 values) gets ``--finished`` runs
handed out and ended with a metric value, then ``--claims`` more are timed one by
one: each is a whole claim, ``BEGIN IMMEDIATE`` to ``COMMIT`` on the sweep's SQLite
file, as an agent makes it. The commit is durable (``synchronous=FULL``: a power cut
never hands a point out twice), so grid and random cost the disk's few ``fsync``
calls (about 20 ms on a slow VM disk, under 1 ms without them); an agent claims once
per run. Targets: grid and random < 50 ms, bayes < 250 ms per suggestion (W&B's own
bayes took 170-560 ms each, measured for shared/reference/wave2.md), a Hyperband
check < 10 ms. Figures are the median and the slowest claim.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not

from runbase.sweeps.control import Claim, Controller  # noqa: E402

PARAMS = {
    "lr": {"distribution": "log_uniform_values", "min": 1e-5, "max": 1e-1},
    "dropout": {"min": 0.0, "max": 0.5},
    "layers": {"min": 1, "max": 8},
    "optimizer": {"values": ["sgd", "adam", "adamw", "rmsprop"]},
}
GRID = {k: {"values": list(range(6))} for k in ("a", "b", "c", "d")}
TARGETS_MS = {"grid": 50.0, "random": 50.0, "bayes": 250.0, "hyperband check": 10.0}


def loss(params: dict) -> float:
    values = [float(v) if not isinstance(v, str) else len(v) for v in params.values()]
    return sum(math.sin(v) for v in values)


def make(root: Path, method: str) -> Controller:
    config = {
        "method": method,
        "metric": {"name": "loss", "goal": "minimize"},
        "parameters": GRID if method == "grid" else PARAMS,
        "early_terminate": {"type": "hyperband", "min_iter": 3, "eta": 3},
    }
    return Controller.create(root, config, "bench", method)


def finish(ctl: Controller, agent: str, claim: Claim) -> None:
    value = loss(claim.params)
    ctl.end_run(claim.run_id, "finished", value, [value + 1, value + 0.5, value])


def bench(root: Path, method: str, finished: int, claims: int) -> tuple[float, float, float]:
    ctl = make(root, method)
    agent = ctl.register_agent()
    for _ in range(finished):
        claim = ctl.claim(agent)
        assert isinstance(claim, Claim)
        finish(ctl, agent, claim)
    times = []
    last = None
    for _ in range(claims):
        t0 = time.perf_counter()
        last = ctl.claim(agent)
        times.append(time.perf_counter() - t0)
        assert isinstance(last, Claim)
    # Hyperband: a running run reports its logged values against every run's.
    assert last is not None
    t0 = time.perf_counter()
    for _ in range(claims):
        ctl.report(last.run_id, [9.0, 9.0, 9.0])
    check = (time.perf_counter() - t0) / claims
    ctl.close()
    return statistics.median(times) * 1e3, max(times) * 1e3, check * 1e3


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--finished", type=int, default=100)
    parser.add_argument("--claims", type=int, default=20)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="runbase-bench-sweeps-") as tmp:
        for method in ("grid", "random", "bayes"):
            median, worst, check = bench(Path(tmp), method, args.finished, args.claims)
            rows.append((f"{method} suggestion", median, worst, TARGETS_MS[method]))
            if method == "random":
                rows.append(("hyperband check", check, check, TARGETS_MS["hyperband check"]))
    print(f"sweep controller, {args.finished} finished runs, {args.claims} claims timed")
    print(f"{'':22} {'median ms':>10} {'max ms':>10} {'target ms':>10}")
    for name, median, worst, target in rows:
        flag = "ok" if median < target else "OVER"
        print(f"{name:22} {median:10.2f} {worst:10.2f} {target:10.0f}  {flag}")


if __name__ == "__main__":
    main()
