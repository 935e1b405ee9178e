"""Sorting, searching and paging a logged table on the server.

A table can hold 100,000 rows or more, which a browser cannot sort or render
whole. The server parses it once (cached per file and hash in the app's LRU
cache), keeps one sort order per column and direction and the cells' search
text, and answers a page of rows: a click on a column header or a keystroke in
the search box costs a few milliseconds, not a re-read of the file.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np

from runbase.store.db.values import safe

# A sort key's rank: numbers, then strings, then media and other cells; NaN last
# but one, and empty cells always last (whatever the direction).
_NUM, _STR, _OTHER, _NAN = 0, 1, 2, 3


def cell_kind(value: Any) -> str:
    """What a cell holds, as the UI draws it: number, string, bool, image, media, other, empty."""
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, dict) and isinstance(value.get("_type"), str):
        return "image" if value["_type"] == "image-file" else "media"
    return "other"


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, bool):
        return (_NUM, float(value))
    if isinstance(value, int | float):
        f = float(value)
        return (_NAN, 0.0) if math.isnan(f) else (_NUM, f)
    if isinstance(value, str):
        return (_STR, value.lower())
    return (_OTHER, cell_text(value))


def cell_text(value: Any) -> str:
    """The text a search matches: the value as shown; a media cell's caption and file name."""
    if value is None:
        return ""
    if isinstance(value, dict):
        parts = [str(value.get(k, "")) for k in ("caption", "path") if value.get(k)]
        return " ".join(parts) if parts else str(value.get("_type", ""))
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class TableView:
    """One parsed table with its cached sort orders and search text (thread-safe)."""

    def __init__(self, columns: list[str], data: list[list[Any]]) -> None:
        width = len(columns)
        # Short rows are padded so every column can be read from every row.
        self.data = [r if len(r) >= width else r + [None] * (width - len(r)) for r in data]
        self.columns = columns
        self.kinds = [self._column_kind(i) for i in range(width)]
        self._lock = threading.Lock()
        self._orders: dict[tuple[int, bool], np.ndarray] = {}
        self._text: dict[int, list[str]] = {}
        self._matches: dict[tuple[str, tuple[tuple[int, str], ...]], np.ndarray] = {}

    def _column_kind(self, col: int) -> str:
        kinds = {cell_kind(r[col]) for r in self.data[:1000]} - {"empty"}
        if not kinds:
            return "empty"
        return kinds.pop() if len(kinds) == 1 else "mixed"

    def column_index(self, name: str) -> int:
        """The column named ``name``; ValueError naming the columns when there is none."""
        try:
            return self.columns.index(name)
        except ValueError:
            raise ValueError(
                f"the table has no column {name!r}; its columns: {', '.join(self.columns)}"
            ) from None

    def order(self, col: int, desc: bool) -> np.ndarray:
        """Row indices sorted by column ``col``; empty cells last either way."""
        with self._lock:
            hit = self._orders.get((col, desc))
        if hit is not None:
            return hit
        keys = [_sort_key(r[col]) for r in self.data]
        filled = [i for i, r in enumerate(self.data) if r[col] is not None]
        empty = [i for i, r in enumerate(self.data) if r[col] is None]
        # sorted() is stable, so equal cells keep the table's order in both directions.
        ranked = sorted(filled, key=keys.__getitem__, reverse=desc)
        if desc:
            # Reversing would put NaN first: keep the ranks' order, numbers high to low.
            ranked.sort(key=lambda i: keys[i][0] == _NAN)
        out = np.array(ranked + empty, dtype=np.int64)
        with self._lock:
            self._orders[(col, desc)] = out
        return out

    def _column_text(self, col: int) -> list[str]:
        with self._lock:
            hit = self._text.get(col)
        if hit is None:
            hit = [cell_text(r[col]).lower() for r in self.data]
            with self._lock:
                self._text[col] = hit
        return hit

    def matches(self, search: str, filters: dict[int, str]) -> np.ndarray:
        """A bool mask of the rows where some cell contains ``search`` and each
        filtered column contains its text (case-insensitive substrings)."""
        key = (search.lower(), tuple(sorted((c, t.lower()) for c, t in filters.items())))
        with self._lock:
            hit = self._matches.get(key)
        if hit is not None:
            return hit
        mask = np.ones(len(self.data), dtype=bool)
        for col, text in key[1]:
            cells = self._column_text(col)
            mask &= np.fromiter((text in c for c in cells), dtype=bool, count=len(cells))
        if key[0]:
            hits = np.zeros(len(self.data), dtype=bool)
            for col in range(len(self.columns)):
                cells = self._column_text(col)
                hits |= np.fromiter((key[0] in c for c in cells), dtype=bool, count=len(cells))
            mask &= hits
        with self._lock:
            if len(self._matches) >= 16:
                self._matches.pop(next(iter(self._matches)))
            self._matches[key] = mask
        return mask

    def page(
        self, sort: int | None, desc: bool, search: str, filters: dict[int, str],
        offset: int, limit: int,
    ) -> tuple[int, list[int]]:  # fmt: skip
        """(rows that match, the indices of rows ``offset .. offset+limit-1`` of them)."""
        rows = self.order(sort, desc) if sort is not None else np.arange(len(self.data))
        if search or filters:
            mask = self.matches(search, filters)
            rows = rows[mask[rows]]
        return len(rows), rows[offset : offset + limit].tolist()


def cell_out(value: Any, file_url: str) -> Any:
    """A cell as the API sends it: a media pointer gains the ``url`` of its file."""
    if isinstance(value, dict):
        out = safe(value)
        path = value.get("path")
        if isinstance(path, str) and isinstance(value.get("_type"), str):
            out["url"] = f"{file_url}/{path}"
        return out
    return safe(value)
