"""Bulk edits from the runs table: add and remove tags on several runs at once, move
runs to another project."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.server.deps import Holder, fast_json, project_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.store import edits, queries

router = APIRouter(responses=BAD_INPUT, tags=["runs"])

Tag = Annotated[str, Field(min_length=1, max_length=256)]


class BulkTags(BaseModel):
    """Runs by id, and the tags to add to and remove from each."""

    ids: list[str] = Field(min_length=1, max_length=10_000)
    add: list[Tag] = Field(default_factory=list, max_length=100)
    remove: list[Tag] = Field(default_factory=list, max_length=100)


class Tagged(BaseModel):
    """How many runs changed."""

    updated: int


@router.post(
    "/projects/{entity}/{project}/runs/tags",
    response_model=Tagged,
    responses={**NOT_FOUND, **WRITE},
)
def tag_runs(hold: Holder, entity: str, project: str, body: BulkTags) -> Response:
    """Add ``add`` to and remove ``remove`` from the tags of every run in ``ids``.

    Each run keeps its other tags, in their order. A run whose tags already are
    what they would become is left alone. An id that is not a run of the
    project is a 404 and nothing changes.
    """
    store = hold.fresh()
    project_or_404(store, entity, project)
    add = [t.strip() for t in body.add]
    remove = {t.strip() for t in body.remove}
    if not add and not remove:
        raise HTTPException(400, "give tags to add or to remove (add: [...], remove: [...])")
    if any(not t for t in add) or "" in remove:
        raise HTTPException(400, "a tag cannot be blank")
    ids = list(dict.fromkeys(body.ids))
    runs = {rid: queries.get_run(store, entity, project, rid) for rid in ids}
    missing = [rid for rid, r in runs.items() if r is None]
    if missing:
        raise HTTPException(404, f"no run {missing[0]!r} in {entity}/{project}; nothing was tagged")
    updated = 0
    for rid, run in runs.items():
        assert run is not None
        tags = [t for t in run.tags if t not in remove] + [
            t for t in add if t not in run.tags and t not in remove
        ]
        if tags != list(run.tags):
            edits.update_run(store, entity, project, rid, tags=tags)
            updated += 1
    if updated:
        hold.force_sync()
    return fast_json({"updated": updated})


class BulkMove(BaseModel):
    """Runs by id, and the project (of the same entity) to move them to."""

    ids: list[str] = Field(min_length=1, max_length=10_000)
    project: str = Field(min_length=1, max_length=128)


class Moved(BaseModel):
    """How many runs moved, and where to."""

    moved: int
    entity: str
    project: str


@router.post(
    "/projects/{entity}/{project}/runs/move",
    response_model=Moved,
    responses={**NOT_FOUND, **WRITE},
)
def move_runs(hold: Holder, entity: str, project: str, body: BulkMove) -> Response:
    """Move the runs in ``ids`` to project ``project`` of the same entity (new or not).

    A run keeps its id; its URL becomes ``/<entity>/<project>/runs/<id>``. Its
    history, media, files, logs and edits go with it; artifacts and sweeps stay.
    Every run is checked first, and nothing moves when one cannot: an unknown id
    is a 404, an id the target already has a 409, a running run or a sweep's run
    a 400.
    """
    store = hold.fresh()
    project_or_404(store, entity, project)
    try:
        moved = edits.move_runs(store, entity, project, body.ids, body.project)
    except edits.MoveRefused as e:
        raise HTTPException(409 if e.conflict else 400, str(e)) from None
    except queries.RunNotFound as e:
        raise HTTPException(404, str(e)) from None
    hold.force_sync()
    return fast_json({"moved": moved, "entity": entity, "project": body.project})
