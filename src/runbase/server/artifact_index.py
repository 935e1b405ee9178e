"""Artifact versions for the web app, read from their files and cached by stat.

The files under ``RUNBASE_DIR/artifacts`` (docs/artifacts.md) are the truth: a version
appears by one rename, aliases and edits are whole-file renames, uses are appended
lines. So instead of a second copy in the database, the server keeps what it parsed
per version, keyed by what changes when any of that changes: the collection folder's
mtime (versions added or removed, ``aliases.json``/``collection.json`` replaced), the
version folder's mtime (``version.json`` replaced) and ``used_by.jsonl``'s size and
mtime (a use appended). A request costs a ``listdir`` and two ``stat``s per version;
only what changed is read again (200 versions: ~2 ms warm, ~20 ms cold).
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from runbase.sdk.artifacts import storage

RunKey = tuple[str, str, str]
VersionKey = tuple[str, str, str, int]


@dataclass(frozen=True)
class Version:
    """One whole version as its ``version.json`` and ``used_by.jsonl`` say."""

    number: int
    digest: str
    size: int
    file_count: int
    created_at: float | None
    description: str | None
    metadata: dict[str, Any]
    ttl_seconds: float | None
    logged_by: RunKey | None
    used_by: tuple[RunKey, ...]


@dataclass
class Collection:
    """All versions of one artifact name, newest first, with the aliases."""

    entity: str
    project: str
    name: str
    type: str
    description: str | None
    created_at: float | None
    versions: list[Version] = field(default_factory=list)
    aliases: dict[str, int] = field(default_factory=dict)

    def aliases_of(self, number: int) -> list[str]:
        return sorted(a for a, v in self.aliases.items() if v == number)

    def version(self, number: int) -> Version | None:
        return next((v for v in self.versions if v.number == number), None)

    def resolve(self, ref: str) -> Version | None:
        """``v3``, ``3`` or an alias."""
        text = ref[1:] if ref.startswith("v") else ref
        if text.isdigit():
            return self.version(int(text))
        number = self.aliases.get(ref)
        return self.version(number) if number is not None else None


def _run_key(value: Any) -> RunKey | None:
    if isinstance(value, dict):
        try:
            return (str(value["entity"]), str(value["project"]), str(value["run_id"]))
        except KeyError:
            return None
    return None


def _stat_key(path: Path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def _settled(*keys: tuple[int, int] | None) -> bool:
    """Whether a cached read keyed by these stats can be trusted later: the kernel
    stamps mtimes at a clock tick, so two changes within one tick of a read could
    leave the same key; only stats older than a second are cached."""
    recent = time.time_ns() - 1_000_000_000
    return all(k is None or k[0] < recent for k in keys)


def _read_version(vdir: Path, number: int) -> Version | None:
    try:
        info = storage.read_json(vdir / "version.json")
    except (OSError, ValueError):
        return None  # removed while listing
    uses = (_run_key(u) for u in storage.read_uses(vdir))
    metadata = info.get("metadata")
    return Version(
        number=number,
        digest=str(info.get("digest", "")),
        size=int(info.get("size") or 0),
        file_count=int(info.get("file_count") or 0),
        created_at=info.get("created_at"),
        description=info.get("description"),
        metadata=metadata if isinstance(metadata, dict) else {},
        ttl_seconds=info.get("ttl_seconds"),
        logged_by=_run_key(info.get("logged_by")),
        used_by=tuple(u for u in uses if u is not None),
    )


class ArtifactIndex:
    """Collections and versions of one ``RUNBASE_DIR``, re-read only where files changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._base = storage.artifacts_root(root)
        self._versions: dict[Path, tuple[Any, Version]] = {}
        self._colls: dict[Path, tuple[Any, tuple[dict[str, Any], dict[str, int]]]] = {}
        self._manifests: dict[Path, tuple[Any, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def project(self, entity: str, project: str) -> list[Collection]:
        """A project's collections, by name."""
        with self._lock:
            out = (self._collection(c, entity, project) for c in self._coll_dirs(entity, project))
            return [c for c in out if c is not None]

    def collection(self, entity: str, project: str, name: str) -> Collection | None:
        coll = storage.collection_dir(self.root, entity, project, name)
        if not all(map(_safe_name, (entity, project, name))):
            return None
        if not (coll / "collection.json").is_file():
            return None
        with self._lock:
            return self._collection(coll, entity, project)

    def everything(self) -> list[Collection]:
        """Every collection of every project (for a run's artifacts and lineage)."""
        out = []
        for entity in _subdirs(self._base):
            for project in _subdirs(self._base / entity):
                out.extend(self.project(entity, project))
        return out

    def manifest(self, c: Collection, number: int) -> dict[str, Any]:
        """The version's manifest entries by path (cached: a version's files never change)."""
        vdir = storage.collection_dir(self.root, c.entity, c.project, c.name) / f"v{number}"
        key = _stat_key(vdir / "manifest.json")
        with self._lock:
            hit = self._manifests.get(vdir)
            if hit is not None and hit[0] == key:
                return hit[1]
        try:
            contents = storage.read_json(vdir / "manifest.json").get("contents") or {}
        except (OSError, ValueError):
            contents = {}
        with self._lock:
            self._manifests[vdir] = (key, contents)
        return contents

    def blob_path(self, sha256: str) -> Path:
        return self.root / "blobs" / "sha256" / sha256[:2] / sha256

    def _coll_dirs(self, entity: str, project: str) -> list[Path]:
        if not (_safe_name(entity) and _safe_name(project)):
            return []
        return storage.collections(self.root, entity, project)

    def _collection(self, coll: Path, entity: str, project: str) -> Collection | None:
        key = _stat_key(coll)
        hit = self._colls.get(coll)
        if hit is None or hit[0] != key:
            try:
                info = storage.read_json(coll / "collection.json")
            except (OSError, ValueError):
                return None
            hit = (key, (info, storage.read_aliases(coll)))
            if _settled(key):
                self._colls[coll] = hit
        info, aliases = hit[1]
        versions = (self._version(coll / f"v{n}", n) for n in storage.version_numbers(coll))
        return Collection(
            entity=entity,
            project=project,
            name=coll.name,
            type=str(info.get("type", "")),
            description=info.get("description"),
            created_at=info.get("created_at"),
            versions=[v for v in versions if v is not None][::-1],
            aliases=aliases,
        )

    def _version(self, vdir: Path, number: int) -> Version | None:
        key = (_stat_key(vdir), _stat_key(vdir / "used_by.jsonl"))
        hit = self._versions.get(vdir)
        if hit is not None and hit[0] == key:
            return hit[1]
        version = _read_version(vdir, number)
        if version is None or not _settled(*key):
            self._versions.pop(vdir, None)
        else:
            self._versions[vdir] = (key, version)
        return version


def _safe_name(name: str) -> bool:
    """A path part that stays inside the artifacts folder."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\0" not in name


def _subdirs(path: Path) -> list[str]:
    try:
        return sorted(e.name for e in os.scandir(path) if e.is_dir() and not e.name.startswith("."))
    except OSError:
        return []


def _file_stamp(path: str) -> tuple[int, int, int]:
    """Whole-file writes are renames (a new inode); appends grow the size."""
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0, 0)
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def _collection_stamp(coll: str) -> tuple[Any, ...]:
    parts: list[Any] = [_file_stamp(f"{coll}/aliases.json"), _file_stamp(f"{coll}/collection.json")]
    try:
        names = sorted(e.name for e in os.scandir(coll) if e.is_dir() and e.name[:1] == "v")
    except OSError:
        return ()
    for name in names:
        vdir = f"{coll}/{name}"
        parts.append(
            (name, _file_stamp(f"{vdir}/version.json"), _file_stamp(f"{vdir}/used_by.jsonl"))
        )
    return tuple(parts)


def project_stamps(root: Path) -> dict[tuple[str, str], int]:
    """A number per (entity, project) with artifacts that changes with any of its files
    the pages show: versions added or removed (``gc``, ``delete``), aliases moved,
    ``version.json`` edited, a use appended. Alias edits and ``gc`` write no run
    record, so the change feed looks here too. Stats only: about two per version."""
    base = storage.artifacts_root(root)
    out: dict[tuple[str, str], int] = {}
    for entity in _subdirs(base):
        for project in _subdirs(base / entity):
            folder = base / entity / project
            out[(entity, project)] = hash(
                tuple((c, _collection_stamp(f"{folder}/{c}")) for c in _subdirs(folder))
            )
    return out
