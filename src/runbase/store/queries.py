"""Reading the store: what the Api, the web server and the CLI show.

Every function returns plain dicts and lists. By default they are JSON-ready:
non-finite floats in config, summary, metadata and history rows come back as
the strings "NaN", "Infinity", "-Infinity", and as None in chart arrays. Pass
``exact=True`` (as ``runbase.Api`` does) to get the logged floats back.

Reads do not index: call ``store.sync()`` first (the web server does it at most
once a second, the Api before each read). Writes (``update_run``,
``delete_runs``) go through the record files and sync themselves.

A run is named by ``run``: ``"entity/project/run_id"``, an (entity, project,
run_id) tuple, or a run dict from these functions.
"""

from __future__ import annotations

import math
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import sqlalchemy as sa

from runbase.records import Kind
from runbase.records.appendlog import append_records
from runbase.records.layout import edits_path, run_dir
from runbase.store import chunks
from runbase.store import filters as filter_sql
from runbase.store.chunks import Points
from runbase.store.history import ROW_KEYS
from runbase.store.indexer import delete_run_rows, refresh_project
from runbase.store.lock import index_lock
from runbase.store.projectstats import (
    history_versions,
    metric_keys,
    metric_stats,
    project_columns,
)
from runbase.store.schema import (
    console_lines,
    hist_chunks,
    projects,
    run_files,
    runs,
    system_samples,
)
from runbase.store.store import Store, open_store
from runbase.store.values import unpack

__all__ = [
    "RunNotFound",
    "Store",
    "delete_runs",
    "files",
    "get_run",
    "history",
    "history_versions",
    "list_projects",
    "logs",
    "metric_keys",
    "metric_stats",
    "open_store",
    "project_columns",
    "query_runs",
    "series",
    "system_series",
    "update_run",
]

_UNSET: Any = object()


class RunNotFound(LookupError):
    """No run at the given path."""


# ---- values ---------------------------------------------------------------


def _safe(value: Any) -> Any:
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: _safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_safe(v) for v in value]
    return value


def _num_list(arr: np.ndarray) -> list[float | None]:
    """Floats for a chart: non-finite values become None (a gap)."""
    out = arr.tolist()
    if not np.isfinite(arr).all():
        bad = np.nonzero(~np.isfinite(arr))[0].tolist()
        for i in bad:
            out[i] = None
    return out


# ---- runs -----------------------------------------------------------------

_LIST_COLUMNS = [c for c in runs.c if c.name not in ("ix", "run_metadata", "metrics")]


def _run_dict(row: Any, exact: bool, full: bool = False) -> dict[str, Any]:
    fix = (lambda v: v) if exact else _safe
    out = {
        "id": row.run_id,
        "entity": row.entity,
        "project": row.project,
        "path": [row.entity, row.project, row.run_id],
        "name": row.name,
        "state": row.state,
        "notes": row.notes,
        "tags": unpack(row.tags, []),
        "group": row.run_group,
        "job_type": row.job_type,
        "user": row.user,
        "host": row.host,
        "created_at": row.created_at,
        "heartbeat_at": row.heartbeat_at,
        "runtime": row.runtime,
        "exit_code": row.exit_code,
        "history_rows": row.history_rows,
        "last_step": row.last_step,
        "config": fix(unpack(row.config, {})),
        "summary": fix(unpack(row.summary, {})),
    }
    if full:
        out["metadata"] = fix(unpack(row.run_metadata, {}))
        out["metrics"] = fix(unpack(row.metrics, []))
    return out


def list_projects(store: Store, entity: str | None = None) -> list[dict[str, Any]]:
    """Projects with their run count and last activity, most recently active first."""
    q = sa.select(projects).order_by(
        projects.c.last_activity.desc().nulls_last(), projects.c.entity, projects.c.project
    )
    if entity is not None:
        q = q.where(projects.c.entity == entity)
    with store.engine.connect() as conn:
        return [
            {
                "entity": r.entity,
                "project": r.project,
                "run_count": r.run_count,
                "created_at": r.created_at,
                "last_activity": r.last_activity,
            }
            for r in conn.execute(q)
        ]


def query_runs(
    store: Store,
    entity: str,
    project: str,
    filters: dict[str, Any] | None = None,
    order: str | list[str] | None = "-created_at",
    limit: int | None = 50,
    offset: int = 0,
    exact: bool = False,
) -> dict[str, Any]:
    """One page of a project's runs: ``{"total": n, "runs": [run dict, ...]}``.

    ``filters`` is a Mongo-style document (see ``store/filters.py``); ``order`` a
    field with an optional ``-`` (descending) or ``+`` prefix, or a comma list;
    runs lacking the sort value come last either way. A malformed filter or
    sort key raises ValueError naming it.
    """
    cond = sa.and_(
        runs.c.entity == entity,
        runs.c.project == project,
        runs.c.started == sa.true(),
        filters_where(filters),
    )
    keys = filters_order(order)
    source: Any = runs
    order_cols = []
    for name, desc in keys:
        cols, join = filter_sql.sort_columns(name)
        if join is not None:
            source = source.outerjoin(join[0], join[1])
        for col in cols:
            order_cols.append(col.desc().nulls_last() if desc else col.asc().nulls_last())
    order_cols.append(runs.c.rid.desc())
    page = sa.select(*_LIST_COLUMNS).select_from(source).where(cond).order_by(*order_cols)
    if limit is not None:
        page = page.limit(limit)
    if offset:
        page = page.offset(offset)
    with store.engine.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(runs).where(cond)).scalar()
        rows = conn.execute(page).all()
    return {"total": total or 0, "runs": [_run_dict(r, exact) for r in rows]}


def filters_where(doc: dict[str, Any] | None) -> Any:
    """The SQL condition of a filter document (validates it)."""
    return filter_sql.where(doc)


def filters_order(order: str | list[str] | None) -> list[tuple[str, bool]]:
    """Validated (field, descending) sort keys."""
    return filter_sql.order_by(order)


def _find(conn: sa.Connection, entity: str, project: str, run_id: str) -> Any:
    return conn.execute(
        sa.select(runs).where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            runs.c.started == sa.true(),
        )
    ).first()


def get_run(
    store: Store, entity: str, project: str, run_id: str, exact: bool = False
) -> dict[str, Any] | None:
    """One run with its metadata and metric definitions, or None."""
    with store.engine.connect() as conn:
        row = _find(conn, entity, project, run_id)
    return None if row is None else _run_dict(row, exact, full=True)


def _path(run: Any) -> tuple[str, str, str]:
    if isinstance(run, dict):
        return run["entity"], run["project"], run["id"]
    if isinstance(run, str):
        parts = run.strip("/").split("/")
        if len(parts) == 4 and parts[2] == "runs":
            parts = [parts[0], parts[1], parts[3]]
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"a run path is entity/project/run_id, got {run!r}")
        return parts[0], parts[1], parts[2]
    if isinstance(run, list | tuple) and len(run) == 3:
        return str(run[0]), str(run[1]), str(run[2])
    raise ValueError(f"cannot name a run with {run!r}")


def _resolve(conn: sa.Connection, run: Any) -> Any:
    entity, project, run_id = _path(run)
    row = conn.execute(
        sa.select(runs.c.rid, runs.c.history_rows, runs.c.created_at).where(
            runs.c.entity == entity,
            runs.c.project == project,
            runs.c.run_id == run_id,
            runs.c.started == sa.true(),
        )
    ).first()
    if row is None:
        raise RunNotFound(f"no run {entity}/{project}/{run_id}")
    return row


# ---- history --------------------------------------------------------------


def _load(conn: sa.Connection, rid: int, keys: Iterable[str] | None, *conds: Any) -> dict:
    q = sa.select(hist_chunks).where(hist_chunks.c.rid == rid, *conds)
    if keys is not None:
        q = q.where(hist_chunks.c.key.in_(list(keys)))
    parts: dict[str, list[Points]] = {}
    for r in conn.execute(q.order_by(hist_chunks.c.key, hist_chunks.c.seq)):
        parts.setdefault(r.key, []).append(chunks.decode(r))
    return {k: chunks.join(v) for k, v in parts.items()}


def history(
    store: Store,
    run: Any,
    keys: list[str] | None = None,
    samples: int | None = None,
    exact: bool = False,
) -> list[dict[str, Any]]:
    """History rows in order, each with ``_step``, ``_timestamp``, ``_runtime`` and its values.

    With ``keys``, only rows holding every one of them, with ``_step`` and those
    keys. With ``samples``, at most that many rows, evenly spaced, first and
    last included (the same rows every call).
    """
    if isinstance(keys, str):
        keys = [keys]
    with store.engine.connect() as conn:
        row = _resolve(conn, run)
        wanted = None if keys is None else list(dict.fromkeys(["_step", *keys]))
        series = _load(conn, row.rid, wanted)
    nrows = row.history_rows
    if nrows == 0:
        return []
    mask = np.ones(nrows, dtype=bool)
    if keys is not None:
        for key in keys:
            present = np.zeros(nrows, dtype=bool)
            p = series.get(key)
            if p is not None:
                present[p.rows] = True
            mask &= present
    sel = np.nonzero(mask)[0]
    if samples is not None and samples >= 0 and len(sel) > samples:
        if samples == 0:
            sel = sel[:0]
        else:
            pick = np.unique(np.linspace(0, len(sel) - 1, samples).round().astype(np.int64))
            sel = sel[pick]
    pos = np.full(nrows, -1, dtype=np.int64)
    pos[sel] = np.arange(len(sel))
    out: list[dict[str, Any]] = [{} for _ in range(len(sel))]
    ordered = [k for k in ROW_KEYS if k in series] + sorted(k for k in series if k not in ROW_KEYS)
    fix = (lambda v: v) if exact else _safe
    for key in ordered:
        p = series[key]
        idx = pos[p.rows]
        keep = idx >= 0
        at = idx[keep].tolist()
        if p.dtype == "obj":
            vals = [fix(v) for v, k in zip(p.vals, keep.tolist(), strict=True) if k]
        else:
            vals = p.vals[keep].tolist()
            if not exact and p.dtype == "f8":
                vals = [fix(v) for v in vals]
        for i, v in zip(at, vals, strict=True):
            out[i][key] = v
    return out


def series(
    store: Store,
    run: Any,
    key: str,
    x: str = "_step",
    buckets: int = 1000,
    x_min: float | None = None,
    x_max: float | None = None,
) -> dict[str, Any]:
    """One chart line: ``key`` against ``x``, reduced to at most ``buckets`` points.

    ``x`` is ``_step``, ``_timestamp``, ``_runtime`` or another history key
    (rows that have both). ``x_min``/``x_max`` restrict to a range (a zoom),
    read from only the chunks that overlap it. The x range is cut into
    ``buckets`` equal buckets; each non-empty bucket gives the x and value of
    its last point plus the min and max of its values, so spikes survive.
    When the range holds at most ``buckets`` points they come back as they are
    (``"bucketed": false``; min, max and last then equal the values).
    Non-numeric values are left out; NaN and ±inf come back as None.
    """
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, got {buckets}")
    with store.engine.connect() as conn:
        rid = _resolve(conn, run).rid
        if x == "_step":
            conds = []
            if x_min is not None:
                conds.append(hist_chunks.c.step_max >= math.floor(x_min))
            if x_max is not None:
                conds.append(hist_chunks.c.step_min <= math.ceil(x_max))
            y = _numeric_series(conn, rid, key, conds)
            if y is None:
                return _empty(key, x)
            xv, yv = y.steps, y.vals
        else:
            conds = []
            if x_min is not None:
                conds.append(sa.or_(hist_chunks.c.vmax.is_(None), hist_chunks.c.vmax >= x_min))
            if x_max is not None:
                conds.append(sa.or_(hist_chunks.c.vmin.is_(None), hist_chunks.c.vmin <= x_max))
            xs = _numeric_series(conn, rid, x, conds)
            if xs is None:
                return _empty(key, x)
            span = [hist_chunks.c.row_last >= xs.first_row, hist_chunks.c.row_first <= xs.last_row]
            y = _numeric_series(conn, rid, key, span)
            if y is None:
                return _empty(key, x)
            xv, yv = _align(xs, y)
    keep = None
    if xv.dtype.kind == "f":
        keep = np.isfinite(xv)
    if x_min is not None:
        keep = xv >= x_min if keep is None else keep & (xv >= x_min)
    if x_max is not None:
        keep = xv <= x_max if keep is None else keep & (xv <= x_max)
    if keep is not None and not keep.all():
        xv, yv = xv[keep], yv[keep]
    if len(xv) > 1 and (xv[1:] < xv[:-1]).any():
        order = np.argsort(xv, kind="stable")
        xv, yv = xv[order], yv[order]
    return _reduce(key, x, xv, yv, buckets)


class _Numeric:
    """The numeric points of a series: rows (None when consecutive), steps, float values."""

    def __init__(
        self, rows: np.ndarray | None, first_row: int, last_row: int, steps: Any, vals: np.ndarray
    ) -> None:
        self.rows = rows
        self.first_row = first_row
        self.last_row = last_row
        self.steps = steps
        self.vals = vals

    def row_array(self) -> np.ndarray:
        if self.rows is None:
            return np.arange(self.first_row, self.last_row + 1, dtype=np.int64)
        return self.rows


_SERIES_COLUMNS = (
    hist_chunks.c.dtype,
    hist_chunks.c.row_first,
    hist_chunks.c.row_last,
    hist_chunks.c.rows,
    hist_chunks.c.steps,
    hist_chunks.c.vals,
    hist_chunks.c.step_min,
    hist_chunks.c.step_max,
)


def _numeric_series(conn: sa.Connection, rid: int, key: str, conds: list[Any]) -> _Numeric | None:
    """Read one series for a chart, joining the chunks' packed arrays in one copy each."""
    rows = conn.execute(
        sa.select(*_SERIES_COLUMNS)
        .where(hist_chunks.c.rid == rid, hist_chunks.c.key == key, *conds)
        .order_by(hist_chunks.c.seq)
    ).all()
    if not rows:
        return None
    dtypes = {r.dtype for r in rows}
    if "obj" in dtypes:
        p = chunks.join([chunks.decode(r) for r in rows])
        idx, vals = chunks.numeric(p)
        if not len(idx):
            return None
        return _Numeric(p.rows[idx], int(p.rows[idx][0]), int(p.rows[idx][-1]), p.steps[idx], vals)
    if dtypes == {"f8"}:
        vals = np.frombuffer(b"".join(r.vals for r in rows), dtype="<f8")
    else:
        vals = np.concatenate(
            [np.frombuffer(r.vals, dtype="<f8" if r.dtype == "f8" else "<i8") for r in rows]
        ).astype(np.float64)
    steps = _steps(rows)
    consecutive = all(r.rows is None for r in rows) and all(
        a.row_last + 1 == b.row_first for a, b in zip(rows, rows[1:], strict=False)
    )
    if consecutive:
        row_index = None
    else:
        row_index = np.concatenate(
            [
                np.arange(r.row_first, r.row_last + 1, dtype=np.int64)
                if r.rows is None
                else np.frombuffer(r.rows, dtype="<i8")
                for r in rows
            ]
        )
    return _Numeric(row_index, rows[0].row_first, rows[-1].row_last, steps, vals)


def _steps(rows: list[Any]) -> np.ndarray:
    """The steps of consecutive chunks; chunks with an empty steps blob count up by one."""
    if all(not r.steps for r in rows) and all(
        a.step_max + 1 == b.step_min for a, b in zip(rows, rows[1:], strict=False)
    ):
        return np.arange(rows[0].step_min, rows[-1].step_max + 1, dtype=np.int64)
    return np.concatenate(
        [
            np.frombuffer(r.steps, dtype="<i8")
            if r.steps
            else np.arange(r.step_min, r.step_max + 1, dtype=np.int64)
            for r in rows
        ]
    )


def _align(xs: _Numeric, y: _Numeric) -> tuple[np.ndarray, np.ndarray]:
    """x and y values of the rows both series have."""
    if xs.rows is None and y.rows is None:
        lo, hi = max(xs.first_row, y.first_row), min(xs.last_row, y.last_row)
        if hi < lo:
            return np.empty(0), np.empty(0)
        return (
            xs.vals[lo - xs.first_row : hi - xs.first_row + 1],
            y.vals[lo - y.first_row : hi - y.first_row + 1],
        )
    xrows, yrows = xs.row_array(), y.row_array()
    at = np.searchsorted(xrows, yrows)
    at_c = np.minimum(at, len(xrows) - 1)
    hit = (at < len(xrows)) & (xrows[at_c] == yrows)
    return xs.vals[at_c[hit]], y.vals[hit]


def _empty(key: str, x: str) -> dict[str, Any]:
    return {
        "key": key,
        "x_axis": x,
        "count": 0,
        "bucketed": False,
        "x": [],
        "min": [],
        "max": [],
        "last": [],
        "x_range": None,
    }


def _reduce(key: str, x: str, xv: np.ndarray, yv: np.ndarray, buckets: int) -> dict[str, Any]:
    n = len(xv)
    if n == 0:
        return _empty(key, x)
    lo, hi = float(xv[0]), float(xv[-1])
    if n <= buckets:
        ys = _num_list(yv)
        return {
            "key": key,
            "x_axis": x,
            "count": n,
            "bucketed": False,
            "x": xv.tolist(),
            "min": ys,
            "max": ys,
            "last": ys,
            "x_range": [lo, hi],
        }
    edges = np.linspace(lo, hi, buckets + 1)
    starts = np.searchsorted(xv, edges[:-1], side="left")
    starts[0] = 0
    starts = np.unique(starts)
    starts = starts[starts < n]
    ends = np.append(starts[1:], n)
    with np.errstate(invalid="ignore"):
        mins = np.fmin.reduceat(yv, starts)
        maxs = np.fmax.reduceat(yv, starts)
    return {
        "key": key,
        "x_axis": x,
        "count": n,
        "bucketed": True,
        "x": xv[ends - 1].tolist(),
        "min": _num_list(mins),
        "max": _num_list(maxs),
        "last": _num_list(yv[ends - 1]),
        "x_range": [lo, hi],
    }


# ---- system metrics, console, files ---------------------------------------


def system_series(
    store: Store, run: Any, keys: list[str] | None = None, exact: bool = False
) -> dict[str, Any]:
    """System samples, column-wise: ``{"time": [...], "runtime": [...], "metrics": {key: [...]}}``.

    A metric missing from a sample is None at that position.
    """
    # Time columns are labelled: on a SQLAlchemy Row, ``.t`` is the row's tuple
    # accessor, not the column named t.
    with store.engine.connect() as conn:
        row = _resolve(conn, run)
        samples = conn.execute(
            sa.select(system_samples.c.t.label("time"), system_samples.c.data)
            .where(system_samples.c.rid == row.rid)
            .order_by(system_samples.c.id)
        ).all()
    start = row.created_at or 0.0
    data = [unpack(s.data) for s in samples]
    names = keys if keys is not None else sorted(set().union(*data)) if data else []
    fix = (lambda v: v) if exact else _safe
    return {
        "time": [s.time for s in samples],
        "runtime": [s.time - start for s in samples],
        "metrics": {k: [fix(d.get(k)) for d in data] for k in names},
    }


def logs(
    store: Store, run: Any, offset: int = 0, limit: int | None = None, last: int | None = None
) -> list[dict[str, Any]]:
    """Console lines in order: ``[{"time", "stream", "line"}]``; ``last`` keeps the final N."""
    with store.engine.connect() as conn:
        row = _resolve(conn, run)
        q = sa.select(
            console_lines.c.t.label("time"), console_lines.c.stream, console_lines.c.line
        ).where(console_lines.c.rid == row.rid)
        if last is not None:
            q = q.order_by(console_lines.c.id.desc()).limit(last)
            rows = list(reversed(conn.execute(q).all()))
        else:
            q = q.order_by(console_lines.c.id).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            rows = conn.execute(q).all()
    return [{"time": r.time, "stream": r.stream, "line": r.line} for r in rows]


def files(store: Store, run: Any) -> list[dict[str, Any]]:
    """Files saved with the run: ``[{"name", "size", "policy", "time", "local_path"}]``."""
    with store.engine.connect() as conn:
        row = _resolve(conn, run)
        rows = conn.execute(
            sa.select(
                run_files.c.path,
                run_files.c.size,
                run_files.c.policy,
                run_files.c["t"].label("time"),
            )
            .where(run_files.c.rid == row.rid)
            .order_by(run_files.c.path)
        ).all()
    entity, project, run_id = _path(run)
    base = run_dir(store.root, entity, project, run_id) / "files"
    return [
        {
            "name": r.path,
            "size": r.size,
            "policy": r.policy,
            "time": r.time,
            "local_path": str(base / r.path),
        }
        for r in rows
    ]


# ---- changes ----------------------------------------------------------------


def update_run(
    store: Store,
    entity: str,
    project: str,
    run_id: str,
    *,
    name: Any = _UNSET,
    notes: Any = _UNSET,
    tags: Any = _UNSET,
    group: Any = _UNSET,
    job_type: Any = _UNSET,
    config_set: dict[str, Any] | None = None,
    config_del: list[str] | None = None,
    summary_set: dict[str, Any] | None = None,
    summary_del: list[str] | None = None,
    exact: bool = False,
) -> dict[str, Any]:
    """Change a run: appends INFO/CONFIG/SUMMARY records to its ``edits.rbr``, then syncs.

    Only the arguments given change (``notes=None`` clears the notes). The
    record files stay the source of truth, so a rebuilt store keeps the edit.
    Returns the updated run.
    """
    with store.engine.connect() as conn:
        found = _find(conn, entity, project, run_id)
    if found is None:
        raise RunNotFound(f"no run {entity}/{project}/{run_id}")
    info: dict[str, Any] = {}
    for field, value in (
        ("name", name),
        ("notes", notes),
        ("tags", tags),
        ("group", group),
        ("job_type", job_type),
    ):
        if value is _UNSET:
            continue
        if field == "tags":
            if value is None:
                value = []
            if isinstance(value, str) or not all(isinstance(t, str) for t in value):
                raise ValueError(f"tags must be a list of strings, got {value!r}")
            value = list(dict.fromkeys(value))
        elif value is not None and not isinstance(value, str):
            raise ValueError(f"{field} must be a string or None, got {value!r}")
        info[field] = value
    records: list[tuple[int, Any]] = []
    if info:
        records.append((Kind.INFO, info))
    if config_set or config_del:
        records.append(
            (Kind.CONFIG, {"set": dict(config_set or {}), "del": list(config_del or [])})
        )
    if summary_set or summary_del:
        records.append(
            (Kind.SUMMARY, {"set": dict(summary_set or {}), "del": list(summary_del or [])})
        )
    if records:
        append_records(edits_path(store.root, entity, project, run_id), records)
        store.indexer.sync(edits_for={found.rid})
    result = get_run(store, entity, project, run_id, exact=exact)
    if result is None:
        raise RunNotFound(f"no run {entity}/{project}/{run_id}")
    return result


def delete_runs(store: Store, entity: str, project: str, run_ids: Iterable[str]) -> int:
    """Delete runs: their store rows and their folders (so a rebuild does not bring them back).

    Returns how many runs were deleted.
    """
    ids = [run_ids] if isinstance(run_ids, str) else list(run_ids)
    deleted = 0
    with index_lock(store.root):
        with store.engine.begin() as conn:
            rows = conn.execute(
                sa.select(runs.c.rid, runs.c.run_id).where(
                    runs.c.entity == entity, runs.c.project == project, runs.c.run_id.in_(ids)
                )
            ).all()
            for r in rows:
                folder = run_dir(store.root, entity, project, r.run_id)
                if folder.exists():
                    # Marked first: if removing the folder fails half way, the
                    # DELETE record still keeps the run out of a rebuilt store.
                    append_records(
                        edits_path(store.root, entity, project, r.run_id),
                        [(Kind.DELETE, {"deleted": True})],
                    )
                    shutil.rmtree(folder)
            delete_run_rows(conn, [r.rid for r in rows])
            deleted = len(rows)
            refresh_project(conn, entity, project)
    return deleted


def local_file(store: Store, run: Any, name: str) -> Path:
    """Where a run's saved file lies on disk (it may be missing)."""
    entity, project, run_id = _path(run)
    base = (run_dir(store.root, entity, project, run_id) / "files").resolve()
    path = (base / name).resolve()
    if not path.is_relative_to(base):
        raise ValueError(f"{name!r} is not inside the run's files folder")
    return path
