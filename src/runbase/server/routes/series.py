"""Chart lines: one metric of several runs (a workspace panel) or of one run,
downsampled into min/max buckets and cached by each run's history version."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from runbase.server import shapes
from runbase.server.cache import LruCache
from runbase.server.deps import FreshStore, SeriesCache, fast_json
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import ProjectSeries, RunSeries
from runbase.store import Store, queries

router = APIRouter(responses=BAD_INPUT, tags=["metrics"])

MAX_BUCKETS = 10_000
MAX_SERIES_RUNS = 100
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
    out = []
    for rid in run_ids:
        if rid not in versions:
            continue
        ck = (store.url, entity, project, rid, versions[rid], key, x, buckets, x_min, x_max)
        res = cache.get(ck)
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
            cache.put(ck, res)
        out.append(res)
    return out


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
