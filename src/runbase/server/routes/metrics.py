"""One run's metrics: the keys it logged, its history rows, its system samples."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.server import shapes
from runbase.server.deps import FreshStore, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.models import HistoryRows, MetricKeys, SystemBatch, SystemSeries
from runbase.server.routes.runs import best
from runbase.store import queries

router = APIRouter(responses=BAD_INPUT, tags=["metrics"])
RUN = "/projects/{entity}/{project}/runs/{run_id}"


@router.get(f"{RUN}/metrics", response_model=MetricKeys, responses=NOT_FOUND)
def run_metrics(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """History keys the run logged (the panels of its Charts tab)."""
    run_or_404(store, entity, project, run_id)
    stats = best(store, entity, project, [run_id]).get(run_id, {})
    return fast_json({"metrics": sorted(stats)})


@router.get(f"{RUN}/history", response_model=HistoryRows, responses=NOT_FOUND)
def run_history(
    store: FreshStore,
    entity: str,
    project: str,
    run_id: str,
    keys: Annotated[str | None, Query(description="comma-separated keys (default all)")] = None,
    samples: Annotated[
        int | None, Query(ge=1, le=100_000, description="at most this many rows, evenly spaced")
    ] = 10_000,
) -> Response:
    """History rows with ``_step``, ``_timestamp``, ``_runtime`` (only rows holding ``keys``)."""
    run = run_or_404(store, entity, project, run_id)
    key_list = [k for k in keys.split(",") if k] if keys else None
    return fast_json({"rows": queries.history(store, run, keys=key_list, samples=samples)})


@router.get(f"{RUN}/system", response_model=SystemSeries, responses=NOT_FOUND)
def run_system(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """System metric samples: ``{"keys": [...], "series": {key: {"t": [...], "v": [...]}}}``."""
    run = run_or_404(store, entity, project, run_id)
    return fast_json(shapes.system_out(queries.system_series(store, run)))


class SystemBatchQuery(BaseModel):
    """The runs whose system samples a workspace's System section draws."""

    runs: list[str] = Field(min_length=1, max_length=100, description="run ids")


@router.post(
    "/projects/{entity}/{project}/system/batch",
    response_model=SystemBatch,
    # a POST for its body only: it writes nothing, but the cross-site and JSON checks apply
    responses={403: WRITE[403], 415: WRITE[415]},
)
def project_system_batch(
    store: FreshStore, entity: str, project: str, body: SystemBatchQuery
) -> Response:
    """``/runs/{run_id}/system`` for several runs at once, each with its start time
    (the x axis' zero), in the order asked; runs that do not exist are left out.
    One request instead of one per drawn run (and none for their start times)."""
    out = []
    for run_id in dict.fromkeys(body.runs):
        run = queries.get_run(store, entity, project, run_id)
        if run is not None:
            shaped = shapes.system_out(queries.system_series(store, run))
            out.append({"run_id": run_id, "start": run.created_at, **shaped})
    return fast_json({"runs": out})
