"""Opening a store: the database (migrated) plus the folder of record files it indexes."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from runbase.records.layout import runbase_dir
from runbase.store.engine import make_engine, store_url
from runbase.store.indexer import Indexer, SyncReport
from runbase.store.lock import index_lock
from runbase.store.migrate import migrate


class Store:
    """A migrated database and the RUNBASE_DIR whose record files it indexes."""

    def __init__(self, engine: sa.Engine, root: Path) -> None:
        self.engine = engine
        self.root = root
        self.indexer = Indexer(engine, root)

    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    def sync(self, full: bool = False) -> SyncReport:
        """Index new records; cheap when nothing changed. ``full`` re-walks ``runs/``."""
        return self.indexer.sync(full=full)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url_or_path: str | Path | None = None, root: str | Path | None = None) -> Store:
    """Open (creating and migrating as needed) the store.

    ``url_or_path``: a SQLAlchemy URL (``sqlite:///...``, ``postgresql+psycopg://...``),
    a database file, a folder holding record files (its ``store.db`` is used), or
    None for ``RUNBASE_DIR/store.db``. ``root`` is the folder of record files
    (default: that folder, else RUNBASE_DIR).
    """
    base = None
    if url_or_path is not None and "://" not in str(url_or_path):
        path = Path(url_or_path).expanduser()
        if path.is_dir():
            base = path
            url_or_path = path / "store.db"
    records = Path(root).expanduser() if root is not None else (base or runbase_dir())
    engine = make_engine(store_url(url_or_path))
    with index_lock(records):
        migrate(engine)
    return Store(engine, records)
