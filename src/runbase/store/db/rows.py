"""History rows from a run's series (``chunks.Points`` per key), exact values.

Rows are dicts: ``_step``, ``_timestamp``, ``_runtime``, then the logged keys in
sorted order, each row with the keys it has. Making the dicts is most of the
cost of a history read; when every key has a value in every row (the usual run)
they are made by zipping the columns. (Decoding them from one msgpack buffer
written with NumPy is no faster: the cost is the dicts' entries themselves.)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from runbase.records.shapes import ROW_KEYS
from runbase.store.db.chunks import Points


def history_rows(
    series: dict[str, Points], nrows: int, keys: list[str] | None, samples: int | None
) -> list[dict[str, Any]]:
    """Rows in order from a run's series: ``_step``, ``_timestamp``, ``_runtime`` and the
    logged keys; with ``keys`` only rows holding all of them (with ``_step`` and those
    keys); with ``samples`` at most that many, evenly spaced, first and last included."""
    if isinstance(keys, str):
        keys = [keys]
    if keys is not None:
        wanted = set(keys) | {"_step"}
        series = {k: p for k, p in series.items() if k in wanted}
    if nrows == 0:
        return []
    sel = np.arange(nrows)
    for key in keys or ():
        p = series.get(key)
        rows = p.rows if p is not None else np.empty(0, dtype=np.int64)
        sel = np.intersect1d(sel, rows, assume_unique=True)
    if samples is not None and samples >= 0 and len(sel) > samples:
        pick = np.unique(np.linspace(0, len(sel) - 1, samples).round().astype(np.int64))
        sel = sel[pick] if samples else sel[:0]
    ordered = [k for k in ROW_KEYS if k in series] + sorted(k for k in series if k not in ROW_KEYS)
    columns = [_values(series[k], sel, nrows) for k in ordered]
    if all(c is not None for c in columns):
        # Every key in every row (the usual run).
        lists = [c.tolist() if isinstance(c, np.ndarray) else c for c in columns]
        # Every column has len(sel) values and each row len(ordered): no strict= checks
        # (a fifth of the cost of making the rows).
        return [dict(zip(ordered, vals)) for vals in zip(*lists)]  # noqa: B905
    pos = np.full(nrows, -1, dtype=np.int64)
    pos[sel] = np.arange(len(sel))
    out: list[dict[str, Any]] = [{} for _ in range(len(sel))]
    for key in ordered:
        p = series[key]
        at = pos[p.rows]
        keep = at >= 0
        vals = p.vals[keep].tolist() if p.dtype != "obj" else _kept(p.vals, keep)
        for i, v in zip(at[keep].tolist(), vals, strict=True):
            out[i][key] = v
    return out


def _values(p: Points, sel: np.ndarray, nrows: int) -> Any:
    """The values of ``p`` at the rows ``sel`` (an array, or a list for "obj") when it
    has one at each of them, else None."""
    if len(p) == nrows:  # a point in every row: rows 0..nrows-1
        return p.vals if len(sel) == nrows else _pick(p.vals, sel)
    return None


def _pick(values: Any, sel: np.ndarray) -> Any:
    if isinstance(values, np.ndarray):
        return values[sel]
    return [values[i] for i in sel.tolist()]


def _kept(values: list[Any], keep: np.ndarray) -> list[Any]:
    return [v for v, k in zip(values, keep.tolist(), strict=True) if k]
