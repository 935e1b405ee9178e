"""Reading a run's console lines a page at a time, filtered in SQL.

A run's lines are numbered from 0 in the order they were printed (``id``
order within the run, read through ``ix_console_lines_rid``). ``search`` is a
case-insensitive substring: ``ILIKE`` on PostgreSQL (case folded as the
database's locale does); on SQLite ``LIKE`` (which ignores the case of ASCII
letters) for an ASCII needle, else ``runbase_lower`` (Python's ``str.lower``,
installed on every connection by ``db/engine.py``), as SQLite's own ``lower()``
folds ASCII letters only.

Re-exported by ``runbase.store.queries``; call them from there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from runbase.store.db.schema import console_lines
from runbase.store.queries.results import LogLine, LogPage
from runbase.store.queries.runref import RunRef, resolve_run

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store

_ID = console_lines.c.id
_COLUMNS = (_ID, console_lines.c.t.label("time"), console_lines.c.stream, console_lines.c.line)


def logs(
    store: Store,
    run: RunRef,
    offset: int = 0,
    limit: int | None = None,
    last: int | None = None,
    search: str | None = None,
    stream: str | None = None,
) -> list[LogLine]:
    """Console lines in order that contain ``search`` (any case) and come from
    ``stream`` (``stdout``/``stderr``): from the ``offset``-th of them on, at
    most ``limit``; or, with ``last``, the final ``last`` of them."""
    with store.engine.connect() as conn:
        rid = resolve_run(conn, run).rid
        q = sa.select(*_COLUMNS).where(console_lines.c.rid == rid, *_filters(conn, search, stream))
        if last is not None:
            return _page(conn, q, None, last)
        return _page(conn, q, offset, limit)


def log_page(
    store: Store,
    run: RunRef,
    start: int = 0,
    offset: int | None = None,
    limit: int | None = None,
    search: str | None = None,
    stream: str | None = None,
) -> LogPage:
    """The lines from line ``start`` on (counting every line) as they are now:
    ``end`` is the line count, ``matched`` how many of them pass ``search`` and
    ``stream``, ``lines`` those from the ``offset``-th match on (at most ``limit``),
    or without ``offset`` the last ``limit`` matches."""
    with store.engine.connect() as conn:
        mine = console_lines.c.rid == resolve_run(conn, run).rid
        first = conn.execute(
            sa.select(_ID).where(mine).order_by(_ID).offset(max(start, 0)).limit(1)
        ).scalar()
        if first is None:
            return LogPage(start, start, 0, [])
        # Lines printed while this runs get higher ids: fixing the last id now keeps
        # the count, the matches and the page one consistent set of lines.
        count, last_id = conn.execute(
            sa.select(sa.func.count(), sa.func.max(_ID)).where(mine, _ID >= first)
        ).one()
        span = (mine, _ID >= first, _ID <= last_id, *_filters(conn, search, stream))
        matched = count
        if len(span) > 3:
            matched = conn.execute(sa.select(sa.func.count()).where(*span)).scalar_one()
        lines = _page(conn, sa.select(*_COLUMNS).where(*span), offset, limit)
    return LogPage(start, start + count, matched, lines)


def log_pages(store: Store, run: RunRef, page_size: int = 10_000) -> Iterator[list[LogLine]]:
    """Every console line in order, as pages of ``page_size`` lines: each page is
    read after the last id seen (no offset to count past), and no connection is
    held between pages."""
    with store.engine.connect() as conn:
        mine = console_lines.c.rid == resolve_run(conn, run).rid
    after: int | None = None
    while True:
        q = sa.select(*_COLUMNS).where(mine).order_by(_ID).limit(page_size)
        if after is not None:
            q = q.where(_ID > after)
        with store.engine.connect() as conn:
            rows = conn.execute(q).all()
        if rows:
            yield _lines(rows)
        if len(rows) < page_size:
            return
        after = rows[-1].id


def _filters(conn: sa.Connection, search: str | None, stream: str | None) -> list[Any]:
    conds: list[Any] = []
    if stream is not None:
        conds.append(console_lines.c.stream == stream)
    if search:
        line = console_lines.c.line
        if conn.dialect.name != "sqlite":
            conds.append(line.icontains(search, autoescape=True))  # ILIKE
        elif search.isascii():
            # SQLite's LIKE ignores the case of ASCII letters already: no lower() per
            # line (which took half of a search's time).
            conds.append(line.contains(search, autoescape=True))
        else:
            conds.append(sa.func.instr(sa.func.runbase_lower(line), search.lower()) > 0)
    return conds


def _page(
    conn: sa.Connection, q: sa.Select[Any], offset: int | None, limit: int | None
) -> list[LogLine]:
    """The rows of ``q`` in id order from ``offset`` (at most ``limit``); without
    ``offset``, its last ``limit`` rows."""
    rows: Sequence[Any]
    if offset is None:
        q = q.order_by(_ID.desc())
        if limit is not None:
            q = q.limit(limit)
        rows = list(reversed(conn.execute(q).all()))
    else:
        q = q.order_by(_ID).offset(max(offset, 0))
        if limit is not None:
            q = q.limit(limit)
        rows = conn.execute(q).all()
    return _lines(rows)


def _lines(rows: Sequence[Any]) -> list[LogLine]:
    return [LogLine(r.time, r.stream, r.line) for r in rows]
