"""The run's artifact calls (W&B's names), mixed into ``Run``.

Each logged or used version is also a record in the run's segment (``ARTIFACT_LOGGED``,
``ARTIFACT_USED``; docs/records.md), so the store can index lineage from the records,
and is noted in the version's own files (``logged_by``, ``used_by.jsonl``), so the read
API needs no database. Nothing here loads until a run first calls one of these.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbase.records import Kind

if TYPE_CHECKING:
    from runbase.sdk.artifacts.artifact import Artifact


class ArtifactMethods:
    """``log_artifact``, ``use_artifact``, ``link_artifact`` and the model shortcuts."""

    _root: Path
    _entity: str
    _project: str
    _id: str

    if TYPE_CHECKING:

        def _check_open(self, what: str) -> None: ...
        def _emit(self, kind: int, payload: Any) -> None: ...

    def _me(self) -> dict[str, Any]:
        return {"entity": self._entity, "project": self._project, "run_id": self._id}

    def log_artifact(
        self,
        artifact_or_path: Artifact | str | os.PathLike[str],
        name: str | None = None,
        type: str | None = None,
        aliases: list[str] | None = None,
        tags: list[str] | None = None,
    ) -> Artifact:
        """Log a version (``latest`` always among its aliases); identical content
        returns the version that already holds it."""
        self._check_open("log_artifact()")
        from runbase.sdk.artifacts.commit import commit

        art = _as_artifact(artifact_or_path, name, type)
        commit(art, self._root, self._entity, self._project, list(aliases or []), self._me())
        self._emit_lineage(Kind.ARTIFACT_LOGGED, art)
        return art

    def use_artifact(
        self,
        artifact_or_name: Artifact | str,
        type: str | None = None,
        aliases: list[str] | None = None,
        use_as: str | None = None,
    ) -> Artifact:
        """Mark a version as this run's input: ``"name"``, ``"name:v3"``, ``"name:best"``,
        ``"project/name:v3"``, ``"entity/project/name:v3"``, or an Artifact."""
        self._check_open("use_artifact()")
        from runbase.sdk.artifacts import storage, stored
        from runbase.sdk.artifacts.artifact import Artifact
        from runbase.sdk.artifacts.commit import commit

        if isinstance(artifact_or_name, Artifact):
            art = artifact_or_name
            if art.is_draft():  # W&B commits a draft that is used before it is logged
                commit(art, self._root, self._entity, self._project, list(aliases or []), None)
        else:
            p = stored.parse(artifact_or_name)
            art = stored.load(
                self._root,
                p.entity or self._entity,
                p.project or self._project,
                p.name,
                p.ref,
                type,
            )
        use = {**self._me(), "at": time.time()}
        storage.add_use(stored.version_dir(art), use)
        self._emit_lineage(Kind.ARTIFACT_USED, art)
        return art

    def link_artifact(
        self, artifact: Artifact, target_path: str, aliases: list[str] | None = None
    ) -> Artifact:
        """Link a logged version into another collection (a registry such as
        ``model-registry/resnet``): a version there with the same files, no copies."""
        self._check_open("link_artifact()")
        from runbase.sdk.artifacts import stored
        from runbase.sdk.artifacts.commit import commit

        if artifact.is_draft():
            self.log_artifact(artifact)
        p = stored.parse(target_path)
        if p.ref != "latest":
            raise ValueError(f"link_artifact target {target_path!r}: give a collection, no ':'")
        link = artifact.new_draft()
        link._name = p.name
        link.metadata = dict(artifact.metadata, linked_from=artifact.qualified_name)
        commit(
            link,
            self._root,
            p.entity or self._entity,
            p.project or self._project,
            list(aliases or []),
            artifact._logged_by,
        )
        return link

    def log_model(
        self,
        path: str | os.PathLike[str],
        name: str | None = None,
        aliases: list[str] | None = None,
    ) -> Artifact:
        """Log a model file or folder as an artifact of type ``model``."""
        default = f"run-{self._id}-{Path(path).name}"
        return self.log_artifact(path, name=name or default, type="model", aliases=aliases)

    def use_model(self, name: str) -> str:
        """Use a model version and download it; returns the local path."""
        art = self.use_artifact(name)
        if art.type != "model":
            raise ValueError(f"{art.name} has type {art.type!r}: use_model() takes a 'model'")
        return art.download()

    def link_model(
        self,
        path: str | os.PathLike[str],
        registered_model_name: str,
        name: str | None = None,
        aliases: list[str] | None = None,
    ) -> Artifact:
        """Log a model and link it into ``model-registry/<registered_model_name>``."""
        art = self.log_model(path, name=name)
        return self.link_artifact(art, f"model-registry/{registered_model_name}", aliases)

    def _emit_lineage(self, kind: int, art: Artifact) -> None:
        payload: dict[str, Any] = {
            "entity": art._entity,
            "project": art._project,
            "name": art._name,
            "version": art._number,
            "type": art.type,
            "digest": art.digest,
        }
        if kind == Kind.ARTIFACT_LOGGED:
            payload["aliases"] = list(art.aliases)
        self._emit(kind, payload)


def _as_artifact(obj: Any, name: str | None, type_: str | None) -> Artifact:
    from runbase.sdk.artifacts.artifact import Artifact

    if isinstance(obj, Artifact):
        return obj
    if not isinstance(obj, str | os.PathLike):
        raise TypeError(f"log_artifact takes an Artifact or a path, got {obj.__class__.__name__}")
    path = Path(obj)
    art = Artifact(name or path.name, type_ or "unspecified")
    if path.is_dir():
        art.add_dir(path)
    else:
        art.add_file(path)
    return art
