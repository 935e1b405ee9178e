"""Turning a pass's history rows into series chunks and per-key statistics.

The indexer collects the rows of one pass as dicts (one per row, in order);
this module cuts them into one series per key, merges each with the tail chunk
already stored, and keeps min/max/last/count of every key up to date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np
import sqlalchemy as sa

from runbase.records.shapes import key_problem, plain
from runbase.store.db import chunks
from runbase.store.db.chunks import Points
from runbase.store.db.schema import ROW_KEYS, hist_chunks, run_keys
from runbase.store.db.values import is_number, pack, unpack
from runbase.store.indexing.inserts import Inserts
from runbase.store.indexing.runstate import exact_mean, exact_sum_add

_MISSING = object()
_SCALARS = frozenset((str, int, float, bool, type(None)))


@dataclass
class Batch:
    """History rows gathered in one pass over a run's new records."""

    first_row: int
    rows: list[dict[str, Any]] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    # (index of the first row of a segment's stretch, that segment's start_time)
    starts: list[tuple[int, float]] = field(default_factory=list)
    # Keys whose values were not all JSON-like: such values became None.
    unplain: set[str] = field(default_factory=set)
    _keys: set[Any] | None = None

    def bad_keys(self) -> set[Any]:
        """Keys of the rows that cannot name a series (``records.shapes.key_problem``).

        Checked here, once per distinct key, rather than per record: a pass
        gathers the keys of all its rows anyway.
        """
        self._keys = keys = set().union(*self.rows)
        return {k for k in keys if key_problem(k) is not None}

    def drop_keys(self, bad: set[Any]) -> None:
        for row in self.rows:
            for k in bad.intersection(row):
                del row[k]
        if self._keys is not None:
            self._keys -= bad

    def series(self) -> dict[str, Points]:
        """One series per key, row fields (_step, _timestamp, _runtime) included."""
        n = len(self.rows)
        if not n:
            return {}
        rows = np.arange(self.first_row, self.first_row + n, dtype=np.int64)
        steps = np.array(self.steps, dtype=np.int64)
        out = self._row_fields(rows, steps)
        keys = set(self._keys) if self._keys is not None else set().union(*self.rows)
        has_row_keys = not keys.isdisjoint(ROW_KEYS)
        keys.difference_update(ROW_KEYS)
        total = sum(map(len, self.rows))
        if keys and not has_row_keys and total == len(keys) * n:
            out.update(self._full_columns(sorted(keys), rows, steps))
        elif len(keys) * n <= 4 * total:
            out.update(self._dense_columns(keys, rows, steps))
        else:
            out.update(self._sparse_columns(keys, rows, steps))
        return out

    def _row_fields(self, rows: np.ndarray, steps: np.ndarray) -> dict[str, Points]:
        n = len(self.rows)
        times = np.array(self.times, dtype=np.float64)
        start = np.empty(n, dtype=np.float64)
        bounds = [i for i, _ in self.starts] + [n]
        for (i, t0), j in zip(self.starts, bounds[1:], strict=True):
            start[i:j] = t0
        return {
            "_step": Points("i8", rows, steps, steps),
            "_timestamp": Points("f8", rows, steps, times),
            "_runtime": Points("f8", rows, steps, times - start),
        }

    def _full_columns(
        self, ordered: list[str], rows: np.ndarray, steps: np.ndarray
    ) -> dict[str, Points]:
        """Every row has every key (the usual training loop): transpose in C."""
        if len(ordered) == 1:
            key = ordered[0]
            return {key: self._points(key, rows, steps, [d[key] for d in self.rows])}
        got = list(map(itemgetter(*ordered), self.rows))
        if set(map(type, chain.from_iterable(got))) == {float}:
            flat = np.fromiter(chain.from_iterable(got), np.float64, len(got) * len(ordered))
            table = flat.reshape(len(got), len(ordered)).T.copy()
            return {key: Points("f8", rows, steps, table[j]) for j, key in enumerate(ordered)}
        return {
            key: self._points(key, rows, steps, list(col))
            for key, col in zip(ordered, zip(*got, strict=True), strict=True)
        }

    def _dense_columns(
        self, keys: set[str], rows: np.ndarray, steps: np.ndarray
    ) -> dict[str, Points]:
        """Dense enough: one pass over all rows per key is cheapest."""
        out = {}
        for key in keys:
            col = [d.get(key, _MISSING) for d in self.rows]
            if col.count(_MISSING):
                idx = [i for i, v in enumerate(col) if v is not _MISSING]
                col = [col[i] for i in idx]
                sel = np.array(idx, dtype=np.int64)
                out[key] = self._points(key, rows[sel], steps[sel], col)
            else:
                out[key] = self._points(key, rows, steps, col)
        return out

    def _sparse_columns(
        self, keys: set[str], rows: np.ndarray, steps: np.ndarray
    ) -> dict[str, Points]:
        """Sparse: many keys, each in few rows."""
        cols: dict[str, tuple[list[int], list[Any]]] = {}
        for i, d in enumerate(self.rows):
            for key, value in d.items():
                entry = cols.get(key)
                if entry is None:
                    entry = cols[key] = ([], [])
                entry[0].append(i)
                entry[1].append(value)
        out = {}
        for key in keys:
            idx, col = cols[key]
            sel = np.array(idx, dtype=np.int64)
            out[key] = self._points(key, rows[sel], steps[sel], col)
        return out

    def _points(self, key: str, rows: np.ndarray, steps: np.ndarray, values: list[Any]) -> Points:
        dtype, vals = chunks.classify(values)
        if dtype == "obj":
            # Lists and dicts must be JSON-like all the way down (str keys, plain values),
            # or a chart or runs page showing them could not be encoded.
            for i, v in enumerate(vals):
                if type(v) not in _SCALARS and not plain(v):
                    vals[i] = None
                    self.unplain.add(key)
        return Points(dtype, rows, steps, vals)


def _stats_of(p: Points) -> dict[str, Any]:
    _, nums = chunks.numeric(p)
    lo, hi = chunks.bounds(nums)
    last = p.vals[-1]
    last = last.item() if hasattr(last, "item") else last
    first = p.vals[0]
    first = first.item() if hasattr(first, "item") else first
    return {
        "count": len(p),
        "numeric_count": len(nums),
        "vmin": lo,
        "vmax": hi,
        "first": first,
        "last": last,
        "last_row": int(p.rows[-1]),
    }


def _load_series(conn: sa.Connection, rid: int, key: str) -> Points:
    rows = conn.execute(
        sa.select(hist_chunks)
        .where(hist_chunks.c.rid == rid, hist_chunks.c.key == key)
        .order_by(hist_chunks.c.seq)
    ).all()
    return chunks.join([chunks.decode(r) for r in rows])


_STORED_KEYS = sa.select(run_keys).where(
    run_keys.c.rid == sa.bindparam("b_rid"),
    run_keys.c.key.in_(sa.bindparam("b_keys", expanding=True)),
)


def write_series(
    conn: sa.Connection,
    rid: int,
    series: dict[str, Points],
    mean_keys: set[str],
    inserts: Inserts,
    fresh: bool,
) -> dict[str, dict[str, Any]]:
    """Append each series to its stored chunks and update the key statistics.

    ``fresh`` says the run has no history stored yet (nothing to read back).
    New rows go to ``inserts``. Returns the statistics of every key in
    ``series`` (for summaries), with ``mean`` filled in for keys in ``mean_keys``.
    """
    if not series:
        return {}
    stored, tails = _stored(conn, rid, list(series), fresh)
    chunk_rows: list[dict[str, Any]] = []
    stat_rows: list[dict[str, Any]] = []
    drop: list[tuple[str, int]] = []
    out: dict[str, dict[str, Any]] = {}
    for key, new in series.items():
        old = stored.get(key)
        tail = tails.get(key)
        replaced = old is not None and old.last_row == int(new.rows[0])
        seq = 0
        merged = new
        if tail is not None and (tail.n < chunks.CAPACITY or replaced):
            merged = chunks.concat(chunks.decode(tail), new)
            seq = tail.seq
            drop.append((key, seq))
        elif old is not None:
            seq = old.chunks
        parts = chunks.split(merged, chunks.CAPACITY)
        for i, part in enumerate(parts):
            chunk_rows.append({"rid": rid, "key": key, "seq": seq + i, **chunks.encode(part)})
        stats, sum_parts = _key_stats(conn, rid, key, new, old, replaced, key in mean_keys)
        stat_rows.append(_stat_row(rid, key, stats, sum_parts, seq + len(parts)))
        out[key] = stats
    _delete_rewritten(conn, rid, drop, list(stored))
    inserts.add(hist_chunks, chunk_rows)
    inserts.add(run_keys, stat_rows)
    return out


def _stored(
    conn: sa.Connection, rid: int, keys: list[str], fresh: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored statistics rows of ``keys``, and each key's last chunk."""
    if fresh:
        return {}, {}
    stored = {r.key: r for r in conn.execute(_STORED_KEYS, {"b_rid": rid, "b_keys": keys})}
    tails = {}
    wanted = [(k, r.chunks - 1) for k, r in stored.items() if r.chunks]
    if wanted:
        for r in conn.execute(
            sa.select(hist_chunks).where(
                hist_chunks.c.rid == rid,
                sa.tuple_(hist_chunks.c.key, hist_chunks.c.seq).in_(wanted),
            )
        ):
            tails[r.key] = r
    return stored, tails


def _key_stats(
    conn: sa.Connection, rid: int, key: str, new: Points, old: Any, replaced: bool, mean: bool
) -> tuple[dict[str, Any], bytes | None]:
    """A key's statistics after ``new``, and its packed exact sum when it needs a mean."""
    if replaced:
        # A value of the last row was overwritten: statistics that counted the
        # old value must be taken again from the whole series.
        full = _load_series(conn, rid, key)
        full = chunks.concat(full, new) if len(full) else new
        stats = _stats_of(full)
        acc_source: Any = full.vals
    else:
        stats = _stats_of(new)
        acc_source = new.vals
        if old is not None:
            stats["count"] += old.count
            stats["numeric_count"] += old.numeric_count
            stats["first"] = unpack(old.first)
            for name, pick in (("vmin", min), ("vmax", max)):
                prev = getattr(old, name)
                if prev is not None:
                    cur = stats[name]
                    stats[name] = prev if cur is None else pick(prev, cur)
    if not mean:
        return stats, None
    acc = _unpack_acc(old.sum_parts) if old is not None and not replaced else None
    if acc is None:
        # First time this key needs a mean: sum everything logged so far.
        acc = {}
        if old is not None and not replaced:
            acc_source = _values(chunks.concat(_load_series(conn, rid, key), new))
    values = acc_source.tolist() if isinstance(acc_source, np.ndarray) else acc_source
    exact_sum_add(acc, values)
    stats["mean"] = exact_mean(acc)
    return stats, _pack_acc(acc)


def _stat_row(
    rid: int, key: str, stats: dict[str, Any], sum_parts: bytes | None, n_chunks: int
) -> dict[str, Any]:
    last = stats["last"]
    return {
        "rid": rid,
        "key": key,
        "count": stats["count"],
        "numeric_count": stats["numeric_count"],
        "vmin": stats["vmin"],
        "vmax": stats["vmax"],
        "first": pack(stats["first"]),
        "last": pack(last),
        "last_num": float(last) if is_number(last) else None,
        "last_row": stats["last_row"],
        "sum_parts": sum_parts,
        "chunks": n_chunks,
    }


def _delete_rewritten(
    conn: sa.Connection, rid: int, drop: list[tuple[str, int]], stored: list[str]
) -> None:
    """Remove the tail chunks that were merged and rewritten, and the old statistics."""
    if drop:
        conn.execute(
            sa.delete(hist_chunks).where(
                hist_chunks.c.rid == rid, sa.tuple_(hist_chunks.c.key, hist_chunks.c.seq).in_(drop)
            )
        )
    if stored:
        conn.execute(sa.delete(run_keys).where(run_keys.c.rid == rid, run_keys.c.key.in_(stored)))


def _values(p: Points) -> Any:
    return p.vals


def _pack_acc(acc: dict[str, int]) -> bytes:
    return pack({k: (format(v, "x") if k == "s" else v) for k, v in acc.items()})


def _unpack_acc(blob: bytes | None) -> dict[str, int] | None:
    if blob is None:
        return None
    raw = unpack(blob)
    return {k: (int(v, 16) if k == "s" else v) for k, v in raw.items()}
