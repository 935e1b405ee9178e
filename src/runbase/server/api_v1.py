"""The JSON API, version 1: what the web app reads, and later the team server's API.

Routes are shaped for a multi-user server: everything lives under
``/projects/{entity}/{project}``, lists are paginated with ``limit``/``offset``
and return ``total``, and errors are ``{"detail": message}`` with 400 (bad
input), 404 (unknown project, run or file) or 500 (``errors.py``). Logs and
files are in ``api_files.py``.

Handlers are plain ``def``: FastAPI runs them in its thread pool, so a slow
query never holds up the event loop and the other requests.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from runbase.server import shapes
from runbase.server.api_files import router as files_router
from runbase.server.csvout import runs_csv
from runbase.server.deps import fast_json, fresh_store, holder, project_or_404, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.filters import FilterError, runs_filter
from runbase.server.seriescache import SeriesCache
from runbase.store import edits, queries

# Every route can answer 400 (a parameter out of range, a bad filter).
router = APIRouter(responses=BAD_INPUT)

MAX_LIMIT = 1000
MAX_BUCKETS = 10_000
MAX_SERIES_RUNS = 100
# A database integer is 64-bit; a bigger offset is a 400, not an overflow.
MAX_OFFSET = 2**63 - 1


def _best(store: Any, entity: str, project: str, run_ids: list[str]) -> dict[str, Any]:
    """``{run_id: {metric: stats}}``; the app shows no keys starting with ``_``."""
    found = queries.metric_stats(store, entity, project, run_ids)
    return {
        rid: {k: s for k, s in keys.items() if not k.startswith("_")} for rid, keys in found.items()
    }


def _runs_out(
    store: Any, entity: str, project: str, runs: list[dict[str, Any]], full: bool = False
) -> list[dict[str, Any]]:
    best = _best(store, entity, project, [r["id"] for r in runs])
    return [shapes.run_out(r, best.get(r["id"]), full=full) for r in runs]


class RunPatch(BaseModel):
    """Fields of a run the web app may edit; each is optional."""

    name: str | None = Field(default=None, max_length=512)
    notes: str | None = Field(default=None, max_length=100_000)
    tags: list[Annotated[str, Field(min_length=1, max_length=256)]] | None = None


class DeleteRuns(BaseModel):
    ids: list[str] = Field(min_length=1, max_length=10_000)


# --- projects ---------------------------------------------------------------


@router.get("/projects", tags=["projects"])
def list_projects(request: Request) -> dict[str, Any]:
    """Every project, with run count and last activity (unix seconds)."""
    store = fresh_store(request)
    rows = [shapes.project_out(p) for p in queries.list_projects(store)]
    rows.sort(key=lambda r: -(r["last_activity"] or 0))
    return {"total": len(rows), "projects": rows}


@router.get("/projects/{entity}/{project}", tags=["projects"], responses=NOT_FOUND)
def get_project(request: Request, entity: str, project: str) -> dict[str, Any]:
    """One project; 404 when it has no runs."""
    return project_or_404(fresh_store(request), entity, project)


@router.get("/projects/{entity}/{project}/columns", tags=["projects"], responses=NOT_FOUND)
def project_columns(request: Request, entity: str, project: str) -> dict[str, Any]:
    """Config keys, summary keys and history metric keys seen in the project."""
    store = fresh_store(request)
    project_or_404(store, entity, project)
    return queries.project_columns(store, entity, project)


# --- runs -------------------------------------------------------------------


def _query(
    store: Any,
    entity: str,
    project: str,
    filters: str | None,
    search: str | None,
    order: str,
    limit: int | None,
    offset: int,
) -> dict[str, Any]:
    flt = runs_filter(filters, search)
    try:
        return queries.query_runs(
            store, entity, project, filters=flt, order=order, limit=limit, offset=offset
        )
    except ValueError as e:  # the store rejects what it cannot express (bad key, type)
        raise FilterError(str(e)) from None


FiltersQ = Annotated[
    str | None,
    Query(description='Mongo-style JSON, e.g. {"config.lr": {"$gt": 0.01}}'),
]
SearchQ = Annotated[str | None, Query(description="regex on run names")]
OrderQ = Annotated[
    str,
    Query(
        description="comma list of keys, '-' for descending: name, state, created_at, runtime, "
        "user, group, job_type, config.<k>, summary.<k>, min:<metric>, max:<metric>"
    ),
]


@router.get("/projects/{entity}/{project}/runs", tags=["runs"], responses=NOT_FOUND)
def list_runs(
    request: Request,
    entity: str,
    project: str,
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: OrderQ = "-created_at",
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """Runs of a project, filtered, sorted and paginated on the server."""
    store = fresh_store(request)
    project_or_404(store, entity, project)
    res = _query(store, entity, project, filters, search, order, limit, offset)
    return fast_json(
        {
            "total": res["total"],
            "limit": limit,
            "offset": offset,
            "runs": _runs_out(store, entity, project, res["runs"]),
        }
    )


@router.get("/projects/{entity}/{project}/runs.csv", tags=["runs"], responses=NOT_FOUND)
def export_runs(
    request: Request,
    entity: str,
    project: str,
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: OrderQ = "-created_at",
) -> StreamingResponse:
    """Every run matching the filter, as CSV (run fields, config.*, summary.*)."""
    store = fresh_store(request)
    project_or_404(store, entity, project)

    def pages() -> Any:
        offset = 0
        while True:
            res = _query(store, entity, project, filters, search, order, MAX_LIMIT, offset)
            runs = [shapes.run_out(r) for r in res["runs"]]
            yield runs
            offset += len(runs)
            if not runs or offset >= res["total"]:
                return

    # Collect first: a filter error must be a 400, not a broken download.
    all_pages = list(pages())
    fname = f"{project}-runs.csv".replace('"', "")
    return StreamingResponse(
        runs_csv(all_pages),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{fname}"'},
    )


MAX_GROUPS = 10_000
GROUPS_TTL = 10.0
_groups_cache = SeriesCache(max_entries=64)


@router.get("/projects/{entity}/{project}/groups", tags=["runs"], responses=NOT_FOUND)
def list_groups(
    request: Request,
    entity: str,
    project: str,
    by: Annotated[
        str,
        Query(
            min_length=1,
            description="any sort key: config.<k>, summary.<k>, state, tags (the first tag), "
            "user, host, group, job_type, name, created_at, runtime, min:<metric>, ...",
        ),
    ],
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: Annotated[
        str | None,
        Query(description="as for /runs; it is made to start with `by` (ascending) if it does not"),
    ] = None,
) -> Response:
    """The matching runs grouped by one field: ``{"by", "order", "total", "groups":
    [{"value", "count", "offset"}]}``.

    Groups come in the order of ``order``, and ``offset`` is where a group's first
    run sits in ``/runs`` with the same filters, search and order, so a client
    pages one group's runs with ``offset`` and ``limit`` (the web app's grouped
    table and grouped charts do). At most 10,000 groups come back.
    """
    store = fresh_store(request)
    proj = project_or_404(store, entity, project)
    order_s = queries.group_order(by, order)
    try:
        queries.filters_order(order_s)  # the store says which keys it groups by
    except ValueError as e:
        raise FilterError(f"cannot group by {by!r}: {e}") from None
    # A workspace polls every few seconds: answer from memory while the project's
    # run count and last activity stay the same (and for at most GROUPS_TTL s,
    # since a crash or an edit changes runs without new activity).
    ck = (str(store.url), entity, project, by, filters, search, order_s)
    stamp = (proj["run_count"], proj["last_activity"])
    hit = _groups_cache.get(ck)
    if hit is not None and hit["stamp"] == stamp and time.monotonic() - hit["t"] < GROUPS_TTL:
        return fast_json(hit["body"])
    # GROUP BY in the store: counts and offsets without reading the runs.
    flt = runs_filter(filters, search)
    try:
        body = queries.group_counts(
            store, entity, project, by, filters=flt, order=order_s, limit=MAX_GROUPS
        )
    except ValueError as e:  # the store rejects what it cannot express (bad key, type)
        raise FilterError(str(e)) from None
    _groups_cache.put(ck, {"stamp": stamp, "t": time.monotonic(), "body": body})
    return fast_json(body)


@router.post(
    "/projects/{entity}/{project}/runs/delete", tags=["runs"], responses={**NOT_FOUND, **WRITE}
)
def delete_runs(request: Request, entity: str, project: str, body: DeleteRuns) -> dict[str, Any]:
    """Delete several runs (their record files and index rows)."""
    hold = holder(request)
    store = hold.fresh()
    project_or_404(store, entity, project)
    n = edits.delete_runs(store, entity, project, body.ids)
    hold.force_sync()
    return {"deleted": n}


@router.get("/projects/{entity}/{project}/runs/{run_id}", tags=["runs"], responses=NOT_FOUND)
def get_run(request: Request, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """One run with its config, summary, metadata and best values."""
    store = fresh_store(request)
    return _runs_out(store, entity, project, [run_or_404(store, entity, project, run_id)], True)[0]


@router.patch(
    "/projects/{entity}/{project}/runs/{run_id}", tags=["runs"], responses={**NOT_FOUND, **WRITE}
)
def patch_run(
    request: Request, entity: str, project: str, run_id: str, patch: RunPatch
) -> dict[str, Any]:
    """Edit name, notes or tags. The edit is appended to the run's edits stream."""
    hold = holder(request)
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
    return _runs_out(store, entity, project, [run_or_404(store, entity, project, run_id)], True)[0]


@router.delete(
    "/projects/{entity}/{project}/runs/{run_id}", tags=["runs"], responses={**NOT_FOUND, **WRITE}
)
def delete_run(request: Request, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """Delete one run."""
    hold = holder(request)
    store = hold.fresh()
    run_or_404(store, entity, project, run_id)
    edits.delete_runs(store, entity, project, [run_id])
    hold.force_sync()
    return {"deleted": 1}


# --- metrics ----------------------------------------------------------------

XQ = Annotated[
    str, Query(description="_step, _timestamp, _runtime, or another metric key for the x axis")
]
XRangeQ = Annotated[float | None, Query(allow_inf_nan=False, description="x range to zoom into")]
# Steps are 64-bit integers in the database; no x axis needs more.
MAX_X = 9e18


_cache = SeriesCache()


def _series_many(
    store: Any,
    entity: str,
    project: str,
    run_ids: list[str],
    key: str,
    x: str,
    buckets: int,
    x_min: float | None,
    x_max: float | None,
) -> list[dict[str, Any]]:
    """Series of ``key`` for each run that exists, served from the cache when unchanged."""
    if x_min is not None and x_max is not None and x_min > x_max:
        raise HTTPException(400, "x_min must not be greater than x_max")
    if any(v is not None and abs(v) > MAX_X for v in (x_min, x_max)):
        raise HTTPException(400, f"x_min and x_max must lie between -{MAX_X:g} and {MAX_X:g}")
    versions = queries.history_versions(store, entity, project, run_ids)
    out = []
    for rid in run_ids:
        if rid not in versions:
            continue
        ck = (store.url, entity, project, rid, versions[rid], key, x, buckets, x_min, x_max)
        res = _cache.get(ck)
        if res is None:
            try:
                raw = queries.series(
                    store, (entity, project, rid), key, x=x, buckets=buckets, x_min=x_min,
                    x_max=x_max,
                )  # fmt: skip
            except queries.RunNotFound:
                continue
            except ValueError as e:
                raise HTTPException(400, str(e)) from None
            res = {"run_id": rid, **shapes.series_out(raw)}
            _cache.put(ck, res)
        out.append(res)
    return out


@router.get("/projects/{entity}/{project}/series", tags=["metrics"])
def project_series(
    request: Request,
    entity: str,
    project: str,
    key: Annotated[str, Query(min_length=1)],
    runs: Annotated[str, Query(description="comma-separated run ids")],
    x: XQ = "_step",
    buckets: Annotated[int, Query(ge=1, le=MAX_BUCKETS)] = 1000,
    x_min: XRangeQ = None,
    x_max: XRangeQ = None,
) -> Response:
    """One metric for several runs, each downsampled to ``buckets`` min/max buckets.

    A run that does not exist or did not log the key is left out, so one chart
    request serves every visible run of a workspace.
    """
    store = fresh_store(request)
    ids = list(dict.fromkeys(r for r in runs.split(",") if r))
    if len(ids) > MAX_SERIES_RUNS:
        raise HTTPException(400, f"at most {MAX_SERIES_RUNS} runs per request")
    found = _series_many(store, entity, project, ids, key, x, buckets, x_min, x_max)
    return fast_json({"key": key, "x_key": x, "series": [s for s in found if s["x"]]})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/series", tags=["metrics"], responses=NOT_FOUND
)
def run_series(
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    key: Annotated[str, Query(min_length=1)],
    x: XQ = "_step",
    buckets: Annotated[int, Query(ge=1, le=MAX_BUCKETS)] = 1000,
    x_min: XRangeQ = None,
    x_max: XRangeQ = None,
) -> Response:
    """One metric of one run, downsampled (finer data when x_min/x_max narrow the range)."""
    store = fresh_store(request)
    found = _series_many(store, entity, project, [run_id], key, x, buckets, x_min, x_max)
    if not found:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    return fast_json({"key": key, "x_key": x, **found[0]})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/metrics", tags=["metrics"], responses=NOT_FOUND
)
def run_metrics(request: Request, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """History keys the run logged (the panels of its Charts tab)."""
    store = fresh_store(request)
    run_or_404(store, entity, project, run_id)
    best = _best(store, entity, project, [run_id]).get(run_id, {})
    return {"metrics": sorted(best)}


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/history", tags=["metrics"], responses=NOT_FOUND
)
def run_history(
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    keys: Annotated[str | None, Query(description="comma-separated keys (default all)")] = None,
    samples: Annotated[
        int | None, Query(ge=1, le=100_000, description="at most this many rows, evenly spaced")
    ] = 10_000,
) -> dict[str, Any]:
    """History rows with ``_step``, ``_timestamp``, ``_runtime`` (only rows holding ``keys``)."""
    store = fresh_store(request)
    run = run_or_404(store, entity, project, run_id)
    key_list = [k for k in keys.split(",") if k] if keys else None
    rows = queries.history(store, run, keys=key_list, samples=samples)
    return {"rows": rows}


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/system", tags=["metrics"], responses=NOT_FOUND
)
def run_system(request: Request, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """System metric samples: ``{"keys": [...], "series": {key: {"t": [...], "v": [...]}}}``."""
    store = fresh_store(request)
    run = run_or_404(store, entity, project, run_id)
    return shapes.system_out(queries.system_series(store, run))


router.include_router(files_router)
