"""One run's metrics: the keys it logged, its history rows, its system samples."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from runbase.server import shapes
from runbase.server.deps import FreshStore, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import HistoryRows, MetricKeys, SystemSeries
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
