"""The index lock: one writer of the store at a time, across processes.

SQLite allows one writer; two indexers racing would each wait on the other's
write transaction and could fail with "database is locked". An exclusive
``flock`` on ``RUNBASE_DIR/index.lock`` serialises every write to the store
(indexing, edits, deletes, migrations), while readers run freely under WAL.
"""

from __future__ import annotations

import errno
import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa

# flock is per open file, so threads of one process exclude each other too;
# the thread lock only spares them a second descriptor. A thread that already
# holds the lock may take it again (a second flock from it would wait forever).
_thread_lock = threading.RLock()
_held = threading.local()


@contextmanager
def index_lock(root: Path) -> Iterator[None]:
    """Hold the exclusive index lock of the store under ``root``."""
    root.mkdir(parents=True, exist_ok=True)
    with _thread_lock:
        depth = getattr(_held, "depth", 0)
        if depth:
            _held.depth = depth + 1
            try:
                yield
            finally:
                _held.depth = depth
            return
        fd = _open_lock_file(root / "index.lock")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _held.depth = 1
            yield
        finally:
            _held.depth = 0
            os.close(fd)  # closing releases the lock


def _open_lock_file(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        if e.errno not in (errno.EROFS, errno.EACCES, errno.EPERM) or not path.exists():
            raise
        # flock needs no write access: an existing lock file in a folder this
        # process may only read still orders writers (a store kept elsewhere).
        return os.open(path, os.O_RDONLY)


# The class of the per-run advisory locks (PostgreSQL's two-int keys: (class, rid)).
_RUN_LOCK_CLASS = 0x72627275


def lock_run(conn: sa.Connection, rid: int) -> None:
    """Take run ``rid``'s advisory lock until ``conn``'s transaction ends (PostgreSQL;
    SQLite has one writer anyway). Indexers of a run shipped to the team server, in
    any number of server processes, take it before reading where the run stands."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_RUN_LOCK_CLASS}, {int(rid)})")


def lock_runs(conn: sa.Connection, rids: list[int]) -> None:
    """``lock_run`` for each of ``rids``, in one statement, in ascending order (so two
    callers locking overlapping sets never wait on each other in a cycle)."""
    if conn.dialect.name == "postgresql" and rids:
        ordered = ",".join(str(int(r)) for r in sorted(set(rids)))
        conn.exec_driver_sql(
            f"SELECT count(pg_advisory_xact_lock({_RUN_LOCK_CLASS}, r)) FROM "
            f"(SELECT unnest(ARRAY[{ordered}]::int[]) AS r ORDER BY 1) AS o"
        )


# The class of advisory locks named by text (PostgreSQL's hashtext of the name).
_NAME_LOCK_CLASS = 0x7262726E


def lock_name(conn: sa.Connection, name: str) -> None:
    """Take the advisory lock named ``name`` until ``conn``'s transaction ends
    (PostgreSQL; a no-op on SQLite). Two names may share a lock: that only waits."""
    if conn.dialect.name == "postgresql":
        import sqlalchemy as sa

        conn.execute(
            sa.text("SELECT pg_advisory_xact_lock(:cls, hashtext(:name))"),
            {"cls": _NAME_LOCK_CLASS, "name": name},
        )


def lock_names(conn: sa.Connection, names: list[str]) -> None:
    """``lock_name`` for each of ``names``, in one statement, in one order."""
    if conn.dialect.name == "postgresql" and names:
        import sqlalchemy as sa

        conn.execute(
            sa.text(
                "SELECT count(pg_advisory_xact_lock(:cls, h)) FROM "
                "(SELECT hashtext(n) AS h FROM unnest(CAST(:names AS text[])) AS n ORDER BY 1) AS o"
            ),
            {"cls": _NAME_LOCK_CLASS, "names": sorted(set(names))},
        )
