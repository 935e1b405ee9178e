"""A project of runs for the analysis panels: config ``a`` (the metric follows
it), ``b`` (noise), ``opt`` (categorical) and ``model.depth`` (nested, an int);
summary ``loss`` = 3a - 0.5*[opt == "sgd"] + small noise and ``acc`` = 1 - loss/3,
logged over a few steps; runs created one minute apart."""

from __future__ import annotations

import random
import time
from pathlib import Path

from .fill import RunWriter


def loss_of(a: float, opt: str, noise: float) -> float:
    return 3 * a - (0.5 if opt == "sgd" else 0.0) + noise


def ensure_param_project(server, store_dir: Path, project: str, n: int = 60) -> None:
    """Write ``n`` runs (ids p000...) into team/``project`` once and wait until
    the server lists them all."""
    if server.client.get(f"/api/v1/projects/team/{project}").status_code == 200:
        return
    rng = random.Random(14)
    t0 = time.time() - n * 60
    for i in range(n):
        a, b = rng.uniform(0, 1), rng.uniform(0, 1)
        opt = ["adam", "sgd", "rmsprop"][i % 3]
        config = {"a": a, "b": b, "opt": opt, "model": {"depth": 2 + i % 4}}
        w = RunWriter(
            store_dir, "team", project, f"p{i:03d}", name=f"trial-{i:03d}", config=config,
            start_time=t0 + i * 60,
        )  # fmt: skip
        final = loss_of(a, opt, rng.gauss(0, 0.05))
        w.history([(s, {"loss": final + (3 - s) * 0.1, "acc": 1 - final / 3}) for s in range(4)])
        w.finish(0)
    deadline = time.monotonic() + 30
    url = f"/api/v1/projects/team/{project}"
    while (server.client.get(url).json() or {}).get("run_count") != n:
        assert time.monotonic() < deadline, "the server never listed the runs"
        time.sleep(0.3)
