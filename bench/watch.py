"""watch() benchmark: what ``watch(log="all", log_freq=100)`` adds to a training step.

A small MLP (784-256-256-10, about 270k parameters, batch 64, SGD, one torch thread)
is trained for the same steps twice in one run, without and then with watch(); each
step logs its loss. Prints the mean step time of both, the mean overhead per step, and
what one logging step (every 100th: 6 parameter and 6 gradient histograms) costs,
and the overhead per step from the medians (steady under a loaded machine).

    .venv/bin/python bench/watch.py [--steps N] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

LOG_FREQ = 100


def _train(run: Any, torch: Any, model: Any, steps: int) -> list[float]:
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    batches = [(torch.randn(64, 784), torch.randint(0, 10, (64,))) for _ in range(16)]
    loss_fn = torch.nn.CrossEntropyLoss()
    times = []
    pc = time.perf_counter
    for s in range(steps):
        x, y = batches[s % len(batches)]
        t0 = pc()
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        run.log({"loss": loss.item()})
        times.append(pc() - t0)
    return times


def measure(steps: int) -> dict[str, float]:
    """Step times (ms) without and with watch, alternating blocks so drift hits both."""
    import torch

    import runbase

    torch.set_num_threads(1)
    torch.manual_seed(0)

    def mlp() -> Any:
        nn = torch.nn
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                             nn.Linear(256, 10))  # fmt: skip

    run = runbase.init(project="bench-watch", settings={"silent": True, "console": "off"})
    plain_model, watched_model = mlp(), mlp()
    run.watch(watched_model, log="all", log_freq=LOG_FREQ)
    _train(run, torch, plain_model, LOG_FREQ)  # warm-up: allocator, first histogram
    _train(run, torch, watched_model, LOG_FREQ)
    plain: list[float] = []
    watched: list[float] = []
    for _ in range(max(steps // LOG_FREQ, 1)):
        plain += _train(run, torch, plain_model, LOG_FREQ)
        watched += _train(run, torch, watched_model, LOG_FREQ)
    run.finish()
    logging_steps = watched[LOG_FREQ - 1 :: LOG_FREQ]
    other_steps = [t for i, t in enumerate(watched) if i % LOG_FREQ != LOG_FREQ - 1]
    ms = 1000.0
    return {
        "step_plain_mean_ms": statistics.fmean(plain) * ms,
        "step_watched_mean_ms": statistics.fmean(watched) * ms,
        "overhead_per_step_ms": (statistics.fmean(watched) - statistics.fmean(plain)) * ms,
        "overhead_per_step_pct": 100 * (statistics.fmean(watched) / statistics.fmean(plain) - 1),
        "plain_median_ms": statistics.median(plain) * ms,
        "non_logging_step_median_ms": statistics.median(other_steps) * ms,
        "logging_step_median_ms": statistics.median(logging_steps) * ms,
        # Means drift with the machine's load; medians do not: the hooks' cost on an
        # ordinary step plus a logging step's extra spread over LOG_FREQ steps.
        "overhead_per_step_from_medians_ms": (
            statistics.median(other_steps)
            - statistics.median(plain)
            + (statistics.median(logging_steps) - statistics.median(plain)) / LOG_FREQ
        )
        * ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=3000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        os.environ["RUNBASE_DIR"] = root
        result = measure(args.steps)
    if args.json:
        print(json.dumps(result))
        return
    for key, value in result.items():
        print(f"{key:30s} {value:9.3f}", file=sys.stdout)


if __name__ == "__main__":
    main()
