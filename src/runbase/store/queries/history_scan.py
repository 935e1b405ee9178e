"""Reading a run's history a page of rows at a time (``history_page``), for
``Run.scan_history()``: what one page holds stays in memory, however long the run.

A page is a range of row numbers, and it reads only the chunks that overlap
it: per key, the first chunks ending at or after the page's first row, found
by one seek in ``ix_hist_chunks_rows`` (rid, key, row_last, row_first, seq), so
the last page of a long run costs what the first does. The chunks are listed
from the index alone and then read, blobs and all, by (key, seq).

Re-exported by ``runbase.store.queries``; call it from there.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa

from runbase.store.db import chunks
from runbase.store.db.chunks import Points
from runbase.store.db.schema import hist_chunks, run_keys
from runbase.store.queries.history_rows import build_rows, present_rows
from runbase.store.queries.results import HistoryPage
from runbase.store.queries.runref import RunRef, resolve_run

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store

# Keys per UNION ALL statement (SQLite allows 500 terms in one compound SELECT).
# Smaller batches are padded to a power of two so few statement shapes exist.
_BATCH = 128
_I8 = np.dtype("<i8")


def history_page(
    store: Store,
    run: RunRef,
    keys: list[str] | None = None,
    start_row: int = 0,
    limit: int = 1000,
    min_step: int | None = None,
    max_step: int | None = None,
    exact: bool = False,
) -> HistoryPage:
    """The history rows among rows ``start_row .. start_row+limit-1`` that pass the filters.

    With ``keys``, only rows holding every one of them, with only those keys (as
    W&B's ``scan_history``); else every row with ``_step``, ``_timestamp``,
    ``_runtime`` and its values. ``min_step`` (inclusive) and ``max_step``
    (exclusive) keep rows whose step is in that range. Rows that cannot match
    are skipped unread: a page starts no sooner than the next row whose step is
    in range, nor than the next point of each key.
    A page may hold fewer than ``limit`` rows, or none, without being the last:
    read on from ``next_row`` until it is None.
    """
    if limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    need = None if keys is None else list(dict.fromkeys([keys] if isinstance(keys, str) else keys))
    stepped = min_step is not None or max_step is not None
    with store.engine.connect() as conn:
        row = resolve_run(conn, run)
        rid, nrows = row.rid, row.history_rows
        first = _first_row(conn, rid, need, max(start_row, 0), nrows, (min_step, max_step))
        if first is None:
            return HistoryPage([], None)
        # The step of a row is on every point of it: with keys, the first key's.
        step_key = need[0] if need else "_step"
        names = list(need) if need is not None else _keys_from(conn, rid, first)
        if stepped and step_key not in names:
            names.append(step_key)
        end, series = _read_range(conn, rid, names, first, min(first + limit, nrows))
    sel = _selected(
        series, need or [], first, end, step_key if stepped else None, min_step, max_step
    )
    shown = series if need is None else {k: series[k] for k in need if k in series}
    rows = build_rows(shown, sel, first, end - first, exact)
    return HistoryPage(rows, end if end < nrows else None)


def _first_row(
    conn: sa.Connection,
    rid: int,
    keys: list[str] | None,
    start: int,
    nrows: int,
    steps: tuple[int | None, int | None],
) -> int | None:
    """The first row from ``start`` on that may pass the filters; None when none can."""
    if start >= nrows:
        return None
    min_step, max_step = steps
    if min_step is not None or max_step is not None:
        found = _first_in_steps(conn, rid, start, min_step, max_step)
        if found is None:
            return None
        start = found
    if keys:
        heads = _heads(conn, rid, keys, start, 1, with_rows=True)
        if len(heads) < len(keys):
            return None  # a key with no point from here on: no row has them all
        start = max(_first_point(h, start) for hs in heads.values() for h in hs)
    return start if start < nrows else None


def _first_in_steps(
    conn: sa.Connection, rid: int, start: int, min_step: int | None, max_step: int | None
) -> int | None:
    """The first row from ``start`` on whose step is in ``[min_step, max_step)``,
    read from the ``_step`` chunks whose step range reaches it."""
    q = sa.select(hist_chunks).where(
        hist_chunks.c.rid == rid, hist_chunks.c.key == "_step", hist_chunks.c.row_last >= start
    )
    if min_step is not None:
        q = q.where(hist_chunks.c.step_max >= min_step)
    if max_step is not None:
        q = q.where(hist_chunks.c.step_min < max_step)
    while True:
        found = conn.execute(q.order_by(hist_chunks.c.row_last).limit(4)).all()
        for chunk in found:
            p = chunks.decode(chunk)
            ok = p.rows >= start
            if min_step is not None:
                ok &= p.steps >= min_step
            if max_step is not None:
                ok &= p.steps < max_step
            hits = np.flatnonzero(ok)
            if len(hits):
                return int(p.rows[hits[0]])
        if len(found) < 4:
            return None
        q = q.where(hist_chunks.c.row_last > found[-1].row_last)


def _first_point(chunk: Any, start: int) -> int:
    """The first row from ``start`` on where ``chunk`` (which ends there or later) has a point."""
    if chunk.rows is None:  # consecutive rows row_first .. row_last
        return max(start, chunk.row_first)
    rows = np.frombuffer(chunk.rows, dtype=_I8)
    return int(rows[np.searchsorted(rows, start)])


# Statements built once (with parameters): a page runs several, and building
# SQLAlchemy expressions costs more than SQLite answering them.
_KEYS_FROM = sa.select(run_keys.c.key).where(
    run_keys.c.rid == sa.bindparam("rid"), run_keys.c.last_row >= sa.bindparam("first")
)
_CHUNKS = sa.select(hist_chunks).where(
    hist_chunks.c.rid == sa.bindparam("rid"),
    sa.tuple_(hist_chunks.c.key, hist_chunks.c.seq).in_(sa.bindparam("pairs", expanding=True)),
)


def _keys_from(conn: sa.Connection, rid: int, first: int) -> list[str]:
    """The run's history keys that have a point at row ``first`` or later."""
    return list(conn.execute(_KEYS_FROM, {"rid": rid, "first": first}).scalars())


def _read_range(
    conn: sa.Connection, rid: int, names: list[str], first: int, end: int
) -> tuple[int, dict[str, Points]]:
    """The points of ``names`` in rows ``first .. end-1`` (whole chunks), and the
    page's end: sooner than ``end`` when a key's chunks are too small to tell."""
    # Every chunk of a series but its last holds chunks.CAPACITY points, one per
    # row at most, so this many chunks from ``first`` on cover the range.
    n = (end - first - 1) // chunks.CAPACITY + 2
    heads = _heads(conn, rid, names, first, n, with_rows=False)
    for found in heads.values():
        if len(found) == n and found[-1].row_first < end:
            # More of this key may lie before ``end``: the page stops where these end.
            end = min(end, int(found[-1].row_last) + 1)
    wanted = [(h.key, h.seq) for found in heads.values() for h in found if h.row_first < end]
    parts: dict[str, list[Any]] = {}
    for i in range(0, len(wanted), 500):
        for r in conn.execute(_CHUNKS, {"rid": rid, "pairs": wanted[i : i + 500]}):
            parts.setdefault(r.key, []).append(r)
    series = {
        key: chunks.join([chunks.decode(r) for r in sorted(rs, key=lambda r: r.seq)])
        for key, rs in parts.items()
    }
    return end, series


def _heads(
    conn: sa.Connection, rid: int, keys: Iterable[str], first: int, n: int, with_rows: bool
) -> dict[str, list[Any]]:
    """Per key, its first ``n`` chunks ending at row ``first`` or later, in row order
    (keys with none are missing)."""
    keys = list(keys)
    out: dict[str, dict[int, Any]] = {}
    for i in range(0, len(keys), _BATCH):
        batch = keys[i : i + _BATCH]
        size = 1 << (len(batch) - 1).bit_length()
        params: dict[str, Any] = {"rid": rid, "first": first, "n": n}
        params.update({f"k{j}": batch[min(j, len(batch) - 1)] for j in range(size)})
        for r in conn.execute(_heads_query(size, with_rows), params):
            out.setdefault(r.key, {})[r.seq] = r  # padding repeats a key: keep each chunk once
    return {k: sorted(found.values(), key=lambda r: r.row_last) for k, found in out.items()}


@functools.lru_cache(maxsize=32)
def _heads_query(size: int, with_rows: bool) -> sa.CompoundSelect | sa.Select[Any]:
    """One statement asking ``size`` keys (parameters k0, k1, ...) for their first chunks."""
    cols = [hist_chunks.c.key, hist_chunks.c.seq, hist_chunks.c.row_first, hist_chunks.c.row_last]
    if with_rows:
        cols.append(hist_chunks.c.rows)
    parts = []
    for j in range(size):
        q = (
            sa.select(*cols)
            .where(
                hist_chunks.c.rid == sa.bindparam("rid"),
                hist_chunks.c.key == sa.bindparam(f"k{j}"),
                hist_chunks.c.row_last >= sa.bindparam("first"),
            )
            .order_by(hist_chunks.c.row_last)
            .limit(sa.bindparam("n"))
        )
        # A LIMIT inside a compound SELECT needs its own subquery on SQLite.
        parts.append(q.subquery(f"h{j}").select())
    return parts[0] if size == 1 else sa.union_all(*parts)


def _selected(
    series: dict[str, Points],
    keys: list[str],
    first: int,
    end: int,
    step_key: str | None,
    min_step: int | None,
    max_step: int | None,
) -> np.ndarray:
    """Row numbers in ``first .. end-1`` holding every key and, with ``step_key``,
    a step in ``[min_step, max_step)``."""
    span = end - first
    mask = np.ones(span, dtype=bool)
    for key in keys:
        p = series.get(key)
        if p is None:
            return np.empty(0, dtype=np.int64)
        mask &= present_rows(p, first, span)
    if step_key is not None:
        p = series.get(step_key)
        in_range = np.zeros(span, dtype=bool)
        if p is not None:
            inside = (p.rows >= first) & (p.rows < end)
            steps = p.steps[inside]
            ok = np.ones(len(steps), dtype=bool)
            if min_step is not None:
                ok &= steps >= min_step
            if max_step is not None:
                ok &= steps < max_step
            in_range[p.rows[inside][ok] - first] = True
        mask &= in_range
    return np.nonzero(mask)[0] + first
