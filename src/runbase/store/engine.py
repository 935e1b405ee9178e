"""Making the SQLAlchemy engine for a store URL or path (SQLite or PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event

from runbase.records.layout import runbase_dir
from runbase.store.regex import install_sqlite

BUSY_TIMEOUT_MS = 60_000


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
    return sa.create_engine(url, pool_pre_ping=True)


def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin:
    # the module's implicit BEGIN only before DML leaves reads outside any
    # snapshot and breaks DDL in migrations.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    install_sqlite(dbapi_conn)  # $regex in linear time (docs: store/regex.py)


def _sqlite_begin(conn: sa.Connection) -> None:
    conn.exec_driver_sql("BEGIN")
