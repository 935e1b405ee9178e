"""A PostgreSQL store's pooled connections: one that died while idle in the pool
(a database restart, a dropped network link) is replaced before a request uses it."""

from __future__ import annotations

import time

import sqlalchemy as sa
from recordkit import _postgres_url

from runbase.store.db.engine import PING_IDLE_S, make_engine


def test_a_connection_killed_while_idle_in_the_pool_is_replaced() -> None:
    url = _postgres_url()
    engine = make_engine(url)
    admin = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with admin.connect() as conn:
            assert conn.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
        time.sleep(PING_IDLE_S + 0.2)
        with engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar() != pid
    finally:
        engine.dispose()
        admin.dispose()


def test_a_connection_is_pinged_only_after_sitting_idle() -> None:
    url = _postgres_url()
    engine = make_engine(url)
    admin = sa.create_engine(url)

    def last_statement(pid: int) -> str:
        with admin.connect() as conn:
            q = sa.text("SELECT query FROM pg_stat_activity WHERE pid = :p")
            return str(conn.execute(q, {"p": pid}).scalar())

    try:
        with engine.connect() as conn:
            pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            conn.commit()
        assert pid is not None
        with engine.connect():
            pass  # checked out a moment after use: no round trip
        assert last_statement(pid) == "COMMIT"
        time.sleep(PING_IDLE_S + 0.2)
        with engine.connect():
            pass
        assert last_statement(pid) != "COMMIT"  # the ping
    finally:
        engine.dispose()
        admin.dispose()
