"""A pass's history rows, in memory, and the series they cut into.

Rows arrive as dicts (one per row, in order) or, for stretches of records with
one layout, as ``HistoryBlock`` columns straight from the reader; a batch keeps
both kinds in order and cuts them into one series per key with the types a
single list of the same values would get (``chunks.classify``). No database
here: the indexer writes the series (``write_history.py``), and a run read
straight from its files (``runbase.store.direct``) reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter
from typing import Any

import numpy as np

from runbase.records.blocks import HistoryBlock, Same
from runbase.records.shapes import ROW_KEYS, key_problem, plain
from runbase.store.db import chunks
from runbase.store.db.chunks import Points

_MISSING = object()
_SCALARS = frozenset((str, int, float, bool, type(None)))
_I8 = np.dtype("<i8")
_F8 = np.dtype("<f8")

# One key's values in a stretch of rows: (row positions, or None for every row of the
# stretch; the values: a list of logged values, an int64/float64 array, or Same).
_Part = tuple[Any, Any]


@dataclass
class Batch:
    """History rows gathered in one pass over a run's new records."""

    first_row: int
    steps: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)
    # (index of the first row of a segment's stretch, that segment's start_time)
    starts: list[tuple[int, float]] = field(default_factory=list)
    # Keys whose values were not all JSON-like: such values became None.
    unplain: set[str] = field(default_factory=set)
    # The rows in order: lists of dict rows and blocks, each a stretch of rows.
    pieces: list[list[dict[str, Any]] | HistoryBlock] = field(default_factory=list)
    _keys: set[Any] | None = None

    @property
    def n(self) -> int:
        """Number of rows."""
        return len(self.steps)

    def segment_rows(
        self, stored_rows: int, start_time: float | None, step: int | None
    ) -> SegmentRows:
        """What turns one segment's records into rows of this batch: ``stored_rows``
        the run has already, ``start_time`` the segment's (if known), ``step`` that of
        the row the last pass left open in this segment (records of it go on with it)."""
        return SegmentRows(self, stored_rows, start_time, step)

    def add_row(self, values: dict[str, Any], step: int, t: float) -> None:
        """A new row (the dict is kept, and later records of the row update it)."""
        last = self.pieces[-1] if self.pieces else None
        if isinstance(last, list):
            last.append(values)
        else:
            self.pieces.append([values])
        self.steps.append(step)
        self.times.append(t)

    def add_block(self, block: HistoryBlock) -> None:
        """New rows, one per record of ``block`` (no two with the same step in a row)."""
        self.pieces.append(block)
        self.steps.extend(block.steps.tolist())
        self.times.extend(block.times.tolist())

    def last_row(self) -> dict[str, Any]:
        """The last row as a dict that later records of it may update."""
        last = self.pieces[-1]
        if isinstance(last, list):
            return last[-1]
        row = last.row(len(last) - 1)
        if len(last) == 1:
            self.pieces.pop()
        else:
            self.pieces[-1] = last.take(slice(0, len(last) - 1))
        self.pieces.append([row])
        return row

    def bad_keys(self) -> set[Any]:
        """Keys of the rows that cannot name a series (``records.shapes.key_problem``).

        Checked here, once per distinct key, rather than per record: a pass
        gathers the keys of all its rows anyway. (Blocks never hold such keys.)
        """
        self._keys = keys = self._all_keys()
        return {k for k in keys if key_problem(k) is not None}

    def _all_keys(self) -> set[Any]:
        keys: set[Any] = set()
        for piece in self.pieces:
            keys.update(piece.keys if isinstance(piece, HistoryBlock) else set().union(*piece))
        return keys

    def drop_keys(self, bad: set[Any]) -> None:
        for piece in self.pieces:
            if isinstance(piece, list):
                for row in piece:
                    for k in bad.intersection(row):
                        del row[k]
        if self._keys is not None:
            self._keys -= bad

    def series(self) -> dict[str, Points]:
        """One series per key, row fields (_step, _timestamp, _runtime) included."""
        n = self.n
        if not n:
            return {}
        rows = np.arange(self.first_row, self.first_row + n, dtype=np.int64)
        steps = np.array(self.steps, dtype=np.int64)
        out = self._row_fields(rows, steps)
        keys = set(self._keys) if self._keys is not None else self._all_keys()
        keys.difference_update(ROW_KEYS)
        parts: dict[str, list[tuple[int, int, _Part]]] = {k: [] for k in keys}
        at = 0
        for piece in self.pieces:
            size = len(piece)
            if isinstance(piece, HistoryBlock):
                cols: dict[str, _Part] = {
                    k: (None, c) for k, c in zip(piece.keys, piece.columns, strict=True)
                }
            else:
                cols = _dict_columns(piece)
            for key, part in cols.items():
                if key in parts:
                    parts[key].append((at, size, part))
            at += size
        for key in sorted(keys):
            out[key] = self._points(key, rows, steps, parts[key])
        return out

    def _row_fields(self, rows: np.ndarray, steps: np.ndarray) -> dict[str, Points]:
        n = self.n
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

    def _points(
        self, key: str, rows: np.ndarray, steps: np.ndarray, parts: list[tuple[int, int, _Part]]
    ) -> Points:
        """The series of one key from its parts, typed as ``chunks.classify`` types a list."""
        where = [_positions(at, size, sel) for at, size, (sel, _) in parts]
        sel = where[0] if len(where) == 1 else np.concatenate(where)
        counts = [len(w) for w in where]
        dtype, vals = _join_values(
            [(c, values) for c, (_, _, (_, values)) in zip(counts, parts, strict=True)]
        )
        if dtype == "obj":
            # Lists and dicts must be JSON-like all the way down (str keys, plain values),
            # or a chart or runs page showing them could not be encoded.
            for i, v in enumerate(vals):
                if type(v) not in _SCALARS and not plain(v):
                    vals[i] = None
                    self.unplain.add(key)
        full = len(sel) == len(rows)
        return Points(dtype, rows if full else rows[sel], steps if full else steps[sel], vals)


# ``SegmentRows.cur`` when the open row is the last record of a block (made a dict on demand).
_IN_BLOCK: dict[str, Any] = {}


class SegmentRows:
    """Consecutive HISTORY records of one segment into rows: records with the same
    step as the row before them update it (``commit=False``, ``step=``)."""

    def __init__(
        self, batch: Batch, stored_rows: int, start_time: float | None, step: int | None
    ) -> None:
        self.batch = batch
        self.stored_rows = stored_rows  # rows the store holds already
        self.start_time = start_time
        self.cur: dict[str, Any] | None = None  # the open row of this pass
        self.step = step  # its step (at first: the step of the last pass's open row)

    def record(self, step: int, vals: dict[str, Any], t: float) -> None:
        batch = self.batch
        if self.cur is not None and step == self.step:
            if self.cur is _IN_BLOCK:
                self.cur = batch.last_row()
            self.cur.update(vals)
            batch.times[-1] = t
            return
        self._new_row(step, t)
        self.cur = vals
        batch.add_row(vals, step, t)

    def block(self, block: HistoryBlock) -> None:
        batch = self.batch
        steps = block.steps
        i = 0
        if self.cur is not None:
            # Records that go on with the open row update it.
            while i < len(block) and int(steps[i]) == self.step:
                if self.cur is _IN_BLOCK:
                    self.cur = batch.last_row()
                self.cur.update(block.row(i))
                batch.times[-1] = float(block.times[i])
                i += 1
            if i == len(block):
                return
        self._new_row(int(steps[i]), float(block.times[i]))
        rest = block.take(slice(i, None)) if i else block
        if len(rest) > 1:
            # A row is its last record when its records hold the same keys.
            keep = np.append(rest.steps[1:] != rest.steps[:-1], True)
            if not keep.all():
                rest = rest.take(np.flatnonzero(keep))
        batch.add_block(rest)
        self.cur = _IN_BLOCK
        self.step = int(rest.steps[-1])

    def _new_row(self, step: int, t: float) -> None:
        """Bookkeeping before a record starts a new row at ``t``."""
        batch = self.batch
        if self.cur is None and step == self.step and not batch.n and self.stored_rows:
            # Same step as the row the last pass ended on: that row goes on.
            batch.first_row = self.stored_rows - 1
        self.step = step
        if self.start_time is None:
            self.start_time = t
            batch.starts[-1] = (batch.starts[-1][0], t)


def _positions(at: int, size: int, sel: Any) -> np.ndarray:
    if sel is None:
        return np.arange(at, at + size, dtype=np.int64)
    return sel + at


def _types(values: Any) -> set[type]:
    if isinstance(values, Same):
        return {type(values.value)}
    if isinstance(values, np.ndarray):
        return {float if values.dtype == _F8 else int}
    return set(map(type, values))


def _join_values(parts: list[tuple[int, Any]]) -> tuple[str, Any]:
    """(dtype, values) of a key's parts (count, values) in order, as
    ``chunks.classify`` would give for one list of all the values."""
    if len(parts) == 1 and isinstance(parts[0][1], list):
        return chunks.classify(parts[0][1])
    types = set().union(*(_types(v) for _, v in parts))
    if types <= {float, int}:
        dtype = _I8 if types == {int} else _F8
        try:
            arrays = [_as_array(count, v, dtype) for count, v in parts]
        except OverflowError:
            pass  # an int beyond int64 (or float64): kept as logged
        else:
            return ("i8" if dtype is _I8 else "f8"), (
                arrays[0] if len(arrays) == 1 else np.concatenate(arrays)
            )
    return "obj", list(chain.from_iterable(_as_list(count, v) for count, v in parts))


def _as_array(count: int, values: Any, dtype: np.dtype) -> np.ndarray:
    if isinstance(values, np.ndarray):
        return values if values.dtype == dtype else values.astype(dtype)
    if isinstance(values, Same):
        return np.full(count, values.value, dtype=dtype)
    return np.array(values, dtype=dtype)


def _as_list(count: int, values: Any) -> list[Any]:
    if isinstance(values, np.ndarray):
        return values.tolist()
    if isinstance(values, Same):
        return [values.value] * count
    return values


def _dict_columns(rows: list[dict[str, Any]]) -> dict[str, _Part]:
    """Each key's (positions or None, values) in a stretch of dict rows."""
    keys = set().union(*rows)
    total = sum(map(len, rows))
    if keys and total == len(keys) * len(rows):
        return _full_columns(rows, sorted(keys, key=repr))
    if len(keys) * len(rows) <= 4 * total:
        return _dense_columns(rows, keys)
    return _sparse_columns(rows)


def _full_columns(rows: list[dict[str, Any]], ordered: list[str]) -> dict[str, _Part]:
    """Every row has every key (the usual training loop): transpose in C."""
    if len(ordered) == 1:
        return {ordered[0]: (None, [d[ordered[0]] for d in rows])}
    columns = zip(*map(itemgetter(*ordered), rows), strict=True)
    return {k: (None, list(col)) for k, col in zip(ordered, columns, strict=True)}


def _dense_columns(rows: list[dict[str, Any]], keys: set[str]) -> dict[str, _Part]:
    """Dense enough: one pass over all rows per key is cheapest."""
    out: dict[str, _Part] = {}
    for key in keys:
        col = [d.get(key, _MISSING) for d in rows]
        if col.count(_MISSING):
            idx = [i for i, v in enumerate(col) if v is not _MISSING]
            out[key] = (np.array(idx, dtype=np.int64), [col[i] for i in idx])
        else:
            out[key] = (None, col)
    return out


def _sparse_columns(rows: list[dict[str, Any]]) -> dict[str, _Part]:
    """Sparse: many keys, each in few rows."""
    cols: dict[str, tuple[list[int], list[Any]]] = {}
    for i, d in enumerate(rows):
        for key, value in d.items():
            entry = cols.get(key)
            if entry is None:
                entry = cols[key] = ([], [])
            entry[0].append(i)
            entry[1].append(value)
    return {k: (np.array(idx, dtype=np.int64), vals) for k, (idx, vals) in cols.items()}


def stats_of(p: Points) -> dict[str, Any]:
    """count, numeric count, min/max (NaN ignored), first, last and last row of a series."""
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
