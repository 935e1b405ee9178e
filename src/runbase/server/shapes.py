"""Turning what ``runbase.store.queries`` returns into the API's JSON shapes.

The store speaks in nested config, ``name``/``time`` fields and column-wise
system samples; the web app wants flat keys and short field names. Keeping the
mapping here lets either side change without touching the other.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import Any

from runbase.store import Store, queries
from runbase.store.db.values import flatten


def project_out(p: queries.ProjectRow) -> dict[str, Any]:
    """A project row."""
    return {
        "entity": p.entity,
        "project": p.project,
        "run_count": p.run_count,
        "created_at": p.created_at,
        "last_activity": p.last_activity,
    }


def run_out(
    run: queries.RunRow, stats: dict[str, queries.MetricStats] | None = None
) -> dict[str, Any]:
    """A run with flat config/summary keys and the min/max of its numeric metrics."""
    stats = stats or {}
    return {
        "id": run.id,
        "entity": run.entity,
        "project": run.project,
        "name": run.name,
        "state": run.state,
        "notes": run.notes,
        "tags": list(run.tags),
        "group": run.group,
        "job_type": run.job_type,
        "user": run.user,
        "host": run.host,
        "sweep": run.sweep,
        "created_at": run.created_at,
        "heartbeat_at": run.heartbeat_at,
        "runtime": run.runtime,
        "exit_code": run.exit_code,
        "history_rows": run.history_rows,
        "last_step": run.last_step,
        "config": flatten(run.config),
        "summary": flatten(run.summary),
        "metric_min": {k: s.min for k, s in stats.items() if s.min is not None},
        "metric_max": {k: s.max for k, s in stats.items() if s.max is not None},
    }


def run_detail_out(
    run: queries.FullRunRow, stats: dict[str, queries.MetricStats] | None = None
) -> dict[str, Any]:
    """``run_out`` plus the run's metadata and METRIC definitions."""
    out = run_out(run, stats)
    out["metadata"] = run.metadata
    out["metric_definitions"] = run.metrics
    return out


def series_out(res: queries.Series) -> dict[str, Any]:
    """One chart line: x, a representative y (the bucket's last value) and min/max."""
    return {
        "x": res.x,
        "y": res.last,
        "min": res.min,
        "max": res.max,
        "count": res.count,
        "bucketed": res.bucketed,
    }


def _num(v: Any) -> float | None:
    # The store sends NaN/inf as strings outside chart arrays; a chart wants a gap.
    return v if isinstance(v, int | float) and not isinstance(v, bool) else None


def system_out(res: queries.SystemSeries) -> dict[str, Any]:
    """System samples as one ``{"t", "v"}`` series per metric, numeric keys only."""
    times = res.time
    series = {}
    for key, values in res.metrics.items():
        vals = [_num(v) for v in values]
        if any(v is not None for v in vals):
            series[key] = {"t": times, "v": vals}
    return {"keys": sorted(series), "series": series}


def logs_out(lines: list[queries.LogLine]) -> list[dict[str, Any]]:
    """Console lines as ``{"t", "stream", "line"}``."""
    return [{"t": ln.time, "stream": ln.stream, "line": ln.line} for ln in lines]


def files_out(rows: list[queries.RunFile]) -> list[dict[str, Any]]:
    """Saved files as ``{"path", "size", "policy", "time"}``."""
    return [{"path": f.name, "size": f.size or 0, "policy": f.policy, "time": f.time} for f in rows]


def file_path(store: Store, run: queries.RunRef, name: str) -> Path | None:
    """The file on disk, or None when it is missing or outside the run's folder."""
    try:
        path = queries.local_file(store, run, name)
        return path if path.is_file() else None
    except (ValueError, OSError):  # outside the folder; a name too long for the OS
        return None


# Python's own table, not the machine's /etc/mime.types: the same file gets the
# same type (and so the same inline/attachment choice) on every machine.
_TYPES = mimetypes.MimeTypes()
_TYPES.add_type("image/webp", ".webp")
_TYPES.add_type("image/avif", ".avif")


def media_type(path: Path) -> str:
    """Content type for viewing a file in the browser; unknown files show as text."""
    guess, _ = _TYPES.guess_type(path.name)
    if guess is None or guess.startswith("text/") or guess in ("application/json",):
        return "text/plain; charset=utf-8" if guess != "application/json" else guess
    return guess
