"""Rows to insert, gathered over many runs and written in one executemany per table.

A pass folds each run once per transaction, so rows for a run never need to be
read back before the transaction ends; batching them saves a statement per
table per run, which is most of the cost of indexing many small runs.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa


class Inserts:
    """Pending INSERT rows per table."""

    def __init__(self) -> None:
        self._rows: dict[sa.Table, list[dict[str, Any]]] = {}

    def add(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._rows.setdefault(table, []).extend(rows)

    def flush(self, conn: sa.Connection) -> None:
        """Write everything gathered so far."""
        for table, rows in self._rows.items():
            if rows:
                conn.execute(sa.insert(table), rows)
        self._rows = {}
