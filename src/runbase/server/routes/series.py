"""Chart lines: one metric of several runs (a workspace panel) or of one run,
downsampled into min/max buckets and cached by each run's history version."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.server import shapes
from runbase.server.cache import LruCache
from runbase.server.deps import FreshStore, SeriesCache, fast_json
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.models import ProjectSeries, ProjectSeriesBatch, RunSeries
from runbase.store import Store, queries

router = APIRouter(responses=BAD_INPUT, tags=["metrics"])

MAX_BUCKETS = 10_000
MAX_SERIES_RUNS = 100
# Lines (keys times runs) one batch request carries at most.
MAX_BATCH_LINES = 2000
# Steps are 64-bit integers in the database; no x axis needs more.
MAX_X = 9e18

KeyQ = Annotated[str, Query(min_length=1)]
XQ = Annotated[
    str, Query(description="_step, _timestamp, _runtime, or another metric key for the x axis")
]
BucketsQ = Annotated[int, Query(ge=1, le=MAX_BUCKETS)]
XRangeQ = Annotated[float | None, Query(allow_inf_nan=False, description="x range to zoom into")]


def _check_range(x_min: float | None, x_max: float | None) -> None:
    if x_min is not None and x_max is not None and x_min > x_max:
        raise HTTPException(400, "x_min must not be greater than x_max")
    if any(v is not None and abs(v) > MAX_X for v in (x_min, x_max)):
        raise HTTPException(400, f"x_min and x_max must lie between -{MAX_X:g} and {MAX_X:g}")


def _series_many(
    store: Store, cache: LruCache, entity: str, project: str, run_ids: list[str], key: str,
    x: str, buckets: int, x_min: float | None, x_max: float | None,
) -> list[dict[str, Any]]:  # fmt: skip
    """Series of ``key`` for each run that exists, served from the cache when unchanged."""
    _check_range(x_min, x_max)
    versions = queries.history_versions(store, entity, project, run_ids)
    return _lines(store, cache, entity, project, versions, run_ids, key, x, buckets, x_min, x_max)


def _lines(
    store: Store, cache: LruCache, entity: str, project: str,
    versions: dict[str, tuple[int, int | None]], run_ids: list[str], key: str,
    x: str, buckets: int, x_min: float | None, x_max: float | None,
) -> list[dict[str, Any]]:  # fmt: skip
    """The lines of ``key`` for the runs in ``versions`` (the cache's keys), in
    ``run_ids`` order: cached ones as they are, the others read together."""
    wanted = [r for r in run_ids if r in versions]
    where = (store.url, entity, project)
    cks = {r: (*where, r, versions[r], key, x, buckets, x_min, x_max) for r in wanted}
    found = {r: hit for r in wanted if (hit := cache.get(cks[r])) is not None}
    missing = [r for r in wanted if r not in found]
    try:
        if len(missing) > 1 and x_min is None and x_max is None:
            raw = queries.series_of_runs(store, entity, project, missing, key, x=x, buckets=buckets)
        else:
            raw = {}
            for rid in missing:
                try:
                    raw[rid] = queries.series(
                        store, (entity, project, rid), key, x=x, buckets=buckets, x_min=x_min,
                        x_max=x_max,
                    )  # fmt: skip
                except queries.RunNotFound:
                    continue
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    for rid, line in raw.items():
        res = {"run_id": rid, **shapes.series_out(line)}
        cache.put(cks[rid], res, weight=1 + len(line.x))
        found[rid] = res
    return [found[r] for r in wanted if r in found]


@router.get("/projects/{entity}/{project}/series", response_model=ProjectSeries)
def project_series(
    store: FreshStore,
    cache: SeriesCache,
    entity: str,
    project: str,
    key: KeyQ,
    runs: Annotated[str, Query(description="comma-separated run ids")],
    x: XQ = "_step",
    buckets: BucketsQ = 1000,
    x_min: XRangeQ = None,
    x_max: XRangeQ = None,
) -> Response:
    """One metric for several runs, each downsampled to ``buckets`` min/max buckets.

    A run that does not exist or did not log the key is left out, so one chart
    request serves every visible run of a workspace.
    """
    ids = list(dict.fromkeys(r for r in runs.split(",") if r))
    if len(ids) > MAX_SERIES_RUNS:
        raise HTTPException(400, f"at most {MAX_SERIES_RUNS} runs per request")
    found = _series_many(store, cache, entity, project, ids, key, x, buckets, x_min, x_max)
    return fast_json({"key": key, "x_key": x, "series": [s for s in found if s["x"]]})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/series",
    response_model=RunSeries,
    responses=NOT_FOUND,
)
def run_series(
    store: FreshStore,
    cache: SeriesCache,
    entity: str,
    project: str,
    run_id: str,
    key: KeyQ,
    x: XQ = "_step",
    buckets: BucketsQ = 1000,
    x_min: XRangeQ = None,
    x_max: XRangeQ = None,
) -> Response:
    """One metric of one run, downsampled (finer data when x_min/x_max narrow the range)."""
    found = _series_many(store, cache, entity, project, [run_id], key, x, buckets, x_min, x_max)
    if not found:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    return fast_json({"key": key, "x_key": x, **found[0]})


class SeriesBatchQuery(BaseModel):
    """Several metrics of the same runs against one x axis: a workspace's panels."""

    keys: list[Annotated[str, Field(min_length=1)]] = Field(min_length=1, max_length=500)
    runs: list[str] = Field(max_length=MAX_SERIES_RUNS, description="run ids")
    x: str = Field("_step", description="_step, _timestamp, _runtime, or another metric key")
    buckets: int = Field(1000, ge=1, le=MAX_BUCKETS)
    x_min: float | None = Field(None, allow_inf_nan=False)
    x_max: float | None = Field(None, allow_inf_nan=False)


@router.post(
    "/projects/{entity}/{project}/series/batch",
    response_model=ProjectSeriesBatch,
    # a POST for its body only: it writes nothing, but the cross-site and JSON checks apply
    responses={403: WRITE[403], 415: WRITE[415]},
)
def project_series_batch(
    store: FreshStore, cache: SeriesCache, entity: str, project: str, body: SeriesBatchQuery
) -> Response:
    """``/series`` for several keys at once: one answer per key, in the order asked,
    each as ``/series`` gives it. A workspace draws its panels from a few of these
    instead of one request per panel."""
    keys = list(dict.fromkeys(body.keys))
    ids = list(dict.fromkeys(r for r in body.runs if r))
    if len(keys) * len(ids) > MAX_BATCH_LINES:
        raise HTTPException(400, f"at most {MAX_BATCH_LINES} lines (keys times runs) per request")
    _check_range(body.x_min, body.x_max)
    versions = queries.history_versions(store, entity, project, ids)
    results = []
    for key in keys:
        found = _lines(
            store, cache, entity, project, versions, ids, key, body.x, body.buckets,
            body.x_min, body.x_max,
        )  # fmt: skip
        results.append({"key": key, "x_key": body.x, "series": [s for s in found if s["x"]]})
    return fast_json({"x_key": body.x, "results": results})
