"""Reading one chart line (``series()``): a key against an x axis, downsampled to buckets.

Re-exported by ``runbase.store.queries``; call it from there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa

from runbase.store.db import chunks
from runbase.store.db.schema import hist_chunks, runs
from runbase.store.db.values import num_list
from runbase.store.queries.results import Series
from runbase.store.queries.runref import RunRef, resolve_run

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store


def series(
    store: Store,
    run: RunRef,
    key: str,
    x: str = "_step",
    buckets: int = 1000,
    x_min: float | None = None,
    x_max: float | None = None,
) -> Series:
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
        rid = resolve_run(conn, run).rid
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
    return _finish(key, x, xv, yv, buckets, x_min, x_max)


def series_of_runs(
    store: Store, entity: str, project: str, run_ids: list[str], key: str,
    x: str = "_step", buckets: int = 1000,
) -> dict[str, Series]:  # fmt: skip
    """``series()`` of one key for several runs of a project, whole (no x range): the
    chunks of every run in one query instead of two queries per run, so a panel of
    20 runs costs one round trip. Runs not found are absent; the answers equal
    ``series()``'s."""
    if buckets < 1:
        raise ValueError(f"buckets must be at least 1, got {buckets}")
    wanted = [key] if x == "_step" else [key, x]
    with store.engine.connect() as conn:
        rids = {
            r.rid: r.run_id
            for r in conn.execute(
                sa.select(runs.c.rid, runs.c.run_id).where(
                    runs.c.entity == entity,
                    runs.c.project == project,
                    runs.c.run_id.in_(run_ids),
                    runs.c.started == sa.true(),
                )
            )
        }
        if not rids:
            return {}
        found = conn.execute(
            sa.select(hist_chunks.c.rid, hist_chunks.c.key, *_SERIES_COLUMNS)
            .where(hist_chunks.c.rid.in_(list(rids)), hist_chunks.c.key.in_(wanted))
            .order_by(hist_chunks.c.rid, hist_chunks.c.key, hist_chunks.c.seq)
        ).all()
    chunks_of: dict[tuple[int, str], list[Any]] = {}
    for r in found:
        chunks_of.setdefault((r.rid, r.key), []).append(r)
    out = {}
    for rid, run_id in rids.items():
        ys = chunks_of.get((rid, key), [])
        if x == "_step":
            y = _numeric_rows(ys)
            out[run_id] = _empty(key, x) if y is None else _finish(key, x, y.steps, y.vals, buckets)
            continue
        xs = _numeric_rows(chunks_of.get((rid, x), []))
        if xs is None:
            out[run_id] = _empty(key, x)
            continue
        # The y chunks that reach the x series' rows (as series() selects them).
        span = [c for c in ys if c.row_last >= xs.first_row and c.row_first <= xs.last_row]
        y = _numeric_rows(span)
        out[run_id] = _empty(key, x) if y is None else _finish(key, x, *_align(xs, y), buckets)
    return out


def _finish(
    key: str, x: str, xv: np.ndarray, yv: np.ndarray, buckets: int,
    x_min: float | None = None, x_max: float | None = None,
) -> Series:  # fmt: skip
    """The points in the x range, in x order, reduced to buckets."""
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
    return _numeric_rows(rows)


def _numeric_rows(rows: Sequence[Any]) -> _Numeric | None:
    """The numeric points of a series' chunks (in order)."""
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


def _steps(rows: Sequence[Any]) -> np.ndarray:
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


def _empty(key: str, x: str) -> Series:
    return Series(key, x, count=0, bucketed=False, x=[], min=[], max=[], last=[], x_range=None)


def _reduce(key: str, x: str, xv: np.ndarray, yv: np.ndarray, buckets: int) -> Series:
    n = len(xv)
    if n == 0:
        return _empty(key, x)
    lo, hi = float(xv[0]), float(xv[-1])
    if n <= buckets:
        ys = num_list(yv)
        return Series(key, x, n, bucketed=False, x=xv.tolist(), min=ys, max=ys, last=ys,
                      x_range=[lo, hi])  # fmt: skip
    edges = np.linspace(lo, hi, buckets + 1)
    starts = np.searchsorted(xv, edges[:-1], side="left")
    starts[0] = 0
    starts = np.unique(starts)
    starts = starts[starts < n]
    ends = np.append(starts[1:], n)
    with np.errstate(invalid="ignore"):
        mins = np.fmin.reduceat(yv, starts)
        maxs = np.fmax.reduceat(yv, starts)
    return Series(
        key,
        x,
        n,
        bucketed=True,
        x=xv[ends - 1].tolist(),
        min=num_list(mins),
        max=num_list(maxs),
        last=num_list(yv[ends - 1]),
        x_range=[lo, hi],
    )
