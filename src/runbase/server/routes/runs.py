"""Runs: a project's runs filtered, sorted and paginated on the server; CSV
export; one run; edits and deletes (appended to the run's record files).

Handlers are plain ``def``: FastAPI runs them in its thread pool, so a slow
query never holds up the event loop and the other requests.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from runbase.server import shapes
from runbase.server.csvout import runs_csv
from runbase.server.deps import FreshStore, Holder, fast_json, project_or_404, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.filters import FilterError, runs_filter
from runbase.server.models import Deleted, RunDetail, RunsPage
from runbase.store import Store, edits, queries

router = APIRouter(responses=BAD_INPUT, tags=["runs"])

MAX_LIMIT = 1000
# A database integer is 64-bit; a bigger offset is a 400, not an overflow.
MAX_OFFSET = 2**63 - 1

FiltersQ = Annotated[
    str | None,
    Query(description='Mongo-style JSON, e.g. {"config.lr": {"$gt": 0.01}}'),
]
SearchQ = Annotated[str | None, Query(description="regex on run names")]
OrderQ = Annotated[
    str,
    Query(
        description="comma list of keys, '-' for descending: name, state, created_at, runtime, "
        "user, group, job_type, sweep, config.<k>, summary.<k>, min:<metric>, max:<metric>"
    ),
]


class RunPatch(BaseModel):
    """Fields of a run the web app may edit; each is optional."""

    name: str | None = Field(default=None, max_length=512)
    notes: str | None = Field(default=None, max_length=100_000)
    tags: list[Annotated[str, Field(min_length=1, max_length=256)]] | None = None


class DeleteRuns(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=10_000)


def best(
    store: Store, entity: str, project: str, run_ids: list[str]
) -> dict[str, dict[str, queries.MetricStats]]:
    """``{run_id: {metric: stats}}``; the app shows no keys starting with ``_``."""
    found = queries.metric_stats(store, entity, project, run_ids)
    return {
        rid: {k: s for k, s in keys.items() if not k.startswith("_")} for rid, keys in found.items()
    }


def _runs_out(
    store: Store, entity: str, project: str, runs: list[queries.RunRow]
) -> list[dict[str, Any]]:
    stats = best(store, entity, project, [r.id for r in runs])
    return [shapes.run_out(r, stats.get(r.id)) for r in runs]


def _run_detail(store: Store, entity: str, project: str, run_id: str) -> Response:
    run = run_or_404(store, entity, project, run_id)
    stats = best(store, entity, project, [run.id]).get(run.id)
    return fast_json(shapes.run_detail_out(run, stats))


def query_page(
    store: Store, entity: str, project: str, filters: str | None, search: str | None,
    order: str, limit: int | None, offset: int,
) -> queries.RunsPage:  # fmt: skip
    """A page of runs as ``/runs`` reads it (a bad filter or order is a 400)."""
    page = counting_page(store, entity, project, filters, search, order, limit, offset)
    return queries.RunsPage(page.total(), page.runs)


def counting_page(
    store: Store, entity: str, project: str, filters: str | None, search: str | None,
    order: str, limit: int | None, offset: int,
) -> queries.CountingPage:  # fmt: skip
    """``query_page`` whose ``total()`` may still be counting (a 400 from either)."""
    flt = runs_filter(filters, search)
    try:
        page = queries.query_runs_counting(
            store, entity, project, filters=flt, order=order, limit=limit, offset=offset
        )
    except ValueError as e:  # the store rejects what it cannot express (bad key, type)
        raise FilterError(str(e)) from None

    def total() -> int:
        try:
            return page.total()
        except ValueError as e:
            raise FilterError(str(e)) from None

    return queries.CountingPage(page.runs, total)


@router.get("/projects/{entity}/{project}/runs", response_model=RunsPage, responses=NOT_FOUND)
def list_runs(
    store: FreshStore,
    entity: str,
    project: str,
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: OrderQ = "-created_at",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """Runs of a project, filtered, sorted and paginated on the server."""
    project_or_404(store, entity, project)
    page = counting_page(store, entity, project, filters, search, order, limit, offset)
    runs = _runs_out(store, entity, project, page.runs)  # while the matches are counted
    return fast_json({"total": page.total(), "limit": limit, "offset": offset, "runs": runs})


@router.get(
    "/projects/{entity}/{project}/runs.csv",
    responses={200: {"description": "The runs as CSV", "content": {"text/csv": {}}}, **NOT_FOUND},
)
def export_runs(
    store: FreshStore,
    entity: str,
    project: str,
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: OrderQ = "-created_at",
) -> StreamingResponse:
    """Every run matching the filter, as CSV (run fields, config.*, summary.*)."""
    project_or_404(store, entity, project)

    def pages() -> Iterator[list[dict[str, Any]]]:
        offset = 0
        while True:
            res = query_page(store, entity, project, filters, search, order, MAX_LIMIT, offset)
            runs = [shapes.run_out(r) for r in res.runs]
            yield runs
            offset += len(runs)
            if not runs or offset >= res.total:
                return

    # Collect first: a filter error must be a 400, not a broken download.
    all_pages = list(pages())
    fname = f"{project}-runs.csv".replace('"', "")
    return StreamingResponse(
        runs_csv(all_pages),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{fname}"'},
    )


@router.post(
    "/projects/{entity}/{project}/runs/delete",
    response_model=Deleted,
    responses={**NOT_FOUND, **WRITE},
)
def delete_runs(hold: Holder, entity: str, project: str, body: DeleteRuns) -> Response:
    """Delete several runs (their record files and index rows)."""
    store = hold.fresh()
    project_or_404(store, entity, project)
    n = edits.delete_runs(store, entity, project, body.ids)
    hold.force_sync()
    return fast_json({"deleted": n})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}", response_model=RunDetail, responses=NOT_FOUND
)
def get_run(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """One run with its config, summary, metadata and best values."""
    return _run_detail(store, entity, project, run_id)


@router.patch(
    "/projects/{entity}/{project}/runs/{run_id}",
    response_model=RunDetail,
    responses={**NOT_FOUND, **WRITE},
)
def patch_run(hold: Holder, entity: str, project: str, run_id: str, patch: RunPatch) -> Response:
    """Edit name, notes or tags. The edit is appended to the run's edits stream."""
    store = hold.fresh()
    run_or_404(store, entity, project, run_id)
    fields = patch.model_dump(exclude_none=True)
    if "name" in fields and not fields["name"].strip():
        raise HTTPException(400, "a run name cannot be empty")
    if fields:
        try:
            edits.update_run(store, entity, project, run_id, **fields)
        except ValueError as e:
            raise HTTPException(400, str(e)) from None
        store = hold.force_sync()
    return _run_detail(store, entity, project, run_id)


@router.delete(
    "/projects/{entity}/{project}/runs/{run_id}",
    response_model=Deleted,
    responses={**NOT_FOUND, **WRITE},
)
def delete_run(hold: Holder, entity: str, project: str, run_id: str) -> Response:
    """Delete one run."""
    store = hold.fresh()
    run_or_404(store, entity, project, run_id)
    edits.delete_runs(store, entity, project, [run_id])
    hold.force_sync()
    return fast_json({"deleted": 1})
