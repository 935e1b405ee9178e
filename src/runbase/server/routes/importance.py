"""Parameter importance: each config parameter's importance for a summary metric
and its correlation with it, over the runs a workspace's filter selects
(``runbase.server.importance`` computes them)."""

from __future__ import annotations

import json
import math
import time
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.server import importance as imp
from runbase.server.deps import FreshStore, ImportanceCache, fast_json, project_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE
from runbase.server.filters import FilterError, check, runs_filter
from runbase.server.models import Importance
from runbase.store import Store, queries
from runbase.store.db.values import flatten

router = APIRouter(responses=BAD_INPUT, tags=["runs"])

# The newest runs a fit reads at most: a forest on more takes seconds.
MAX_RUNS = 10_000
# A workspace asks again on every change in the project: while its run count and
# last activity stay the same, the answer comes from memory (for at most this long).
CACHE_TTL = 60.0

Key = Annotated[str, Field(min_length=1, max_length=512)]


class ImportanceQuery(BaseModel):
    """A summary metric, the config parameters (flat keys), and the runs: a
    Mongo-style filter and a name search as ``/runs`` takes them."""

    metric: Key
    params: list[Key] = Field(min_length=1, max_length=200)
    filters: dict[str, Any] | None = None
    search: str | None = None


def _metric(summary: dict[str, Any], key: str) -> float | None:
    v = summary.get(key)
    if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
        return None
    return float(v)


@router.post(
    "/projects/{entity}/{project}/importance",
    response_model=Importance,
    # a POST for its body only: it writes nothing, but the cross-site and JSON checks apply
    responses={**NOT_FOUND, 403: WRITE[403], 415: WRITE[415]},
)
def param_importance(
    store: FreshStore, cache: ImportanceCache, entity: str, project: str, body: ImportanceQuery
) -> Response:
    """Importance and correlation of each parameter with the metric, over the
    runs whose summary holds a finite number for it (the newest 10,000)."""
    proj = project_or_404(store, entity, project)
    key = (str(store.url), entity, project, json.dumps(body.model_dump(), sort_keys=True))
    stamp = (proj["run_count"], proj["last_activity"])
    hit = cache.get(key)
    if hit is not None and hit["stamp"] == stamp and time.monotonic() - hit["t"] < CACHE_TTL:
        return fast_json(hit["body"])
    out = _compute(store, entity, project, body)
    cache.put(key, {"stamp": stamp, "t": time.monotonic(), "body": out})
    return fast_json(out)


def _compute(store: Store, entity: str, project: str, body: ImportanceQuery) -> dict[str, Any]:
    if body.filters:
        check(body.filters)
    flt = runs_filter(None, body.search)
    if body.filters:
        flt = body.filters if flt is None else {"$and": [body.filters, flt]}
    try:
        page = queries.query_runs(store, entity, project, filters=flt, limit=MAX_RUNS)
    except ValueError as e:
        raise FilterError(str(e)) from None
    pairs = []
    for run in page.runs:
        m = _metric(flatten(run.summary), body.metric)
        if m is not None:
            pairs.append((flatten(run.config), m))
    rows, message = imp.importance(pairs, body.params)
    return {
        "metric": body.metric,
        "runs": len(pairs),
        "truncated": page.total > len(page.runs),
        "message": message,
        "params": rows,
    }
