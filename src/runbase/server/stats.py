"""Project-level lookups the web app needs beyond ``runbase.store.queries``.

Column headers (config and summary keys seen in a project) and each run's
min/max per metric ("best value" columns). They read the store's tables
directly; they belong in ``store.queries`` and move there once it offers them.
Column lists are cached per project until its run count or last activity
changes, so a workspace polling every few seconds does not rescan 10,000 runs.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import sqlalchemy as sa

from runbase.store import queries
from runbase.store.schema import projects, run_keys, run_values, runs

_cache: dict[tuple[str, str, str], tuple[Any, dict[str, list[str]]]] = {}
_cache_lock = threading.Lock()


def project_columns(store: Any, entity: str, project: str) -> dict[str, list[str]]:
    """``{"config": [...], "summary": [...], "metrics": [...]}`` keys of a project."""
    with store.engine.connect() as conn:
        stamp = conn.execute(
            sa.select(projects.c.run_count, projects.c.last_activity).where(
                projects.c.entity == entity, projects.c.project == project
            )
        ).first()
        ck = (str(store.url), entity, project)
        with _cache_lock:
            hit = _cache.get(ck)
        if hit is not None and hit[0] == tuple(stamp or ()):
            return hit[1]
        rows = conn.execute(
            sa.select(run_values.c.section, run_values.c.key)
            .distinct()
            .join(runs, runs.c.rid == run_values.c.rid)
            .where(runs.c.entity == entity, runs.c.project == project)
        ).all()
    config = sorted(k for s, k in rows if s == "c")
    summary = sorted(k for s, k in rows if s == "s" and not k.startswith("_"))
    metrics = [m["key"] for m in queries.metric_keys(store, entity, project) if m["numeric"]]
    out = {"config": config, "summary": summary, "metrics": metrics}
    with _cache_lock:
        _cache[ck] = (tuple(stamp or ()), out)
    return out


def _finite(v: float | None) -> float | str | None:
    # JSON has no inf: spell it as the store does for summary values.
    if v is None or math.isfinite(v):
        return v
    return "NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")


def metric_stats(
    store: Any, entity: str, project: str, run_ids: list[str]
) -> dict[str, dict[str, dict[str, Any]]]:
    """``{run_id: {metric: {"min", "max"}}}`` for numeric history keys of the runs."""
    if not run_ids:
        return {}
    q = (
        sa.select(runs.c.run_id, run_keys.c.key, run_keys.c.vmin, run_keys.c.vmax)
        .join(runs, runs.c.rid == run_keys.c.rid)
        .where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id.in_(run_ids),
            run_keys.c.numeric_count > 0,
            ~run_keys.c.key.startswith("_", autoescape=True),
        )
    )
    out: dict[str, dict[str, dict[str, Any]]] = {}
    with store.engine.connect() as conn:
        for rid, key, vmin, vmax in conn.execute(q):
            out.setdefault(rid, {})[key] = {"min": _finite(vmin), "max": _finite(vmax)}
    return out


def system_samples(store: Any, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """System samples in ``queries.system_series``'s shape (``time`` and ``metrics``).

    Used when that function fails: it reads ``row.t``, which SQLAlchemy's Row
    answers with the whole row as a tuple, so its runtime arithmetic raises.
    """
    from runbase.store.schema import system_samples as samples_table
    from runbase.store.values import unpack

    q = (
        sa.select(samples_table.c["t"].label("ts"), samples_table.c.data)
        .join(runs, runs.c.rid == samples_table.c.rid)
        .where(runs.c.entity == entity, runs.c.project == project, runs.c.run_id == run_id)
        .order_by(samples_table.c.id)
    )
    with store.engine.connect() as conn:
        rows = conn.execute(q).all()
    data = [unpack(r.data) or {} for r in rows]
    names = sorted(set().union(*data)) if data else []
    return {"time": [r.ts for r in rows], "metrics": {k: [d.get(k) for d in data] for k in names}}


def history_versions(
    store: Any, entity: str, project: str, run_ids: list[str]
) -> dict[str, tuple[int, int | None]]:
    """``{run_id: (history_rows, last_step)}``: changes whenever a run logs a new row."""
    if not run_ids:
        return {}
    q = sa.select(runs.c.run_id, runs.c.history_rows, runs.c.last_step).where(
        runs.c.entity == entity,
        runs.c.project == project,
        runs.c.run_id.in_(run_ids),
        runs.c.started == sa.true(),
    )
    with store.engine.connect() as conn:
        return {r.run_id: (r.history_rows, r.last_step) for r in conn.execute(q)}
