"""Artifacts through ``runbase.Api``: versions, collections and lineage, read from the
files under ``RUNBASE_DIR/artifacts`` (``sdk/artifacts/storage.py``), no database."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbase.sdk.artifacts import retention, storage, stored
from runbase.sdk.artifacts.artifact import Artifact
from runbase.sdk.artifacts.errors import ArtifactNotFoundError

if TYPE_CHECKING:
    from runbase.api.api import Api
    from runbase.api.run import Run


class PublicArtifact(Artifact):
    """An artifact version read through ``Api``: lineage comes back as ``Run`` objects."""

    _api: Api

    def logged_by(self) -> Run | None:
        ref = stored.logged_by(self)
        return self._api.run(ref.path) if ref else None

    def used_by(self) -> list[Run]:
        return [self._api.run(r.path) for r in stored.used_by(self)]


def _bind(api: Api, art: Artifact) -> PublicArtifact:
    assert isinstance(art, PublicArtifact)
    art._api = api
    return art


def artifact(api: Api, name: str, type: str | None = None) -> PublicArtifact:
    p = stored.parse(name)
    entity = p.entity or api.default_entity
    project = p.project or api.default_project
    if project is None:
        raise ValueError(
            f"artifact {name!r}: give 'project/name:version', or set overrides={{'project': ...}}"
        )
    art = stored.load(api.root, entity, project, p.name, p.ref, type, PublicArtifact)
    return _bind(api, art)


class ArtifactCollection:
    """All versions of one artifact name (``Api().artifact_collection(type, name)``)."""

    def __init__(self, api: Api, coll: Path, entity: str, project: str) -> None:
        self._api = api
        self._dir = coll
        info = storage.read_json(coll / "collection.json")
        self.entity, self.project, self.name = entity, project, coll.name
        self.type: str = info["type"]
        self.description: str | None = info.get("description")
        self.created_at: float | None = info.get("created_at")

    @property
    def aliases(self) -> list[str]:
        return sorted(storage.read_aliases(self._dir))

    @property
    def retention(self) -> dict[str, Any]:
        return retention.policy_of(self._dir)

    def set_retention(
        self, keep_last: int | None = None, keep_aliased: bool = True, ttl: timedelta | None = None
    ) -> dict[str, Any]:
        """Keep the last N versions, aliased ones, or those younger than ``ttl``; gc applies it."""
        return retention.set_policy(self._dir, keep_last, keep_aliased, ttl)

    def versions(self) -> list[PublicArtifact]:
        """Every version, oldest first."""
        out = []
        for number in storage.version_numbers(self._dir):
            try:
                art = stored.load_version(
                    self._api.root, self.entity, self.project, self._dir, number, PublicArtifact
                )
            except ArtifactNotFoundError:
                continue  # deleted while listing
            out.append(_bind(self._api, art))
        return out

    def artifacts(self) -> list[PublicArtifact]:
        return self.versions()

    def __repr__(self) -> str:
        return f"<ArtifactCollection {self.entity}/{self.project}/{self.name} ({self.type})>"


def collections(api: Api, project: str | None, type_name: str | None) -> list[ArtifactCollection]:
    entity, proj = api._project_path(project)
    out = [
        ArtifactCollection(api, c, entity, proj)
        for c in storage.collections(api.root, entity, proj)
    ]
    return [c for c in out if type_name is None or c.type == type_name]


def collection(api: Api, type_name: str | None, name: str) -> ArtifactCollection:
    p = stored.parse(name)
    entity = p.entity or api.default_entity
    project = p.project or api.default_project
    coll = storage.collection_dir(api.root, entity, project or "", p.name)
    if project is None or not (coll / "collection.json").is_file():
        raise ArtifactNotFoundError(f"no artifact collection {name!r} (give 'project/name')")
    found = ArtifactCollection(api, coll, entity, project)
    if type_name is not None and found.type != type_name:
        raise ArtifactNotFoundError(f"artifact {name!r} has type {found.type!r}, not {type_name!r}")
    return found


def run_artifacts(run: Run, used: bool) -> list[PublicArtifact]:
    """The versions a run logged (or used), found from their lineage files."""
    api: Api = run._api
    entity, project, run_id = run._key
    out = []
    for coll in retention.all_collections(api.root):
        for number in storage.version_numbers(coll):
            vdir = coll / f"v{number}"
            if used:
                hit = any(
                    (u["entity"], u["project"], u["run_id"]) == (entity, project, run_id)
                    for u in storage.read_uses(vdir)
                )
            else:
                by = _logged_by(vdir)
                hit = by is not None and (by["entity"], by["project"], by["run_id"]) == run._key
            if hit:
                e, p = coll.parent.parent.name, coll.parent.name
                art = stored.load_version(api.root, e, p, coll, number, PublicArtifact)
                out.append(_bind(api, art))
    return out


def _logged_by(vdir: Path) -> dict[str, Any] | None:
    try:
        by = storage.read_json(vdir / "version.json").get("logged_by")
    except (OSError, ValueError):
        return None
    return by if isinstance(by, dict) else None
