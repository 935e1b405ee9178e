"""Bringing a store's schema to the newest migration, from code (no alembic.ini).

Opening a store that is already current is the common case (every ``Api()``,
every ``runbase ui``), so it is decided by one query of ``alembic_version``
against ``HEAD``. A new, empty database gets ``schema.py``'s tables directly and
is stamped ``HEAD`` (the migrations build exactly that schema: a test compares
the two). Alembic (a tenth of a second to import) loads only when a store has to
be migrated or judged.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

from runbase.errors import StoreError
from runbase.store.db.access import Blocked
from runbase.store.db.schema import metadata

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"
# The newest migration in migrations/versions (tests/store/test_store_schema.py checks
# it against Alembic's own answer, so a new migration cannot forget to move it).
HEAD = "0014_runs_by_name"
# Any constant works: it names the lock two PostgreSQL migrators take in turn.
_PG_LOCK_ID = 0x72756E62


def alembic_config(connection: sa.Connection | None = None) -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The newest migration in the package, as Alembic reads it."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: sa.Engine) -> str | None:
    """The migration a database is at (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _is_current(engine: sa.Engine) -> bool:
    """True when the database is at ``HEAD``: one query, no Alembic."""
    try:
        with engine.connect() as conn:
            versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
    except sa.exc.DBAPIError:
        return False  # no such table (a new database), or one Alembic must judge
    return [v for (v,) in versions] == [HEAD]


def _known_revision(engine: sa.Engine, where: str) -> str | None:
    """The database's revision; StoreError when it is not a runbase store, or a newer one."""
    revision = current_revision(engine)
    if revision is None:
        # An alembic_version table alone: a store downgraded to nothing, still ours.
        tables = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
        if tables:
            raise StoreError(
                f"the database {where} holds tables ({', '.join(sorted(tables)[:3])}, ...) "
                "but is not a runbase store: point runbase at its own store (a new file "
                "or database)"
            )
        return None
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(alembic_config())
    if revision not in {s.revision for s in scripts.walk_revisions()}:
        raise StoreError(
            f"the store {where} was written by a newer runbase (schema {revision}): "
            "upgrade runbase (pip install -U runbase) to open it"
        )
    return revision


def require_current(engine: sa.Engine, where: str, blocked: Blocked) -> None:
    """StoreError unless the schema is the newest: a store that cannot be written
    cannot be migrated either."""
    if _is_current(engine):
        return
    if _known_revision(engine, where) != head_revision():
        raise StoreError(
            f"the store {where} must be set up or upgraded for this runbase before it can "
            f"be read, and it cannot be written ({blocked.why}). To upgrade it, "
            f"{blocked.fix}, then open it again"
        )


def migrate(engine: sa.Engine, where: str = "the store", alembic: bool = False) -> None:
    """Apply every migration the database lacks (``alembic``: even to an empty one,
    which otherwise gets the schema directly). Callers hold the index lock."""
    if _is_current(engine) or (not alembic and _create_if_empty(engine)):
        return
    if _known_revision(engine, where) == head_revision():
        return
    from alembic import command

    with engine.begin() as conn:
        _lock_ddl(conn)
        command.upgrade(alembic_config(conn), "head")


def _lock_ddl(conn: sa.Connection) -> None:
    if conn.dialect.name == "postgresql":
        # Several servers may open one database at once; DDL must run once.
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_ID})


# Alembic's own table, as Alembic makes it.
_VERSION = sa.Table(
    "alembic_version",
    sa.MetaData(),
    sa.Column("version_num", sa.String(32), nullable=False),
    sa.PrimaryKeyConstraint("version_num", name="alembic_version_pkc"),
)


def _create_if_empty(engine: sa.Engine) -> bool:
    """Create the newest schema in a database that has no tables; False if it has some."""
    with engine.begin() as conn:
        _lock_ddl(conn)
        if sa.inspect(conn).get_table_names():
            return False
        metadata.create_all(conn)
        _VERSION.create(conn)
        conn.execute(_VERSION.insert().values(version_num=HEAD))
    return True


def _new_revision(message: str) -> None:
    """Write a new migration script from the difference between schema.py and a scratch DB."""
    import tempfile

    from alembic import command

    from runbase.store.db.engine import make_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/scratch.db")
        migrate(engine)
        with engine.begin() as conn:
            n = len(list((MIGRATIONS / "versions").glob("*.py"))) + 1
            command.revision(
                alembic_config(conn), message=message, autogenerate=True, rev_id=f"{n:04d}"
            )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "revision":
        _new_revision(sys.argv[2])
    else:
        sys.exit("usage: python -m runbase.store.db.migrate revision MESSAGE")
