"""Logged versions: reading one back, and changing or deleting it."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbase.sdk.artifacts import storage
from runbase.sdk.artifacts.errors import ArtifactError, ArtifactNotFoundError, ArtifactStateError
from runbase.sdk.artifacts.manifest import entries_from_json

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact


@dataclass(frozen=True, slots=True)
class RunRef:
    """A run named by a version's lineage: ``Api().run(ref.path)`` reads it."""

    entity: str
    project: str
    id: str

    @property
    def path(self) -> str:
        return f"{self.entity}/{self.project}/{self.id}"


@dataclass(frozen=True, slots=True)
class ArtifactPath:
    """``[entity/][project/]name[:version or alias]`` split up."""

    entity: str | None
    project: str | None
    name: str
    ref: str


def parse(path: str) -> ArtifactPath:
    """Split an artifact path; the version or alias defaults to ``latest``."""
    if not isinstance(path, str) or not path.strip():
        raise ArtifactError(
            f"an artifact path is 'name:alias' or 'entity/project/name:v3', got {path!r}"
        )
    head, _, ref = path.strip().partition(":")
    parts = head.split("/")
    if len(parts) > 3 or any(not p for p in parts):
        raise ArtifactError(
            f"artifact path {path!r}: write 'name', 'name:alias', 'project/name:v3' "
            "or 'entity/project/name:v3'"
        )
    entity = parts[0] if len(parts) == 3 else None
    project = parts[-2] if len(parts) >= 2 else None
    return ArtifactPath(entity, project, storage.check_name(parts[-1]), ref or "latest")


def load(
    root: Path,
    entity: str,
    project: str,
    name: str,
    ref: str,
    type_: str | None = None,
    cls: type[Artifact] | None = None,
) -> Artifact:
    """The version ``ref`` (``vN`` or an alias) of ``entity/project/name``."""
    coll = storage.collection_dir(root, entity, project, name)
    if not (coll / "collection.json").is_file():
        raise ArtifactNotFoundError(
            f"no artifact {entity}/{project}/{name}: log it first with run.log_artifact(), "
            "or check the name (runbase artifact ls)"
        )
    number = storage.resolve(coll, ref)
    art = load_version(root, entity, project, coll, number, cls)
    if type_ is not None and art.type != type_:
        raise ArtifactNotFoundError(
            f"artifact {entity}/{project}/{name} has type {art.type!r}, not {type_!r}"
        )
    return art


def load_version(
    root: Path,
    entity: str,
    project: str,
    coll: Path,
    number: int,
    cls: type[Artifact] | None = None,
) -> Artifact:
    from runbase.sdk.artifacts.artifact import Artifact

    vdir = coll / f"v{number}"
    try:
        info = storage.read_json(vdir / "version.json")
        entries = entries_from_json(storage.read_json(vdir / "manifest.json"))
    except (OSError, ValueError) as e:
        raise ArtifactNotFoundError(
            f"version {vdir} cannot be read ({e}); it may have just been deleted"
        ) from None
    art = (cls or Artifact)(coll.name, info["type"], info.get("description"), info.get("metadata"))
    art._root = root
    art._entries = entries
    art._entity, art._project, art._number = entity, project, number
    art._created_at = info.get("created_at")
    ttl = info.get("ttl_seconds")
    art.ttl = timedelta(seconds=ttl) if ttl is not None else None
    art._logged_by = info.get("logged_by")
    art.aliases = storage.aliases_of(coll, number)
    art._saved_aliases = list(art.aliases)
    return art


def version_dir(art: Artifact) -> Path:
    if art._number is None or art._entity is None or art._project is None:
        raise ArtifactStateError(
            f"artifact {art.name!r} is not logged yet: run.log_artifact() it first"
        )
    return (
        storage.collection_dir(art._root, art._entity, art._project, art._name) / f"v{art._number}"
    )


def version_info(art: Artifact) -> dict[str, Any]:
    """What version.json holds for ``art`` (without the number, set at commit)."""
    return {
        "name": art._name,
        "type": art.type,
        "digest": art.digest,
        "description": art.description,
        "metadata": art.metadata,
        "size": art.size,
        "file_count": art.file_count,
        "created_at": art._created_at or time.time(),
        "ttl_seconds": art.ttl.total_seconds() if art.ttl is not None else None,
        "logged_by": art._logged_by,
    }


def save(art: Artifact) -> None:
    """Store edits of a logged version: aliases, description, metadata, ttl."""
    vdir = version_dir(art)
    coll = vdir.parent
    assert art._number is not None
    with storage.locked(coll):
        if not vdir.is_dir():
            raise ArtifactNotFoundError(f"{art.qualified_name} was deleted")
        info = storage.read_json(vdir / "version.json")
        info.update(
            description=art.description,
            metadata=art.metadata,
            ttl_seconds=art.ttl.total_seconds() if art.ttl is not None else None,
        )
        storage.write_json(vdir / "version.json", info)
        # Only the user's changes: an alias moved on by a later version stays there.
        added = [a for a in art.aliases if a not in art._saved_aliases]
        removed = [a for a in art._saved_aliases if a not in art.aliases]
        storage.set_aliases(coll, art._number, added, removed)
    art.aliases = storage.aliases_of(coll, art._number)
    art._saved_aliases = list(art.aliases)


def delete(art: Artifact, delete_aliases: bool) -> None:
    vdir = version_dir(art)
    assert art._number is not None
    with storage.locked(vdir.parent):
        held = [a for a in storage.aliases_of(vdir.parent, art._number) if a != "latest"]
        if held and not delete_aliases:
            raise ArtifactError(
                f"{art.qualified_name} has aliases {held}: pass delete_aliases=True to delete "
                "it and them"
            )
        storage.remove_version(vdir.parent, art._number)
    art._number = None


def logged_by(art: Artifact) -> RunRef | None:
    by = art._logged_by
    return RunRef(by["entity"], by["project"], by["run_id"]) if by else None


def used_by(art: Artifact) -> list[RunRef]:
    return [
        RunRef(u["entity"], u["project"], u["run_id"]) for u in storage.read_uses(version_dir(art))
    ]
