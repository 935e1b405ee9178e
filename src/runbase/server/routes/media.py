"""Media logged in history, for media panels: the keys of some runs, the steps at
which each run logged a key (a step slider), and a key of several runs at one step.

A run that does not exist or never logged the key is left out, so one request
serves every visible run of a workspace. Each run shows the nearest step it
logged at or before the step asked for, else its first logged step after it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response

from runbase.blobs import BlobStore
from runbase.server.deps import BoxesCache, FreshStore, fast_json, project_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.media_files import FileShaper
from runbase.server.models import MediaAtStep, MediaFirst, MediaKeys, MediaSteps
from runbase.server.routes.runs import FiltersQ, OrderQ, SearchQ, query_page
from runbase.store import queries

router = APIRouter(responses={**BAD_INPUT, **NOT_FOUND}, tags=["media"])

MAX_MEDIA_RUNS = 100
MAX_FIRST_KEYS = 50
# Steps are 64-bit integers in the database.
MAX_STEP = 2**63 - 1

RunsQ = Annotated[str, Query(description="comma-separated run ids")]
KeyQ = Annotated[str, Query(min_length=1, description="a media key, as logged")]
StepQ = Annotated[int, Query(ge=-MAX_STEP, le=MAX_STEP, description="the step to show")]


def _blobs(request: Request) -> BlobStore | None:
    """The team server's blob store (shipped runs' files); None on ``runbase ui``."""
    return getattr(request.app.state, "blobs", None)


def _run_ids(runs: str) -> list[str]:
    ids = list(dict.fromkeys(r for r in runs.split(",") if r))
    if len(ids) > MAX_MEDIA_RUNS:
        raise HTTPException(400, f"at most {MAX_MEDIA_RUNS} runs per request: ask in parts")
    return ids


FirstQ = Annotated[
    int | None,
    Query(ge=1, le=MAX_MEDIA_RUNS, description="instead of runs: the first N runs of the query"),
]


@router.get("/projects/{entity}/{project}/media/keys", response_model=MediaKeys)
def media_keys(
    store: FreshStore,
    entity: str,
    project: str,
    runs: Annotated[str | None, Query(description="comma-separated run ids")] = None,
    first: FirstQ = None,
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: OrderQ = "-created_at",
) -> Response:
    """The media keys the runs logged, with their kind, how many of the runs logged
    each and which (``run_ids``); ``wandb.plot`` charts appear as kind ``chart``
    (their tables as ``table``). The runs are ``runs``, or the ``first`` runs of
    ``filters``, ``search`` and ``order`` as ``/runs`` reads them (so a workspace
    asks for its media keys alongside its runs, not after them); ``run_ids`` at
    the top level lists the runs asked about."""
    project_or_404(store, entity, project)
    if runs is not None:
        ids = _run_ids(runs)
    elif first is not None:
        page = query_page(store, entity, project, filters, search, order, first, 0)
        ids = [r.id for r in page.runs]
    else:
        raise HTTPException(400, "give runs (run ids) or first (the first N runs of a query)")
    keys = queries.media_keys_of(store, entity, project, ids)
    return fast_json(
        {"keys": [{"key": k.key, "kind": k.kind, "runs": k.runs, "run_ids": list(k.run_ids)}
                  for k in keys],
         "run_ids": ids}
    )  # fmt: skip


MergedQ = Annotated[
    bool, Query(description="only the steps any run logged (a slider's stops), not each run's")
]


@router.get("/projects/{entity}/{project}/media/steps", response_model=MediaSteps)
def media_steps(
    store: FreshStore, entity: str, project: str, key: KeyQ, runs: RunsQ, merged: MergedQ = False
) -> Response:
    """The steps at which each run logged ``key``, ascending, and ``steps``: every
    step any of them logged, once each. With ``merged``, ``runs`` is left empty:
    a slider needs only its stops, a twentieth of the answer for 20 runs."""
    project_or_404(store, entity, project)
    ids = _run_ids(runs)
    if merged:
        union = queries.media_step_union(store, entity, project, key, ids)
        return fast_json({"key": key, "runs": [], "steps": union})
    per_run = queries.media_steps(store, entity, project, key, ids)
    union = sorted({s for steps in per_run.values() for s in steps})
    out = [{"run_id": r, "steps": s} for r, s in per_run.items()]
    return fast_json({"key": key, "runs": out, "steps": union})


@router.get("/projects/{entity}/{project}/media", response_model=MediaAtStep)
def media_at_step(
    request: Request,
    store: FreshStore,
    boxes: BoxesCache,
    entity: str,
    project: str,
    key: KeyQ,
    runs: RunsQ,
    step: StepQ,
) -> Response:
    """``key`` of each run at ``step`` (per run the nearest logged step at or before it,
    else the first after), with the files to show: URLs, captions, sizes, masks with
    their class labels, and boxes read from their files."""
    project_or_404(store, entity, project)
    found = queries.media_at_step(store, entity, project, key, _run_ids(runs), step)
    shaper = FileShaper(store, entity, project, key, boxes, _blobs(request))
    return fast_json({"key": key, "step": step, "items": [shaper.item(it) for it in found]})


@router.get("/projects/{entity}/{project}/media/first", response_model=MediaFirst)
def media_first(
    request: Request,
    store: FreshStore,
    boxes: BoxesCache,
    entity: str,
    project: str,
    key: Annotated[list[str], Query(description="media keys (repeat the parameter)")],
    runs: RunsQ,
) -> Response:
    """What the media panels of a page show when it opens, in one request: for each
    ``key``, every step any of the runs logged it (the slider's stops) and the items
    at the last of them (each run's last logged step)."""
    project_or_404(store, entity, project)
    names = list(dict.fromkeys(k for k in key if k))
    if not names or len(names) > MAX_FIRST_KEYS:
        raise HTTPException(400, f"give 1 to {MAX_FIRST_KEYS} keys per request: ask in parts")
    ids = _run_ids(runs)
    out = []
    for name in names:
        steps = queries.media_step_union(store, entity, project, name, ids)
        found = queries.media_at_step(store, entity, project, name, ids, steps[-1]) if steps else []
        shaper = FileShaper(store, entity, project, name, boxes, _blobs(request))
        out.append({"key": name, "steps": steps, "items": [shaper.item(it) for it in found]})
    return fast_json({"keys": out})
