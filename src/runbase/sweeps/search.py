"""The next point of a sweep, and Hyperband's stopping rule.

- ``random``: W&B's distributions drawn with NumPy (``space.draw``): sampling, not
  optimisation, so nothing to borrow.
- ``bayes``: Optuna's TPE sampler, asked afresh from the sweep's runs each time
  (finished runs with their metric, imputed as the config says for runs that
  ended without one; running runs as running, which TPE's ``constant_liar``
  counts as bad so parallel agents spread out). TPE rather than W&B's Gaussian
  process: it handles categorical, integer and log scales natively, needs no
  torch or scipy, and stays fast at hundreds of runs.
- ``grid``: numbered points (``space.grid_point``), claimed by number.
- Hyperband: W&B's bracket rule (``hyperband_stop``), judged by the controller from
  every run's logged values of the metric, as W&B's controller does.
"""

from __future__ import annotations

import math
import secrets
from typing import Any

from runbase.sweeps import space
from runbase.sweeps.config import SweepConfig

# Ask again this many times when a suggestion equals a point already handed out.
DUPLICATE_RETRIES = 20


def random_point(cfg: SweepConfig) -> dict[str, Any]:
    import numpy as np

    rng = np.random.default_rng()
    return {p.name: space.draw(p, rng) for p in cfg.params}


def bayes_point(
    cfg: SweepConfig, runs: list[dict[str, Any]], taken: set[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values, Optuna's internal values) of the next point TPE suggests."""
    import optuna
    from optuna.trial import TrialState, create_trial

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    dists = {p.name: d for p in cfg.params if (d := space.optuna_distribution(p)) is not None}
    assert cfg.metric is not None  # checked: bayes needs a metric
    sampler = optuna.samplers.TPESampler(seed=secrets.randbits(31), constant_liar=True)
    study = optuna.create_study(direction=cfg.metric["goal"], sampler=sampler)
    for run in runs:
        internal = {k: v for k, v in (run["internal"] or {}).items() if k in dists}
        if len(internal) != len(dists):
            continue  # a run from before the config changed: not comparable
        if run["state"] == "running":
            done = create_trial(params=internal, distributions=dists, state=TrialState.RUNNING)
        elif run["value"] is None:
            done = create_trial(params=internal, distributions=dists, state=TrialState.FAIL)
        else:
            done = create_trial(params=internal, distributions=dists, value=run["value"])
        study.add_trial(done)
    from runbase.sweeps.db import dumps

    for _ in range(DUPLICATE_RETRIES):
        trial = study.ask(dists)
        values = {p.name: space.from_internal(p, trial.params[p.name]) for p in cfg.params
                  if p.name in dists}  # fmt: skip
        study.tell(trial, state=TrialState.FAIL)  # only this process's study sees it
        if dumps(values) not in taken:
            break
    for p in cfg.params:
        if p.name not in dists:
            values[p.name] = p.get("value")
    return {p.name: values[p.name] for p in cfg.params}, dict(trial.params)


def impute(cfg: SweepConfig, runs: list[dict[str, Any]]) -> None:
    """Give runs that ended without a metric value the one ``metric.impute`` says."""
    if cfg.metric is None:
        return
    sign = 1.0 if cfg.metric["goal"] == "minimize" else -1.0
    known = [r["value"] for r in runs if r["value"] is not None]
    if not known:
        return
    worst = max(known, key=lambda v: sign * v)
    best = min(known, key=lambda v: sign * v)
    for r in runs:
        if r["value"] is None and r["state"] != "running":
            how = cfg.metric["impute"]
            if how == "latest" and r["history"]:
                r["value"] = r["history"][-1]
            else:
                r["value"] = best if how == "best" else worst


def hyperband_bands(et: dict[str, Any]) -> list[int]:
    """The iteration numbers at which runs are compared (W&B's ``min_iter`` or
    ``max_iter`` + ``s`` forms, with ``eta``)."""
    eta = et["eta"]
    if "min_iter" in et:
        return [et["min_iter"] * eta**k for k in range(32)]
    bands = []
    band = float(et["max_iter"])
    for _ in range(et["s"]):
        band /= eta
        if band < 1:
            break
        bands.append(int(band))
    return sorted(set(bands))


def hyperband_stop(cfg: SweepConfig, run: dict[str, Any], runs: list[dict[str, Any]]) -> str | None:
    """Why ``run`` should stop now, or None: W&B's rule.

    Iterations count the metric's logged values from 0; a run has reached band ``b``
    once it logged more than ``b`` values. At the highest band the run has reached,
    the sweep's runs that reached it are ranked by their value at iteration ``b``, and
    the threshold is the value ranked ``int(n / eta)`` of those ``n``; the run is
    stopped when its best value so far (its value at ``b`` when ``strict``) is worse.
    """
    et, metric = cfg.hyperband, cfg.metric
    if et is None or metric is None:
        return None
    sign = 1.0 if metric["goal"] == "minimize" else -1.0

    def signed(history: list[float]) -> list[float]:
        return [sign * v for v in history if math.isfinite(v)]

    mine = signed(run["history"])
    reached = [b for b in hyperband_bands(et) if b < len(mine)]
    if not reached:
        return None
    band = reached[-1]
    peers = sorted(h[band] for r in runs if len(h := signed(r["history"])) > band)
    threshold = peers[int(len(peers) / et["eta"])]
    value = mine[band] if et["strict"] else min(mine)
    if value > threshold:
        return (
            f"hyperband: {metric['name']} {sign * value:g} at iteration {band} is worse than "
            f"the band's threshold {sign * threshold:g} ({len(peers)} runs, eta {et['eta']})"
        )
    return None
