"""The schema comes from the migrations, and the migrations match schema.py."""

from __future__ import annotations

import subprocess
import sys

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from runbase.store import open_store
from runbase.store.db.migrate import HEAD, current_revision, head_revision
from runbase.store.db.schema import metadata


def test_migrations_build_the_schema_in_code(store):
    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_head_names_the_newest_migration():
    assert HEAD == head_revision()


def test_opening_a_current_store_does_not_load_alembic(root, records):
    """Alembic loads to create or migrate a store, not to open a current one."""
    records.finished("r1")
    open_store(root).close()
    code = (
        "import sys; from runbase.store import open_store\n"
        f"store = open_store({str(root)!r}); store.sync()\n"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


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
