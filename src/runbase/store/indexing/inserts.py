"""Rows to insert (and updates), gathered over many runs and written in one statement per
table.

A pass folds each run once per transaction, so rows for a run never need to be
read back before the transaction ends; batching them saves a statement per
table per run, which is most of the cost of indexing many small runs.

The rows go to the driver as they are (no SQLAlchemy parameter processing: the
values already have the column's Python type): one ``executemany`` on SQLite,
and on PostgreSQL a binary ``COPY`` once there are enough of them (a long run's
history chunks: several times faster than INSERT statements).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from runbase.store.db.keyed import delete_keyed

# Fewer rows than this go to PostgreSQL as INSERTs (a COPY costs a round trip more).
COPY_FROM = 64
_PG_TYPES = {
    sa.Integer: "int4",
    sa.BigInteger: "int8",
    sa.Double: "float8",
    sa.String: "text",
    sa.Text: "text",
    sa.LargeBinary: "bytea",
    sa.Boolean: "bool",
}


class Inserts:
    """Pending INSERT rows per table."""

    def __init__(self) -> None:
        self._rows: dict[sa.Table, list[dict[str, Any]]] = {}
        # Statements whose parameters are sent together at the flush (one executemany,
        # pipelined by psycopg), such as each run's UPDATE of its row.
        self._later: dict[sa.Executable, list[dict[str, Any]]] = {}
        # Rows to delete before the inserts, by table and the columns that name them.
        self._deletes: dict[tuple[sa.Table, tuple[str, ...]], list[tuple[Any, ...]]] = {}

    def delete(
        self, table: sa.Table, columns: tuple[str, ...], keys: Iterable[tuple[Any, ...]]
    ) -> None:
        """Delete the rows of ``table`` whose ``columns`` hold one of ``keys``, at the
        flush, before any insert: rows a pass rewrites go in one statement for all the
        pass's runs instead of one per run (nothing reads them back before the flush)."""
        self._deletes.setdefault((table, columns), []).extend(keys)

    def later(self, statement: sa.Executable, params: dict[str, Any]) -> None:
        """Run ``statement`` with ``params`` at the flush, with the others given for it
        (each call's parameters must have the same keys)."""
        self._later.setdefault(statement, []).append(params)

    def add(self, table: sa.Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._rows.setdefault(table, []).extend(rows)

    def flush(self, conn: sa.Connection) -> None:
        """Write everything gathered so far."""
        for (table, columns), keys in self._deletes.items():
            delete_keyed(conn, table, columns, sorted(set(keys)))
        self._deletes = {}
        for table, rows in self._rows.items():
            if rows:
                _insert(conn, table, rows)
        self._rows = {}
        for statement, params in self._later.items():
            conn.execute(statement, params)
        self._later = {}


def _insert(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> None:
    names = list(rows[0])
    if any(len(r) != len(names) for r in rows):
        conn.execute(sa.insert(table), rows)  # rows with different columns: let SQLAlchemy
        return
    columns = ", ".join(f'"{n}"' for n in names)
    if conn.dialect.name == "postgresql":
        if len(rows) >= COPY_FROM and all(type(table.c[n].type) in _PG_TYPES for n in names):
            _copy(conn, table, names, columns, rows)
            return
        marks = ", ".join(f"%({n})s" for n in names)
    else:
        marks = ", ".join(f":{n}" for n in names)
    conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})', rows)


def _copy(
    conn: sa.Connection, table: sa.Table, names: list[str], columns: str, rows: list[dict[str, Any]]
) -> None:
    types = [_PG_TYPES[type(table.c[n].type)] for n in names]
    statement = f'COPY "{table.name}" ({columns}) FROM STDIN (FORMAT BINARY)'
    dbapi = conn.connection.dbapi_connection
    assert dbapi is not None
    cursor = dbapi.cursor()
    try:
        with cursor.copy(statement) as copy:
            copy.set_types(types)
            for row in rows:
                copy.write_row([row[n] for n in names])
    except conn.dialect.loaded_dbapi.Error as e:
        # As SQLAlchemy would raise it: callers tell a full disk or a lost server
        # (OperationalError) from a row the database refuses.
        raise sa.exc.DBAPIError.instance(
            statement, None, e, conn.dialect.loaded_dbapi.Error, dialect=conn.dialect
        ) from e
    finally:
        cursor.close()
