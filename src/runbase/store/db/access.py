"""Why a store cannot be written or opened, in words that say what to do.

Opening and syncing a store meet the same few obstacles: a read-only file
system, missing permission, a full disk, a database server that refuses
writes. ``blocked_paths`` finds them before anything is tried (cheap checks of
the files SQLite and the index lock need), ``write_problem`` recognises them in
the exceptions SQLite, PostgreSQL and the OS raise when a write fails, and
``unusable`` turns every other failure to open into a one-line ``StoreError``.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from runbase.errors import StoreError

# Less free space than this, and an I/O error while writing is taken for a full disk
# (SQLite needs 32 KiB for its -shm file alone).
_NEARLY_FULL = 1 << 20
_COPY = "set RUNBASE_DIR to a writable copy of the folder"


@dataclass(frozen=True)
class Blocked:
    """What keeps the store from being written: ``why`` it is, and how to ``fix`` it."""

    why: str
    fix: str

    def _what(self, where: str) -> str:
        return self.why if where in self.why else f"{self.why} ({where})"

    def note(self, where: str) -> str:
        """The read-only note shown once: reading works, indexing does not."""
        return (
            f"read-only store: {self._what(where)}. The runs already indexed can be read, "
            f"but new records are not indexed; to index them, {self.fix}."
        )

    def refusal(self, action: str, where: str) -> str:
        """The error for a change (edit, delete) the store cannot take now."""
        return f"cannot {action}, the store is read-only: {self._what(where)}; {self.fix}"


def _full(path: Path) -> Blocked:
    return Blocked(f"the disk holding {path} is full", "free some space on that disk")


def _not_writable(path: Path) -> Blocked:
    path = _existing(path)
    if _read_only_fs(path):
        return Blocked(f"{path} is on a read-only file system", f"mount it read-write or {_COPY}")
    return Blocked(f"no permission to write {path}", f"run as a user who may write it, or {_COPY}")


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _read_only_fs(path: Path) -> bool:
    try:
        return bool(os.statvfs(_existing(path)).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def disk_full(path: Path) -> bool:
    """Whether the file system holding ``path`` has (next to) no space left."""
    try:
        st = os.statvfs(_existing(path))
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < _NEARLY_FULL


def blocked_paths(db: Path | None, records: Path) -> Blocked | None:
    """What keeps this process from writing the files a writable store needs.

    A SQLite store needs ``db`` writable and its folder too (for ``-wal`` and
    ``-shm``); every store needs ``records/index.lock`` (which may already exist).
    ``os.access`` answers for the file system (read-only mounts bind root too)
    and for permissions alike.
    """
    if db is not None:
        if db.exists() and not os.access(db, os.W_OK):
            return _not_writable(db)
        if not os.access(db.parent, os.W_OK):
            return _not_writable(db.parent)
    lock = records / "index.lock"
    if not lock.exists() and not os.access(records, os.W_OK):
        return _not_writable(records)
    return None


def _sqlite_problem(name: str, where: Path | None) -> Blocked | None:
    if name.startswith("SQLITE_READONLY"):
        return _not_writable(where) if where else Blocked("it is read-only", _COPY)
    if name == "SQLITE_FULL":
        return _full(where) if where else Blocked("the disk is full", "free some space")
    if where is not None and (name.startswith("SQLITE_IOERR") or name == "SQLITE_CANTOPEN"):
        # I/O errors while creating -shm/-wal: a full disk, or a folder that
        # turned read-only; any other I/O error is not ours to explain away.
        if disk_full(where):
            return _full(where)
        if not os.access(where.parent, os.W_OK):
            return _not_writable(where.parent)
    return None


def _postgres_problem(sqlstate: str) -> Blocked | None:
    if sqlstate == "25006":
        return Blocked(
            "the database server only allows reading",
            "connect to a server or database that accepts writes",
        )
    if sqlstate == "42501":
        return Blocked(
            "the database user may not write", "grant it write access or use a role that has it"
        )
    if sqlstate.startswith("53"):
        return Blocked(
            "the database server is out of disk space or resources",
            "free space on the database server",
        )
    return None


def write_problem(exc: BaseException, where: Path | None) -> Blocked | None:
    """The obstacle ``exc`` reports, when it says the store cannot be written (else None).

    ``where``: the database file (SQLite) or the records folder, for the message
    and to tell a full disk from other I/O errors.
    """
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    if isinstance(orig, OSError):
        path = Path(orig.filename) if getattr(orig, "filename", None) else where
        if orig.errno in (errno.ENOSPC, errno.EDQUOT):
            return _full(path or Path("."))
        if orig.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return _not_writable(path or Path("."))
        return None
    name = getattr(orig, "sqlite_errorname", None)
    if name:
        return _sqlite_problem(name, where)
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return _postgres_problem(sqlstate)
    return None


def _first_line(exc: BaseException) -> str:
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    text = str(orig).strip().splitlines()
    return text[0] if text else type(orig).__name__


def unusable(exc: BaseException, where: str) -> StoreError:
    """A one-line error for a store that cannot be opened, saying what to do."""
    orig = exc.orig if isinstance(exc, sa.exc.DBAPIError) else exc
    msg = _first_line(exc)
    name = getattr(orig, "sqlite_errorname", "") or ""
    if name in ("SQLITE_NOTADB", "SQLITE_CORRUPT"):
        return StoreError(
            f"{where} is not a usable runbase store ({msg}): move it away, and runbase "
            "rebuilds the store from the record files next to it"
        )
    if name == "SQLITE_CANTOPEN" or name.startswith("SQLITE_PERM"):
        return StoreError(
            f"cannot open {where} ({msg}): check that it is a database file this user can read"
        )
    if isinstance(orig, PermissionError):
        return StoreError(
            f"cannot read {orig.filename or where}: permission denied; run as a user who "
            "can read it, or set RUNBASE_DIR to a folder you can read"
        )
    if isinstance(exc, sa.exc.OperationalError) and not name:
        return StoreError(
            f"cannot connect to {where} ({msg}): check that the database server is "
            "running and the URL is right"
        )
    return StoreError(f"cannot open the store {where}: {type(orig).__name__}: {msg}")


def check_readable(db: Path | None, records: Path) -> None:
    """StoreError unless this process may read the records folder and the database file."""
    checks = [(records, os.R_OK | os.X_OK)]
    if db is not None:
        checks += [(db.parent, os.X_OK), (db, os.R_OK)]
    for path, mode in checks:
        # os.access, not Path.exists: exists() raises in a folder we may not search.
        if os.access(path, os.F_OK) and not os.access(path, mode):
            raise StoreError(
                f"cannot read {path}: permission denied; run as a user who can read "
                "it, or set RUNBASE_DIR to a folder you can read"
            )
