"""``runbase.Artifact``: W&B's ``wandb.Artifact``, stored by content in the local store.

Files are hashed and stored as blobs when added (``ingest.py``), so ``log_artifact``
only writes a manifest; the same bytes are stored once however many versions or runs
hold them. Reading a logged version (``download``, ``verify``, ``delete``...) is in
``stored.py``; logging and using are the run's (``run_methods.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from runbase.records.layout import runbase_dir
from runbase.sdk.artifacts import ingest, references
from runbase.sdk.artifacts.errors import ArtifactError, ArtifactStateError
from runbase.sdk.artifacts.files import ArtifactFiles
from runbase.sdk.artifacts.manifest import Entry, manifest_digest
from runbase.sdk.artifacts.storage import check_name

_POLICIES = ("mutable", "immutable")


class Artifact:
    """A versioned set of files (a dataset, a model...), logged with ``run.log_artifact``."""

    def __init__(
        self,
        name: str,
        type: str,
        description: str | None = None,
        metadata: dict[str, Any] | None = None,
        incremental: bool = False,
        use_as: str | None = None,
    ) -> None:
        self._name = check_name(name)
        if not isinstance(type, str) or not type.strip() or "/" in type:
            raise ArtifactError(f"artifact type {type!r}: give a short name such as 'dataset'")
        self.type = type
        self.description = description
        self.metadata: dict[str, Any] = dict(metadata or {})
        self.incremental = incremental
        self.ttl: timedelta | None = None
        self.aliases: list[str] = []
        self._entries: dict[str, Entry] = {}
        self._root = runbase_dir()
        self._cache: ingest.DigestCache | None = None
        self._tmp: tempfile.TemporaryDirectory[str] | None = None
        # Set once logged (or read back): where the version lives.
        self._entity: str | None = None
        self._project: str | None = None
        self._number: int | None = None
        self._created_at: float | None = None
        self._logged_by: dict[str, Any] | None = None
        self._saved_aliases: list[str] = []

    # ---- identity -------------------------------------------------------------------
    @property
    def name(self) -> str:
        """``name`` before logging; ``name:vN`` once logged (as in W&B)."""
        return self._name if self._number is None else f"{self._name}:v{self._number}"

    @property
    def source_name(self) -> str:
        return self.name

    @property
    def collection_name(self) -> str:
        return self._name

    @property
    def version(self) -> str:
        """``vN`` of a logged artifact."""
        if self._number is None:
            raise ArtifactStateError(f"artifact {self._name!r} has no version until it is logged")
        return f"v{self._number}"

    @property
    def entity(self) -> str | None:
        return self._entity

    @property
    def project(self) -> str | None:
        return self._project

    @property
    def qualified_name(self) -> str:
        return f"{self._entity}/{self._project}/{self.name}"

    @property
    def id(self) -> str | None:
        return None if self._number is None else self.qualified_name

    @property
    def state(self) -> str:
        return "PENDING" if self._number is None else "COMMITTED"

    @property
    def digest(self) -> str:
        """W&B's manifest digest: the same files give the same digest in W&B and here."""
        return manifest_digest(self._entries)

    @property
    def size(self) -> int:
        return sum(e.size or 0 for e in self._entries.values() if e.ref is None)

    @property
    def file_count(self) -> int:
        return len(self._entries)

    @property
    def created_at(self) -> float | None:
        return self._created_at

    @property
    def manifest(self) -> dict[str, Entry]:
        return dict(self._entries)

    def is_draft(self) -> bool:
        return self._number is None

    def wait(self, timeout: int | None = None) -> Artifact:
        """Logging is synchronous here: the artifact is already committed."""
        return self

    # ---- adding content --------------------------------------------------------------
    def _check_draft(self, what: str) -> None:
        if self._number is not None:
            raise ArtifactStateError(
                f"{what}: {self.name} is logged and its files cannot change; make a new "
                f"Artifact({self._name!r}, ...) (or use incremental=True) for the next version"
            )

    def _digests(self) -> ingest.DigestCache:
        if self._cache is None:
            self._cache = ingest.DigestCache(self._root)
        return self._cache

    def add_file(
        self,
        local_path: str | os.PathLike[str],
        name: str | None = None,
        is_tmp: bool | None = False,
        skip_cache: bool | None = False,
        policy: str | None = "mutable",
        overwrite: bool = False,
    ) -> Entry:
        """Add one file; it is hashed and stored now, in one pass over its bytes."""
        self._check_draft("add_file")
        path = Path(local_path)
        target = _entry_name(name or path.name)
        self._check_free(target, overwrite)
        link = _policy(policy) == "immutable"
        stored = ingest.store_files(self._root, [path], link=link, cache=self._digests())[0]
        entry = Entry(target, stored.md5, stored.size, sha256=stored.sha256)
        self._entries[target] = entry
        return entry

    def add_dir(
        self,
        local_path: str | os.PathLike[str],
        name: str | None = None,
        skip_cache: bool | None = False,
        policy: str | None = "mutable",
        merge: bool = False,
    ) -> None:
        """Add every file under a folder, at its relative path (under ``name`` if given)."""
        self._check_draft("add_dir")
        root = Path(local_path)
        if not root.is_dir():
            raise ArtifactError(f"cannot add {str(root)!r}: not a folder (use add_file)")
        files = sorted(p for p in root.rglob("*") if p.is_file())
        prefix = _entry_name(name) + "/" if name else ""
        targets = [prefix + p.relative_to(root).as_posix() for p in files]
        if not merge:
            for t in targets:
                self._check_free(t, overwrite=False)
        link = _policy(policy) == "immutable"
        stored = ingest.store_files(self._root, files, link=link, cache=self._digests())
        for t, s in zip(targets, stored, strict=True):
            self._entries[t] = Entry(t, s.md5, s.size, sha256=s.sha256)

    @contextlib.contextmanager
    def new_file(
        self, name: str, mode: str = "x", encoding: str | None = None
    ) -> Iterator[IO[Any]]:
        """Write a new file into the artifact: ``with art.new_file("a.txt") as f: ...``."""
        self._check_draft("new_file")
        target = _entry_name(name)
        self._check_free(target, overwrite=False)
        path = Path(self._scratch()) / target
        path.parent.mkdir(parents=True, exist_ok=True)
        if "b" not in mode and encoding is None:
            encoding = "utf-8"
        with open(path, mode, encoding=encoding) as f:
            yield f
        os.chmod(path, 0o444)  # ours and never written again: it can become the blob
        self.add_file(path, target, policy="immutable")
        path.unlink()

    def add(self, obj: Any, name: str, overwrite: bool = False) -> Entry:
        """Add a ``runbase.Table`` or media object (W&B's ``<name>.<type>.json`` files)."""
        self._check_draft("add")
        from runbase.sdk.artifacts.objects import write_object

        folder = Path(tempfile.mkdtemp(dir=self._scratch()))
        try:
            main, files = write_object(obj, _entry_name(name), folder)
            if not overwrite:
                self._check_free(main, overwrite=False)
            paths = [folder / f for f in files]
            stored = ingest.store_files(self._root, paths)
            for rel, s in zip(files, stored, strict=True):
                self._entries[rel] = Entry(rel, s.md5, s.size, sha256=s.sha256)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return self._entries[main]

    def add_reference(
        self,
        uri: str,
        name: str | None = None,
        checksum: bool = True,
        max_objects: int | None = None,
    ) -> list[Entry]:
        """Record a ``file://``, ``s3://`` or ``http(s)://`` object by digest, not copied."""
        self._check_draft("add_reference")
        found = references.resolve(uri, name, checksum=checksum, max_objects=max_objects)
        for entry in found:
            entry.path = _entry_name(entry.path)
            self._entries[entry.path] = entry
        return found

    def remove(self, item: str | os.PathLike[str] | Entry) -> None:
        """Remove a file (or every file under a folder name) before logging."""
        self._check_draft("remove")
        key = item.path if isinstance(item, Entry) else Path(item).as_posix()
        gone = [p for p in self._entries if p == key or p.startswith(key.rstrip("/") + "/")]
        if not gone:
            raise FileNotFoundError(f"artifact {self._name!r} has no file or folder {key!r}")
        for p in gone:
            del self._entries[p]

    # ---- reading entries -------------------------------------------------------------
    def get_entry(self, name: str) -> Entry:
        entry = self._entries.get(Path(name).as_posix())
        if entry is None:
            raise KeyError(f"artifact {self.name!r} has no file {name!r}")
        entry.artifact = self
        return entry

    def get_path(self, name: str) -> Entry:
        return self.get_entry(name)

    def files(self, names: list[str] | None = None, per_page: int = 50) -> ArtifactFiles:
        """The artifact's files (optionally only ``names``) by path, as W&B's ``File``s."""
        return ArtifactFiles(self, names, per_page)

    def get(self, name: str) -> Any:
        """The Table (or media) added under ``name``; None when there is none."""
        from runbase.sdk.artifacts.objects import read_object

        return read_object(self, name)

    # ---- logged versions (stored.py) -------------------------------------------------
    def download(
        self,
        root: str | os.PathLike[str] | None = None,
        allow_missing_references: bool = False,
        skip_cache: bool | None = None,
        path_prefix: str | None = None,
        copy: bool = False,
    ) -> str:
        """Write the files under ``root`` (default ``./artifacts/<name>:vN``); its path."""
        from runbase.sdk.artifacts import download

        return str(download.download(self, root, path_prefix, allow_missing_references, copy))

    def checkout(self, root: str | os.PathLike[str] | None = None) -> str:
        """Download, and remove files under ``root`` that are not in the artifact."""
        from runbase.sdk.artifacts import download

        return str(download.checkout(self, root))

    def verify(self, root: str | os.PathLike[str] | None = None) -> None:
        """Raise ValueError unless ``root`` holds exactly the artifact's files."""
        from runbase.sdk.artifacts import download

        download.verify(self, root)

    def save(self, project: str | None = None, settings: Any = None) -> None:
        """Store changed aliases, description, metadata and ttl of a logged version. A
        draft is logged, as W&B does: by the active run, else by a run of job type
        ``auto`` made for it (in ``project``)."""
        from runbase.sdk.artifacts import stored

        if self._number is None:
            _log_draft(self, project, settings)
            return
        stored.save(self)

    def delete(self, delete_aliases: bool = False) -> None:
        """Delete this version (its blobs go at the next ``runbase artifact gc``)."""
        from runbase.sdk.artifacts import stored

        stored.delete(self, delete_aliases)

    def logged_by(self) -> Any:
        """The run that logged this version (its path as ``RunRef``), or None."""
        from runbase.sdk.artifacts import stored

        return stored.logged_by(self)

    def used_by(self) -> list[Any]:
        """The runs that used this version (as ``RunRef``), oldest first."""
        from runbase.sdk.artifacts import stored

        return stored.used_by(self)

    def new_draft(self) -> Artifact:
        """A draft with this version's files, for the next version (W&B's incremental)."""
        draft = Artifact(self._name, self.type, self.description, self.metadata)
        draft._entries = {
            p: Entry(e.path, e.digest, e.size, e.sha256, e.ref, dict(e.extra))
            for p, e in self._entries.items()
        }
        return draft

    # ---- helpers ---------------------------------------------------------------------
    def _check_free(self, target: str, overwrite: bool) -> None:
        if target in self._entries and not overwrite:
            raise ArtifactError(
                f"artifact {self._name!r} already has a file {target!r}: pass overwrite=True, "
                "or another name="
            )

    def _scratch(self) -> str:
        if self._tmp is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="runbase-artifact-")
        return self._tmp.name

    def __repr__(self) -> str:
        return f"<Artifact {self.name} type={self.type} files={len(self._entries)}>"


def _log_draft(art: Artifact, project: str | None, settings: Any) -> None:
    import runbase

    if runbase.run is not None:
        runbase.run.log_artifact(art)
        return
    with runbase.init(project=project, job_type="auto", settings=settings) as run:
        run.log_artifact(art)


def _policy(policy: str | None) -> str:
    value = policy or "mutable"
    if value not in _POLICIES:
        raise ArtifactError(f"policy {policy!r}: use 'mutable' (copied) or 'immutable' (linked)")
    return value


def _entry_name(name: str | os.PathLike[str]) -> str:
    """A path inside the artifact: relative, '/'-separated, no '..'."""
    text = Path(name).as_posix().strip("/")
    parts = text.split("/")
    if not text or any(p in ("", ".", "..") for p in parts) or "\x00" in text:
        raise ArtifactError(
            f"{str(name)!r} cannot name a file in an artifact: give a relative path"
        )
    return text
