"""Opening a store: the database (migrated) plus the folder of record files it indexes.

A store this process cannot write (a read-only ``store.db`` or folder, a full
disk, a database that refuses writes) still opens, read-only, when its schema
is current: reads work and ``sync()`` is skipped with one warning saying why.
Everything else that keeps a store from opening is a one-line ``StoreError``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from runbase.errors import StoreError
from runbase.records.layout import runbase_dir
from runbase.store.db.access import Blocked, blocked_paths, check_readable, unusable, write_problem
from runbase.store.db.engine import make_engine, read_only_engine, sqlite_path, store_url
from runbase.store.db.lock import index_lock
from runbase.store.db.migrate import migrate, require_current
from runbase.store.documents import Documents, FileDocuments
from runbase.store.indexing.indexer import Indexer, SyncReport

log = logging.getLogger("runbase.store")

# After a sync failed to write (a full disk), syncs are skipped this long before the next try.
RETRY_AFTER = 30.0


class Store:
    """A migrated database and the RUNBASE_DIR whose record files it indexes.

    ``blocked``: why the store was opened read-only (None when it can be written).
    """

    def __init__(self, engine: sa.Engine, root: Path, blocked: Blocked | None = None) -> None:
        self.engine = engine
        self.root = root
        self.indexer = Indexer(engine, root)
        # Saved views and reports: files beside the database; the team server keeps
        # them in the database instead (``DbDocuments``).
        self.documents: Documents = FileDocuments(root)
        self.retry_after = RETRY_AFTER
        self._blocked = blocked
        # A sync that failed writing: skipped until _retry_at, then tried again.
        self._failed: Blocked | None = None
        self._retry_at = 0.0
        self._warned = False

    @property
    def url(self) -> str:
        """The database URL (password hidden)."""
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def where(self) -> str:
        """The database file, or the URL of a database server."""
        path = sqlite_path(self.url)
        return str(path) if path is not None else self.url

    @property
    def read_only(self) -> bool:
        """True while new records cannot be indexed (``read_only_reason`` says why)."""
        return (self._blocked or self._failed) is not None

    @property
    def read_only_reason(self) -> str | None:
        """Why the store cannot be written and what to do, or None."""
        blocked = self._blocked or self._failed
        return blocked.note(self.where) if blocked else None

    def sync(self, full: bool = False) -> SyncReport:
        """Index new records; cheap when nothing changed. ``full`` re-walks ``runs/``.

        On a store that cannot be written, nothing is indexed (one warning says
        why); a sync that fails writing is rolled back and tried again after
        ``retry_after`` seconds.
        """
        if self._obstacle() is not None:
            self._warn()
            return SyncReport()
        try:
            report = self.indexer.sync(full=full)
        except (sa.exc.DBAPIError, OSError) as e:
            problem = write_problem(e, sqlite_path(self.url) or self.root)
            if problem is None:
                raise
            self._failed, self._retry_at = problem, time.monotonic() + self.retry_after
            self._warn()
            return SyncReport()
        if self._failed is not None:
            log.warning("runbase: the store %s can be written again; indexing resumed", self.where)
            self._failed, self._warned = None, False
        return report

    def _obstacle(self) -> Blocked | None:
        """What keeps a write from being tried now: read-only since opening, or a
        failed sync not yet due for another try."""
        if self._failed is not None and time.monotonic() < self._retry_at:
            return self._failed
        return self._blocked

    def untold_read_only_reason(self) -> str | None:
        """``read_only_reason`` if it has not been shown yet; it counts as shown now
        (``runbase ui`` prints it at startup instead of logging it later)."""
        if self._warned or not self.read_only:
            return None
        self._warned = True
        return self.read_only_reason

    def _warn(self) -> None:
        note = self.untold_read_only_reason()
        if note:
            log.warning("runbase: %s", note)

    @contextmanager
    def writing(self, action: str) -> Iterator[None]:
        """Around a change (``action``: "edit runs"): StoreError, saying what to do,
        when the store cannot be written."""
        obstacle = self._obstacle()
        if obstacle is not None:
            raise StoreError(obstacle.refusal(action, self.where))
        try:
            yield
        except (sa.exc.DBAPIError, OSError) as e:
            problem = write_problem(e, sqlite_path(self.url) or self.root)
            if problem is None:
                raise
            raise StoreError(problem.refusal(action, self.where)) from None

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
    None for ``store.db`` in the records folder. ``root`` is the folder of record
    files (default: that folder, else RUNBASE_DIR).

    A store that cannot be written opens read-only (``Store.read_only``); one that
    cannot be opened raises ``StoreError`` with a message that says what to do.
    """
    base = None
    if url_or_path is not None and "://" not in str(url_or_path):
        path = Path(url_or_path).expanduser()
        if path.is_dir():
            base = path
            url_or_path = path / "store.db"
    records = Path(root).expanduser() if root is not None else (base or runbase_dir())
    records = records.absolute()
    if url_or_path is None:
        url_or_path = records / "store.db"
    url = store_url(url_or_path)
    db = sqlite_path(url)
    where = str(db) if db is not None else sa.engine.make_url(url).render_as_string()
    _make_folders(records, db)
    check_readable(db, records)
    blocked = blocked_paths(db, records)
    if blocked is None:
        try:
            return _open_writable(url, records, where)
        except (sa.exc.DBAPIError, OSError) as e:
            blocked = write_problem(e, db or records)
            if blocked is None:
                raise unusable(e, where) from None
    return Store(_read_only_engine(url, db, where, blocked), records, blocked)


def _make_folders(records: Path, db: Path | None) -> None:
    for folder in (records, db.parent if db is not None else None):
        if folder is None or folder.is_dir():
            continue
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            problem = write_problem(e, folder)
            why = problem.why if problem else e.strerror or str(e)
            raise StoreError(
                f"cannot create the folder {folder}: {why}; create it, or set "
                "RUNBASE_DIR to a folder you can write"
            ) from None


def _open_writable(url: str, records: Path, where: str) -> Store:
    engine = make_engine(url)
    try:
        with index_lock(records):
            migrate(engine, where)
    except BaseException:
        engine.dispose()
        raise
    return Store(engine, records)


def _read_only_engine(url: str, db: Path | None, where: str, blocked: Blocked) -> sa.Engine:
    """An engine over a store that cannot be written; StoreError when it cannot be read."""
    if db is not None and not db.exists():
        raise StoreError(
            f"there is no store at {db} and none can be made there ({blocked.why}): {blocked.fix}"
        )
    failure: Exception | None = None
    for immutable in (False, True) if db is not None else (False,):
        engine = read_only_engine(db, immutable) if db is not None else make_engine(url)
        try:
            require_current(engine, where, blocked)
            return engine
        except StoreError:
            engine.dispose()
            raise
        except sa.exc.DBAPIError as e:
            engine.dispose()
            failure = failure or e
    assert failure is not None
    raise unusable(failure, where)
