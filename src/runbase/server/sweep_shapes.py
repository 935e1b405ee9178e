"""Sweeps as the HTTP API shows them: the response models (the OpenAPI schema the
web app's types come from) and the mapping from a sweep's controller to them."""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel

from runbase.store import Store, queries
from runbase.sweeps.config import Param
from runbase.sweeps.control import Controller

Json = Any


class SweepMetric(BaseModel):
    name: str
    goal: Literal["minimize", "maximize"]


class SweepBestRun(BaseModel):
    id: str
    name: str | None
    value: float


class SweepOut(BaseModel):
    """A sweep: its state, method, metric, run count against ``run_cap``, best run."""

    id: str
    name: str | None
    state: Literal["running", "paused", "finished", "stopped", "canceled", "pending"]
    method: Literal["grid", "random", "bayes"]
    metric: SweepMetric | None
    run_count: int
    run_cap: int | None
    best_run: SweepBestRun | None
    created_at: float
    # The sweep config as given.
    config: dict[str, Json]


class SweepParameter(BaseModel):
    """One searched parameter (nested names joined with dots): its values for a
    categorical, its bounds for a number (null where unbounded), ``log`` for a log scale."""

    name: str
    kind: Literal["float", "int", "categorical"]
    values: list[Json] | None
    min: float | None
    max: float | None
    log: bool


class SweepDetail(SweepOut):
    parameters: list[SweepParameter]
    run_ids: list[str]


class SweepsPage(BaseModel):
    sweeps: list[SweepOut]


def sweep_out(store: Store, ctl: Controller) -> dict[str, Any]:
    cfg = ctl.cfg
    metric = {"name": cfg.metric["name"], "goal": cfg.metric["goal"]} if cfg.metric else None
    count = ctl.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    best = ctl.best()
    best_out = None
    if best is not None:
        run = queries.get_run(store, ctl.entity, ctl.project, best["run_id"])
        best_out = {"id": best["run_id"], "name": run.name if run else None, "value": best["value"]}
    return {
        "id": ctl.id,
        "name": ctl.name,
        "state": ctl.state,
        "method": cfg.method,
        "metric": metric,
        "run_count": count,
        "run_cap": cfg.run_cap,
        "best_run": best_out,
        "created_at": ctl.created_at,
        "config": ctl.raw,
    }


def sweep_detail(store: Store, ctl: Controller) -> dict[str, Any]:
    out = sweep_out(store, ctl)
    out["parameters"] = [parameter_out(p) for p in ctl.cfg.params]
    out["run_ids"] = [r[0] for r in ctl.conn.execute("SELECT run_id FROM runs ORDER BY seq")]
    return out


def parameter_out(p: Param) -> dict[str, Any]:
    d, get = p.distribution, p.get
    out: dict[str, Any] = {"name": p.name, "values": None, "min": None, "max": None, "log": False}
    if d == "constant" or d.startswith("categorical"):
        values = [get("value")] if d == "constant" else list(get("values"))
        return {**out, "kind": "categorical", "values": values}
    if d == "int_uniform":
        return {**out, "kind": "int", "min": get("min"), "max": get("max")}
    lo = hi = None
    if d in ("uniform", "q_uniform", "log_uniform_values", "q_log_uniform_values"):
        lo, hi = get("min"), get("max")
    elif d in ("log_uniform", "q_log_uniform"):
        lo, hi = math.exp(get("min")), math.exp(get("max"))
    elif d == "inv_log_uniform":
        lo, hi = math.exp(-get("max")), math.exp(-get("min"))
    elif d == "inv_log_uniform_values":
        lo, hi = get("min"), get("max")
    elif "beta" in d:
        lo, hi = 0.0, 1.0
    log = "log_uniform" in d or "log_normal" in d
    int_q = d.startswith("q_") and isinstance(get("q"), int)
    return {**out, "kind": "int" if int_q else "float", "min": lo, "max": hi, "log": log}
