"""History series as chunks of packed arrays.

A series is the points of one key in one run: (row, step, value), in row order.
It is stored as chunks of at most ``CAPACITY`` points. Numbers are packed as
little-endian float64 or int64 arrays; anything else (strings, None, lists,
bools, ints too large for int64) turns the chunk into a msgpack list, so every
value round-trips. Each chunk records its row and step range and the min/max of
its numeric values, which lets a chart read only the chunks a zoom needs.

Chunk boundaries depend only on the sequence of points (each chunk is filled to
``CAPACITY`` before the next starts), so indexing a run in one pass or in many
small ones gives the same chunks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from runbase.store.db.values import pack, unpack

CAPACITY = 1024
_F8 = np.dtype("<f8")
_I8 = np.dtype("<i8")


@dataclass(slots=True)
class Points:
    """Points of one series, in row order. ``vals`` is an ndarray, or a list for "obj"."""

    dtype: str
    rows: np.ndarray
    steps: np.ndarray
    vals: Any

    def __len__(self) -> int:
        return len(self.rows)


def classify(values: list[Any]) -> tuple[str, Any]:
    """Pick the storage type of a list of logged values and convert them."""
    types = set(map(type, values))
    if types <= {float, int} and types:
        try:
            arr = np.array(values, dtype=_I8 if types == {int} else _F8)
        except OverflowError:
            return "obj", list(values)
        return ("i8" if types == {int} else "f8"), arr
    return "obj", list(values)


def _as(dtype: str, p: Points) -> Any:
    if p.dtype == dtype:
        return p.vals
    if dtype == "obj":
        return p.vals.tolist()
    return np.asarray(p.vals, dtype=_F8)  # i8 -> f8


def concat(a: Points, b: Points) -> Points:
    """``a`` followed by ``b``; when ``b`` starts on ``a``'s last row it replaces that point."""
    if len(a) and len(b) and a.rows[-1] == b.rows[0]:
        a = Points(a.dtype, a.rows[:-1], a.steps[:-1], a.vals[:-1])
    if a.dtype == b.dtype:
        dtype = a.dtype
    elif "obj" in (a.dtype, b.dtype):
        dtype = "obj"
    else:
        dtype = "f8"
    va, vb = _as(dtype, a), _as(dtype, b)
    vals = va + vb if dtype == "obj" else np.concatenate([va, vb])
    return Points(dtype, np.concatenate([a.rows, b.rows]), np.concatenate([a.steps, b.steps]), vals)


def numeric(p: Points) -> tuple[np.ndarray, np.ndarray]:
    """(indices, float64 values) of the numeric points (bools and strings left out)."""
    if p.dtype != "obj":
        return np.arange(len(p)), np.asarray(p.vals, dtype=_F8)
    idx = [
        i for i, v in enumerate(p.vals) if isinstance(v, int | float) and not isinstance(v, bool)
    ]
    vals = np.array([float(p.vals[i]) for i in idx], dtype=_F8)
    return np.array(idx, dtype=np.int64), vals


def bounds(vals: np.ndarray) -> tuple[float | None, float | None]:
    """(min, max) ignoring NaN; None when there is no non-NaN value."""
    if len(vals) == 0:
        return None, None
    lo, hi = float(np.fmin.reduce(vals)), float(np.fmax.reduce(vals))
    if lo != lo:
        return None, None
    return lo, hi


def _consecutive(steps: np.ndarray) -> bool:
    return int(steps[-1]) - int(steps[0]) == len(steps) - 1 and bool((np.diff(steps) == 1).all())


def encode(p: Points) -> dict[str, Any]:
    """Column values of one chunk row (everything but rid, key, seq)."""
    rows = p.rows
    dense = int(rows[-1]) - int(rows[0]) == len(rows) - 1
    if p.dtype == "obj":
        lo, hi = bounds(numeric(p)[1])
    elif p.dtype == "f8":
        lo, hi = bounds(p.vals)
    else:
        lo, hi = float(p.vals.min()), float(p.vals.max())
    if p.dtype == "obj":
        vals = pack(p.vals)
    else:
        vals = np.ascontiguousarray(p.vals, dtype=_F8 if p.dtype == "f8" else _I8).tobytes()
    return {
        "n": len(rows),
        "row_first": int(rows[0]),
        "row_last": int(rows[-1]),
        "step_min": int(p.steps.min()),
        "step_max": int(p.steps.max()),
        "vmin": lo,
        "vmax": hi,
        "dtype": p.dtype,
        "rows": None if dense else rows.astype(_I8).tobytes(),
        # Empty when the steps are exactly step_min, step_min+1, ..., step_max (the usual
        # case): a chart then reads half the bytes.
        "steps": b"" if _consecutive(p.steps) else p.steps.astype(_I8).tobytes(),
        "vals": vals,
    }


def encode_all(p: Points) -> list[dict[str, Any]]:
    """``encode`` of each of ``split(p, CAPACITY)``, computed for all chunks at once."""
    if p.dtype == "obj" or not len(p):
        return [encode(part) for part in split(p, CAPACITY)]
    n = len(p)
    starts = np.arange(0, n, CAPACITY)
    lasts = np.minimum(starts + CAPACITY, n) - 1
    rows, steps = p.rows, p.steps
    sizes = (lasts - starts + 1).tolist()
    row_first, row_last = rows[starts].tolist(), rows[lasts].tolist()
    step_min = np.minimum.reduceat(steps, starts).tolist()
    step_max = np.maximum.reduceat(steps, starts).tolist()
    # Steps one apart within a chunk: every difference is +1 (as int64, so compared
    # below with the exact span too: a wrapped difference cannot pass both).
    ones = np.concatenate([[0], np.cumsum(np.diff(steps) == 1)])
    all_ones = ((ones[lasts] - ones[starts]) == lasts - starts).tolist()
    step_first, step_last = steps[starts].tolist(), steps[lasts].tolist()
    vals = p.vals
    if p.dtype == "f8":
        lo, hi = np.fmin.reduceat(vals, starts), np.fmax.reduceat(vals, starts)
        vmin = [None if v != v else v for v in lo.tolist()]  # all NaN: no bounds
        vmax = [None if v != v else v for v in hi.tolist()]
        packed = np.ascontiguousarray(vals, dtype=_F8)
    else:
        vmin = np.minimum.reduceat(vals, starts).astype(_F8).tolist()
        vmax = np.maximum.reduceat(vals, starts).astype(_F8).tolist()
        packed = np.ascontiguousarray(vals, dtype=_I8)
    out = []
    for i, (a, size) in enumerate(zip(starts.tolist(), sizes, strict=True)):
        b = a + size
        dense = row_last[i] - row_first[i] == size - 1
        out.append(
            {
                "n": size,
                "row_first": row_first[i],
                "row_last": row_last[i],
                "step_min": step_min[i],
                "step_max": step_max[i],
                "vmin": vmin[i],
                "vmax": vmax[i],
                "dtype": p.dtype,
                "rows": None if dense else rows[a:b].astype(_I8).tobytes(),
                "steps": b""
                if all_ones[i] and step_last[i] - step_first[i] == size - 1
                else steps[a:b].astype(_I8).tobytes(),
                "vals": packed[a:b].tobytes(),
            }
        )
    return out


def decode(row: Any) -> Points:
    """Points of one chunk row (anything with the chunk columns as attributes)."""
    if row.rows is None:
        rows = np.arange(row.row_first, row.row_last + 1, dtype=np.int64)
    else:
        rows = np.frombuffer(row.rows, dtype=_I8)
    if row.steps:
        steps = np.frombuffer(row.steps, dtype=_I8)
    else:
        steps = np.arange(row.step_min, row.step_max + 1, dtype=np.int64)
    if row.dtype == "obj":
        vals: Any = unpack(row.vals)
    else:
        vals = np.frombuffer(row.vals, dtype=_F8 if row.dtype == "f8" else _I8)
    return Points(row.dtype, rows, steps, vals)


def join(parts: list[Points]) -> Points:
    """One series from consecutive chunks."""
    if not parts:
        return Points("f8", np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, _F8))
    if len(parts) == 1:
        return parts[0]
    dtypes = {p.dtype for p in parts}
    dtype = dtypes.pop() if len(dtypes) == 1 else ("obj" if "obj" in dtypes else "f8")
    vals_parts = [_as(dtype, p) for p in parts]
    if dtype == "obj":
        vals: Any = [v for part in vals_parts for v in part]
    else:
        vals = np.concatenate(vals_parts)
    return Points(
        dtype,
        np.concatenate([p.rows for p in parts]),
        np.concatenate([p.steps for p in parts]),
        vals,
    )


def split(p: Points, first_capacity: int) -> list[Points]:
    """Cut into chunks: the first holds at most ``first_capacity`` points, the rest CAPACITY."""
    out = []
    start = 0
    cap = first_capacity
    n = len(p)
    while start < n:
        end = min(n, start + cap)
        out.append(Points(p.dtype, p.rows[start:end], p.steps[start:end], p.vals[start:end]))
        start = end
        cap = CAPACITY
    return out
