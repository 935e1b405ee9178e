"""Reading a run's history back as rows (``history()``), optionally only some keys or a sample.

Re-exported by ``runbase.store.queries``; call it from there.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa

from runbase.store.db import chunks
from runbase.store.db.chunks import Points
from runbase.store.db.schema import ROW_KEYS, hist_chunks
from runbase.store.db.values import safe
from runbase.store.queries.results import HistoryRow
from runbase.store.queries.runref import RunRef, resolve_run

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store


def _load(
    conn: sa.Connection, rid: int, keys: Iterable[str] | None, *conds: Any
) -> dict[str, Points]:
    q = sa.select(hist_chunks).where(hist_chunks.c.rid == rid, *conds)
    if keys is not None:
        q = q.where(hist_chunks.c.key.in_(list(keys)))
    parts: dict[str, list[Points]] = {}
    for r in conn.execute(q.order_by(hist_chunks.c.key, hist_chunks.c.seq)):
        parts.setdefault(r.key, []).append(chunks.decode(r))
    return {k: chunks.join(v) for k, v in parts.items()}


def history(
    store: Store,
    run: RunRef,
    keys: list[str] | None = None,
    samples: int | None = None,
    exact: bool = False,
) -> list[HistoryRow]:
    """History rows in order, each with ``_step``, ``_timestamp``, ``_runtime`` and its values.

    With ``keys``, only rows holding every one of them, with ``_step`` and those
    keys. With ``samples``, at most that many rows, evenly spaced, first and
    last included (the same rows every call).
    """
    if isinstance(keys, str):
        keys = [keys]
    with store.engine.connect() as conn:
        row = resolve_run(conn, run)
        wanted = None if keys is None else list(dict.fromkeys(["_step", *keys]))
        series = _load(conn, row.rid, wanted)
    nrows = row.history_rows
    if nrows == 0:
        return []
    mask = np.ones(nrows, dtype=bool)
    if keys is not None:
        for key in keys:
            p = series.get(key)
            if p is None:
                return []
            mask &= present_rows(p, 0, nrows)
    sel = np.nonzero(mask)[0]
    if samples is not None and samples >= 0 and len(sel) > samples:
        if samples == 0:
            sel = sel[:0]
        else:
            pick = np.unique(np.linspace(0, len(sel) - 1, samples).round().astype(np.int64))
            sel = sel[pick]
    return build_rows(series, sel, 0, nrows, exact)


def present_rows(p: Points, base: int, span: int) -> np.ndarray:
    """Which of the rows ``base .. base+span-1`` hold a point of ``p`` (a bool mask)."""
    present = np.zeros(span, dtype=bool)
    rows = p.rows
    inside = (rows >= base) & (rows < base + span)
    present[rows[inside] - base] = True
    return present


def build_rows(
    series: dict[str, Points], sel: np.ndarray, base: int, span: int, exact: bool
) -> list[HistoryRow]:
    """Rows ``sel`` (ascending row numbers within ``base .. base+span-1``), each with
    the values ``series`` holds for it; row fields first, then keys in sorted order.

    Points outside the rows asked for are ignored (a page reads whole chunks).
    """
    pos = np.full(span, -1, dtype=np.int64)
    pos[sel - base] = np.arange(len(sel))
    out: list[HistoryRow] = [{} for _ in range(len(sel))]
    ordered = [k for k in ROW_KEYS if k in series] + sorted(k for k in series if k not in ROW_KEYS)
    fix = (lambda v: v) if exact else safe
    for key in ordered:
        p = series[key]
        rows = p.rows
        inside = (rows >= base) & (rows < base + span)
        idx = np.full(len(rows), -1, dtype=np.int64)
        idx[inside] = pos[rows[inside] - base]
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
