"""Making the SQLAlchemy engine for a store URL or path (SQLite or PostgreSQL)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
from sqlalchemy import event

from runbase.errors import StoreError
from runbase.records.layout import runbase_dir
from runbase.store.db.regex import install_sqlite

BUSY_TIMEOUT_MS = 60_000
# A pooled PostgreSQL connection idle this long is pinged before use (``_ping_when_idle``).
PING_IDLE_S = 2.0
# SQLite's page cache per connection, in KiB.
CACHE_KIB = 64 * 1024


def store_url(url_or_path: str | Path | None) -> str:
    """The SQLAlchemy URL for a URL, a path to a database file, or None (the default store)."""
    if url_or_path is None:
        return f"sqlite:///{runbase_dir() / 'store.db'}"
    text = str(url_or_path)
    if "://" in text:
        if text.startswith("postgresql://") or text.startswith("postgres://"):
            # psycopg 3 is the driver we ship; plain URLs would ask for psycopg2.
            text = "postgresql+psycopg://" + text.split("://", 1)[1]
        return text
    return f"sqlite:///{Path(text).expanduser().resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for other databases and in-memory ones)."""
    if not url.startswith("sqlite"):
        return None
    path = sa.engine.make_url(url).database
    return Path(path) if path and path != ":memory:" else None


def make_engine(url: str) -> sa.Engine:
    """An engine with the settings the indexer relies on (WAL, busy timeout)."""
    if url.startswith("sqlite"):
        path = sa.engine.make_url(url).database
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(
            url,
            connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
        )
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    try:
        engine = sa.create_engine(url)
    except ModuleNotFoundError as e:
        if e.name != "psycopg":  # the driver runbase[postgres] installs
            raise
        raise StoreError(
            "a PostgreSQL store needs the psycopg driver: pip install 'runbase[postgres]'"
        ) from None
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: sa.Engine) -> None:
    """Test a pooled connection before use when it sat idle for ``PING_IDLE_S``.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout: a round trip more for
    each of the several connections a request takes, which under load cost a runs
    page as much as two of its queries. A connection that was in use a moment ago
    was alive then; should the database restart in between, the statement that
    finds out fails and SQLAlchemy drops every pooled connection, as a failed
    ping would have."""

    def checkin(_dbapi: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    def checkout(dbapi: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since < PING_IDLE_S:
            return  # just connected, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi)
        except Exception as e:  # the pool connects afresh and tries again
            raise sa.exc.DisconnectionError(str(e)) from e

    event.listen(engine, "checkin", checkin)
    event.listen(engine, "checkout", checkout)


def read_only_engine(path: Path, immutable: bool = False) -> sa.Engine:
    """An engine that only reads the SQLite database at ``path``.

    ``mode=ro`` still needs the ``-shm`` file: SQLite creates it next to the
    database, or uses the one there. When it can do neither (a read-only folder
    without one, a full disk), only ``immutable=1`` opens the file: SQLite then
    takes no locks and ignores ``-wal``, so it is the last resort.
    """
    uri = f"file:{quote(str(path))}?mode=ro" + ("&immutable=1" if immutable else "")

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(
            uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False
        )

    engine = sa.create_engine(f"sqlite:///{path}", creator=connect)
    event.listen(engine, "connect", _sqlite_read_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_read_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin:
    # the module's implicit BEGIN only before DML leaves reads outside any
    # snapshot and breaks DDL in migrations.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # A filter or sort on a key reads the key's rows of every run: at 100,000 runs
    # a few such ranges and ix_runs_listed outgrow SQLite's 2 MiB default, and each
    # request would read them again from the OS (issue 15). Pages are held as used.
    cur.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
    cur.close()
    # SQLite's lower() folds ASCII letters only: a log search for "Ошибка" uses this.
    dbapi_conn.create_function("runbase_lower", 1, _lower, deterministic=True)
    install_sqlite(dbapi_conn)  # $regex in linear time, read-only stores too (db/regex.py)


def _lower(text: Any) -> Any:
    return text.lower() if isinstance(text, str) else text


def _sqlite_connect(dbapi_conn: Any, record: Any) -> None:
    _sqlite_read_connect(dbapi_conn, record)
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN")
