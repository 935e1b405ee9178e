"""The schema comes from the migrations, and the migrations match schema.py."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from runbase.store import open_store
from runbase.store.db.engine import make_engine
from runbase.store.db.migrate import HEAD, current_revision, head_revision, migrate
from runbase.store.db.schema import metadata
from tests.pgscratch import scratch_schema


def test_migrations_build_the_schema_in_code(store):
    # A new store gets schema.py's tables directly (see migrate.py): build one with
    # the migrations instead, in a database of its own.
    with scratch_database(store) as engine:
        migrate(engine, alembic=True)
        assert current_revision(engine) == head_revision()
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), metadata) == []
            assert layout(conn) == layout_of(store.engine)


def test_a_new_store_is_made_without_alembic_at_the_newest_revision(store, root):
    assert current_revision(store.engine) == HEAD
    assert not loads_alembic(f"open_store({str(root / 'new')!r}).close()")


def loads_alembic(code: str) -> bool:
    """Whether ``code`` (after ``from runbase.store import open_store``) imports Alembic."""
    probe = (
        f"import sys; from runbase.store import open_store\n{code}\nprint('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return out.stdout.strip() == "True"


@contextmanager
def scratch_database(store: Any) -> Iterator[sa.Engine]:
    """An empty database of the store's kind."""
    if store.engine.dialect.name == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            engine = make_engine(f"sqlite:///{tmp}/migrated.db")
            yield engine
            engine.dispose()
        return
    with scratch_schema(os.environ["RUNBASE_TEST_POSTGRES_URL"]) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


def layout_of(engine: sa.Engine) -> Any:
    with engine.connect() as conn:
        return layout(conn)


def layout(conn: sa.Connection) -> Any:
    """Every table's columns, keys and indexes as the database reports them."""
    inspector = sa.inspect(conn)
    out = {}
    for table in sorted(inspector.get_table_names()):
        columns = [
            (c["name"], str(c["type"]), c["nullable"], str(c.get("default")))
            for c in inspector.get_columns(table)
        ]
        indexes = sorted(
            (i["name"], tuple(i["column_names"]), i["unique"]) for i in inspector.get_indexes(table)
        )
        out[table] = (
            columns,
            inspector.get_pk_constraint(table),
            sorted(str(u) for u in inspector.get_unique_constraints(table)),
            indexes,
        )
    if conn.dialect.name == "postgresql":
        # How each column's values are stored (compressed or not, inline or not).
        out["storage"] = sorted(
            conn.exec_driver_sql(
                "SELECT c.relname, a.attname, a.attstorage FROM pg_attribute a "
                "JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND a.attnum > 0 AND c.relkind = 'r'"
            ).all()
        )
    if conn.dialect.name == "sqlite":
        # The CREATE statements themselves. A table a migration rebuilt (batch mode)
        # was renamed into place, and SQLite then quotes its name: the same table.
        out["sql"] = sorted(
            re.sub(r'^CREATE TABLE "(\w+)"', r"CREATE TABLE \1", r[0])
            for r in conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL")
        )
    return out


def test_head_names_the_newest_migration():
    assert HEAD == head_revision()


def test_opening_a_current_store_does_not_load_alembic(root, records):
    """Alembic loads to create or migrate a store, not to open a current one."""
    records.finished("r1")
    open_store(root).close()
    assert not loads_alembic(f"store = open_store({str(root)!r}); store.sync()")


def test_sqlite_store_uses_wal_and_a_busy_timeout(sqlite_store, root):
    with sqlite_store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    assert (root / "store.db").exists()


def test_opening_again_keeps_data(root, records):
    records.finished("r1")
    first = open_store(root)
    first.sync()
    first.close()
    second = open_store(str(root / "store.db"), root=root)
    with second.engine.connect() as conn:
        assert conn.execute(sa.text("select count(*) from runs")).scalar() == 1
    assert second.sync().runs == 0


def test_default_store_lives_in_runbase_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("RUNBASE_DIR", str(tmp_path / "home"))
    store = open_store()
    assert store.root == tmp_path / "home"
    assert store.url.endswith(str(tmp_path / "home" / "store.db"))
    store.close()
