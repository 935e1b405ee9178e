"""Documents people write about a project (saved views, reports): JSON bytes kept
under (kind, entity, project, key), read whole and changed whole under a lock.

They are state a person wrote, not something indexed from run records, so on
``runbase ui`` they are files beside the database (which may be deleted and rebuilt
from the record files at any time): ``FileDocuments``, each document replaced
atomically (a temporary file, then ``os.replace``) under ``flock`` on a sibling lock
file, so two servers or two requests never leave half a file or lose a change.
The team server's processes share nothing but PostgreSQL, so there they are rows
of the ``documents`` table (``DbDocuments``), changed in one transaction under an
advisory lock named after the document. ``views.py`` and ``reports.py`` reach them
only through ``Store.documents``, and their errors share the classes below, which
the routes map to HTTP answers in one place.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import sqlalchemy as sa

from runbase.store.db import schema as t
from runbase.store.db.lock import lock_name

# Given the bytes stored (None: no such document), returns what to store (None: delete).
Change = Callable[[bytes | None], bytes | None]


class DocumentError(ValueError):
    """A document cannot be saved as asked (bad name, too big, too many), or is damaged."""


class DocumentNotFound(LookupError):
    """No such document in the project."""


class DocumentConflict(RuntimeError):
    """The document was saved by someone else since the version an edit started from."""


class Documents(Protocol):
    """Where a store keeps its documents. ``key`` "" names the project's one
    document of a kind (its views); other keys one of many (a report)."""

    def read(self, kind: str, entity: str, project: str, key: str = "") -> bytes | None: ...

    def keys(self, kind: str, entity: str, project: str) -> list[str]: ...

    def change(self, kind: str, entity: str, project: str, key: str, fn: Change) -> None: ...

    def where(self, kind: str, entity: str, project: str, key: str = "") -> str: ...


class FileDocuments:
    """Documents as files under ``root``: ``kind/entity/project.json`` for key "",
    else ``kind/entity/project/key.json``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, kind: str, entity: str, project: str, key: str = "") -> Path:
        if not key:
            return self.root / kind / entity / f"{project}.json"
        return self.root / kind / entity / project / f"{key}.json"

    def where(self, kind: str, entity: str, project: str, key: str = "") -> str:
        return str(self.path(kind, entity, project, key))

    def read(self, kind: str, entity: str, project: str, key: str = "") -> bytes | None:
        try:
            return self.path(kind, entity, project, key).read_bytes()
        except FileNotFoundError:
            return None

    def keys(self, kind: str, entity: str, project: str) -> list[str]:
        folder = self.root / kind / entity / project
        try:
            return sorted(p.stem for p in folder.glob("*.json") if not p.name.startswith("."))
        except FileNotFoundError:
            return []

    def change(self, kind: str, entity: str, project: str, key: str, fn: Change) -> None:
        path = self.path(kind, entity, project, key)
        with _locked(path):
            try:
                before: bytes | None = path.read_bytes()
            except FileNotFoundError:
                before = None
            after = fn(before)
            if after is None:
                path.unlink(missing_ok=True)
                if key:  # a project's one document keeps its lock file; a report's goes too
                    path.with_name(f".{path.name}.lock").unlink(missing_ok=True)
                return
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(after)
            os.replace(tmp, path)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path.with_name(f".{path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


class DbDocuments:
    """Documents as rows of the store's ``documents`` table (the team server)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def where(self, kind: str, entity: str, project: str, key: str = "") -> str:
        return f"the stored {kind} of {entity}/{project}" + (f" ({key})" if key else "")

    def _match(self, kind: str, entity: str, project: str) -> sa.ColumnElement[bool]:
        d = t.documents
        return (d.c.kind == kind) & (d.c.entity == entity) & (d.c.project == project)

    def read(self, kind: str, entity: str, project: str, key: str = "") -> bytes | None:
        d = t.documents
        query = sa.select(d.c.body).where(self._match(kind, entity, project) & (d.c.key == key))
        with self.engine.connect() as conn:
            body = conn.execute(query).scalar()
        return None if body is None else bytes(body)

    def keys(self, kind: str, entity: str, project: str) -> list[str]:
        d = t.documents
        query = sa.select(d.c.key).where(self._match(kind, entity, project) & (d.c.key != ""))
        with self.engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def change(self, kind: str, entity: str, project: str, key: str, fn: Change) -> None:
        d = t.documents
        where = self._match(kind, entity, project) & (d.c.key == key)
        with self.engine.begin() as conn:
            # The lock covers a document not yet written too (no row to lock FOR UPDATE).
            lock_name(conn, f"document {kind}/{entity}/{project}/{key}")
            body = conn.execute(sa.select(d.c.body).where(where)).scalar()
            after = fn(None if body is None else bytes(body))
            if after is None:
                conn.execute(d.delete().where(where))
            elif body is None:
                row = {"kind": kind, "entity": entity, "project": project, "key": key}
                conn.execute(d.insert().values(**row, body=after, updated_at=time.time()))
            else:
                conn.execute(d.update().where(where).values(body=after, updated_at=time.time()))
