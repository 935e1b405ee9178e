"""Committing a draft as the next version of its collection (or finding it already there).

Under the collection lock: the collection is created or its type checked, content
identical to an existing version returns that version (W&B's digest deduplication),
otherwise the manifest and version.json are written to a staging folder that one rename
makes ``vN``; then the aliases move (``latest`` always). A process killed at any point
leaves either no version or a whole one.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbase.records.layout import blob_path
from runbase.sdk.artifacts import ingest, storage, stored
from runbase.sdk.artifacts.errors import ArtifactError
from runbase.sdk.artifacts.manifest import manifest_json

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact


def commit(
    art: Artifact,
    root: Path,
    entity: str,
    project: str,
    aliases: list[str],
    logged_by: dict[str, Any] | None,
) -> Artifact:
    """Make ``art`` a version of ``entity/project/<name>``; it becomes that version."""
    if art._number is not None:
        return art  # logged already (W&B returns it as it is)
    aliases = _aliases(aliases)
    coll = storage.collection_dir(root, entity, project, art._name)
    with storage.gc_lock(root, exclusive=False), storage.locked(coll):
        storage.ensure_collection(coll, art._name, art.type, art.description)
        if art.incremental:
            _merge_latest(art, root, entity, project, coll)
        _bring_blobs(art, root)
        number = storage.find_digest(coll, art.digest)
        if number is None:
            art._logged_by = logged_by
            files = {
                "manifest.json": manifest_json(art._entries),
                "version.json": stored.version_info(art),
            }
            number = storage.commit_version(coll, files)
        storage.set_aliases(coll, number, ["latest", *aliases])
    logged = stored.load_version(root, entity, project, coll, number)
    _become(art, logged)
    return art


def _aliases(aliases: Any) -> list[str]:
    if aliases is None:
        return []
    if isinstance(aliases, str):
        aliases = [aliases]
    return [storage.check_alias(a) for a in aliases if a != "latest"]


def _merge_latest(art: Artifact, root: Path, entity: str, project: str, coll: Path) -> None:
    """An incremental draft holds the latest version's files under its own."""
    numbers = storage.version_numbers(coll)
    if numbers:
        base = stored.load_version(root, entity, project, coll, numbers[-1])
        art._entries = {**base._entries, **art._entries}


def _bring_blobs(art: Artifact, root: Path) -> None:
    """Check that every blob is in ``root``'s store (a draft made under another
    RUNBASE_DIR has its blobs there: they are linked or copied over)."""
    for entry in art._entries.values():
        if entry.sha256 is None:
            continue
        dst = blob_path(root, entry.sha256)
        if dst.exists():
            continue
        src = blob_path(art._root, entry.sha256)
        if not src.exists():
            raise ArtifactError(
                f"the stored bytes of {entry.path!r} were removed (artifact gc?) after "
                "they were added; add the file again and log once more"
            )
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except FileExistsError:
            pass
        except OSError:  # another file system: a copy, named only once whole
            ingest.store_file(root, src, src.stat())


def _become(art: Artifact, logged: Artifact) -> None:
    art._root = logged._root
    art._entries = logged._entries
    art._entity, art._project, art._number = logged._entity, logged._project, logged._number
    art._created_at = logged._created_at
    art._logged_by = logged._logged_by
    art.aliases = logged.aliases
    art._saved_aliases = list(logged.aliases)
    art.metadata = logged.metadata
    art.description = logged.description
    art.ttl = logged.ttl
