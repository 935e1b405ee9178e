"""Artifacts: a project's collections by type, a collection's versions, a version's
file tree and files, a run's logged and used versions, and lineage graphs.

Read from the artifact files through ``ArtifactIndex`` (cached by stat; see
``server/artifact_index.py``); the store only names the runs. A version's files are
what a training script put there, so they are served as run files are
(``routes/files.py``): ``nosniff``, a sandboxing CSP, and only passive types inline.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, Response

from runbase.server import artifact_shapes as shapes
from runbase.server.artifact_index import ArtifactIndex, Collection, Version
from runbase.server.deps import FreshStore, fast_json, project_or_404, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import (
    ArtifactFiles,
    ArtifactTypes,
    ArtifactVersionDetail,
    ArtifactVersionList,
    Lineage,
    RunArtifacts,
)
from runbase.server.routes.files import IMMUTABLE, disposition
from runbase.server.security import FILE_CSP
from runbase.server.shapes import media_type

router = APIRouter(responses=BAD_INPUT, tags=["artifacts"])

P = "/projects/{entity}/{project}"
V = P + "/artifacts/{name}/versions/{version}"


def artifact_index(request: Request) -> ArtifactIndex:
    """The app's artifact index (made at the first request: the store knows the root)."""
    index = getattr(request.app.state, "artifacts", None)
    if index is None:
        index = request.app.state.artifacts = ArtifactIndex(request.app.state.store.store.root)
    return index


Index = Annotated[ArtifactIndex, Depends(artifact_index)]
Depth = Annotated[int, Query(ge=1, le=10, description="Steps from the root (run → version is one)")]


def _collection(index: ArtifactIndex, entity: str, project: str, name: str) -> Collection:
    c = index.collection(entity, project, name)
    if c is None:
        raise HTTPException(404, f"no artifact {entity}/{project}/{name}")
    return c


def _version(
    index: ArtifactIndex, entity: str, project: str, name: str, ref: str
) -> tuple[Collection, Version]:
    c = _collection(index, entity, project, name)
    v = c.resolve(ref)
    if v is None:
        raise HTTPException(
            404, f"artifact {entity}/{project}/{name} has no version or alias {ref!r}"
        )
    return c, v


@router.get(P + "/artifacts", response_model=ArtifactTypes, responses=NOT_FOUND)
def project_artifacts(store: FreshStore, index: Index, entity: str, project: str) -> Response:
    """The project's artifact collections, grouped by type (empty when it has none).

    404 when the project has neither runs nor artifacts."""
    collections = index.project(entity, project)
    if not collections:
        project_or_404(store, entity, project)
    return fast_json(shapes.by_type(collections))


@router.get(
    P + "/artifacts/{name}/versions", response_model=ArtifactVersionList, responses=NOT_FOUND
)
def artifact_versions(
    store: FreshStore,
    index: Index,
    entity: str,
    project: str,
    name: str,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """A collection's versions, newest first, with their aliases and the run that logged each."""
    c = _collection(index, entity, project, name)
    page = c.versions[offset : offset + limit]
    names = shapes.run_names(store, [v.logged_by for v in page if v.logged_by])
    return fast_json(
        {
            "collection": shapes.collection_out(c),
            "total": len(c.versions),
            "versions": [shapes.version_out(c, v, names) for v in page],
        }
    )


@router.get(V, response_model=ArtifactVersionDetail, responses=NOT_FOUND)
def artifact_version(
    store: FreshStore, index: Index, entity: str, project: str, name: str, version: str
) -> Response:
    """One version (``v3``, ``3`` or an alias such as ``latest``) and the runs that used it."""
    c, v = _version(index, entity, project, name, version)
    runs = [v.logged_by, *v.used_by] if v.logged_by else list(v.used_by)
    names = shapes.run_names(store, runs)
    body = shapes.version_out(c, v, names)
    body["used_by"] = [shapes.run_link(u, names) for u in v.used_by]
    return fast_json(body)


@router.get(V + "/files", response_model=ArtifactFiles, responses=NOT_FOUND)
def artifact_files(
    index: Index,
    entity: str,
    project: str,
    name: str,
    version: str,
    dir: str = "",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> Response:
    """One folder of the version's file tree (``dir``, "" for the top), folders first."""
    c, v = _version(index, entity, project, name, version)
    entries = shapes.tree_level(index.manifest(c, v.number), dir)
    if dir.strip("/") and not entries:
        raise HTTPException(404, f"no folder {dir!r} in {c.name}:v{v.number}")
    return fast_json(
        {"dir": dir.strip("/"), "total": len(entries), "entries": entries[offset : offset + limit]}
    )


@router.get(
    V + "/files/{path:path}",
    responses={200: {"description": "The file's bytes", "content": {"*/*": {}}}, **NOT_FOUND},
)
def artifact_file(
    index: Index,
    entity: str,
    project: str,
    name: str,
    version: str,
    path: str,
    download: bool = False,
) -> Response:
    """One file's bytes, served as run files are: script-capable types (HTML, SVG, ...)
    always download; ``?download=1`` asks the browser to save any file."""
    c, v = _version(index, entity, project, name, version)
    entry = index.manifest(c, v.number).get(path)
    if not isinstance(entry, dict):
        raise HTTPException(404, f"no file {path!r} in {c.name}:v{v.number}")
    sha = (entry.get("extra") or {}).get("sha256")
    if entry.get("ref") or not isinstance(sha, str):
        raise HTTPException(404, f"{path!r} is a reference to {entry.get('ref')!r}, not stored")
    blob = index.blob_path(sha)
    if not blob.is_file():
        raise HTTPException(404, f"the bytes of {path!r} are gone from the blob store")
    media = media_type(Path(path))  # by the name in the artifact, not the blob's
    return FileResponse(
        blob,
        media_type=media,
        filename=PurePosixPath(path).name,
        content_disposition_type="attachment" if download else disposition(media),
        # The URL names a version, whose files never change.
        headers={"content-security-policy": FILE_CSP, "cache-control": IMMUTABLE},
    )


@router.get(V + "/lineage", response_model=Lineage, responses=NOT_FOUND)
def version_lineage(
    store: FreshStore,
    index: Index,
    entity: str,
    project: str,
    name: str,
    version: str,
    depth: Depth = 3,
) -> Response:
    """Runs and versions around this version, at most ``depth`` steps away (≤ 200 nodes)."""
    c, v = _version(index, entity, project, name, version)
    graph = shapes.LineageGraph(index.everything())
    root = (c.entity, c.project, c.name, v.number)
    return fast_json(shapes.lineage_out(store, graph, root, depth))


@router.get(P + "/runs/{run_id}/artifacts", response_model=RunArtifacts, responses=NOT_FOUND)
def run_artifacts(
    store: FreshStore, index: Index, entity: str, project: str, run_id: str
) -> Response:
    """The versions the run logged (its outputs) and used (its inputs)."""
    run_or_404(store, entity, project, run_id)
    graph = shapes.LineageGraph(index.everything())
    key = (entity, project, run_id)
    found = [graph.versions[k] for k in graph.outputs.get(key, []) + graph.inputs.get(key, [])]
    names = shapes.run_names(store, [v.logged_by for _, v in found if v.logged_by])
    out = [shapes.version_out(c, v, names) for c, v in found]
    n = len(graph.outputs.get(key, []))
    return fast_json({"logged": out[:n], "used": out[n:]})


@router.get(P + "/runs/{run_id}/lineage", response_model=Lineage, responses=NOT_FOUND)
def run_lineage(
    store: FreshStore, index: Index, entity: str, project: str, run_id: str, depth: Depth = 3
) -> Response:
    """Versions and runs around this run, at most ``depth`` steps away (≤ 200 nodes)."""
    run_or_404(store, entity, project, run_id)
    graph = shapes.LineageGraph(index.everything())
    return fast_json(shapes.lineage_out(store, graph, (entity, project, run_id), depth))
