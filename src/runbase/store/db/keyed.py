"""Statements naming many rows by their keys, with one SQL text whatever the count.

An ``IN`` list of N keys is a new SQL text for each N: SQLAlchemy renders it,
psycopg converts it to PostgreSQL's placeholders and the server parses and plans
it again, for every group of posts the team server stores (a tenth of its CPU
per post went there, and none of those statements could be prepared). On
PostgreSQL the keys go instead as one array per key column (``unnest``, or
``= ANY`` for one column): a single text per statement, converted once and
prepared after a few uses. SQLite has no arrays: it keeps the ``IN`` list, cut
under its limit on a statement's parameters.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg

# Keys one IN list names at most on SQLite (its limit on parameters is 32766).
AT_ONCE = 4000


def any_of(column: sa.ColumnElement[Any], name: str) -> sa.ColumnElement[bool]:
    """``column = ANY(:name)``: ``name`` is bound to a list (PostgreSQL only)."""
    return column == sa.any_(sa.bindparam(name, type_=_array(column.type)))


def _array(of: sa.types.TypeEngine[Any]) -> pg.ARRAY[Any]:
    # Text, not VARCHAR(n): casting to VARCHAR(n)[] would cut a longer value to its
    # first n characters, and a too-long name would match another row.
    return pg.ARRAY(sa.Text() if isinstance(of, sa.String) else of)


def is_pg(conn: sa.Connection) -> bool:
    return conn.dialect.name == "postgresql"


def _columns(table: sa.Table, names: tuple[str, ...]) -> list[sa.Column[Any]]:
    return [table.c[n] for n in names]


@lru_cache(maxsize=64)
def _pg_keys(table: sa.Table, names: tuple[str, ...]) -> tuple[Any, sa.ColumnElement[bool]]:
    """The keys as a derived table of arrays bound to ``k0``, ``k1``..., and the
    condition matching ``table``'s rows to them."""
    cols = _columns(table, names)
    arrays = [sa.bindparam(f"k{i}", type_=_array(c.type)) for i, c in enumerate(cols)]
    keys = (
        sa.func.unnest(*arrays)
        .table_valued(*(f"k{i}" for i in range(len(cols))))
        .render_derived(name="keys")
    )
    on = sa.and_(*(c == keys.c[f"k{i}"] for i, c in enumerate(cols)))
    return keys, on


@lru_cache(maxsize=64)
def _pg_select(table: sa.Table, names: tuple[str, ...], out: tuple[str, ...]) -> sa.Select[Any]:
    keys, on = _pg_keys(table, names)
    return _select(table, out).join(keys, on)


def _select(table: sa.Table, out: tuple[str, ...]) -> sa.Select[Any]:
    return sa.select(*_columns(table, out)) if out else sa.select(table)


@lru_cache(maxsize=64)
def _pg_delete(table: sa.Table, names: tuple[str, ...]) -> sa.Delete:
    keys, on = _pg_keys(table, names)
    return sa.delete(table).where(on)


def _arrays(keys: Sequence[tuple[Any, ...]], width: int) -> dict[str, list[Any]]:
    return {f"k{i}": [k[i] for k in keys] for i in range(width)}


def _in(table: sa.Table, names: tuple[str, ...], keys: Sequence[tuple[Any, ...]]) -> Any:
    cols = _columns(table, names)
    if len(cols) == 1:
        return cols[0].in_([k[0] for k in keys])
    return sa.tuple_(*cols).in_(list(keys))


def select_keyed(
    conn: sa.Connection,
    table: sa.Table,
    names: tuple[str, ...],
    keys: Sequence[tuple[Any, ...]],
    out: tuple[str, ...] = (),
) -> Iterator[Any]:
    """The rows of ``table`` whose columns ``names`` hold one of ``keys`` (distinct:
    PostgreSQL joins them, so a key given twice gives its rows twice): the columns
    ``out``, or all of them."""
    if not keys:
        return
    if is_pg(conn):
        yield from conn.execute(_pg_select(table, names, out), _arrays(keys, len(names)))
        return
    query = _select(table, out)
    for i in range(0, len(keys), AT_ONCE):
        yield from conn.execute(query.where(_in(table, names, keys[i : i + AT_ONCE])))


def delete_keyed(
    conn: sa.Connection, table: sa.Table, names: tuple[str, ...], keys: Sequence[tuple[Any, ...]]
) -> None:
    """Delete the rows of ``table`` whose columns ``names`` hold one of ``keys``."""
    if not keys:
        return
    if is_pg(conn):
        conn.execute(_pg_delete(table, names), _arrays(keys, len(names)))
        return
    for i in range(0, len(keys), AT_ONCE):
        conn.execute(sa.delete(table).where(_in(table, names, keys[i : i + AT_ONCE])))
