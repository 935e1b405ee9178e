"""Exact answers for ``runbase.Api`` over HTTP (``runbase.api.http_backend``).

The web app's routes shape runs for a table (flat config keys, NaN as a string or
a gap); the public API promises the logged values back, nested as logged, with
NaN and inf as floats. These routes send the store's own results as MessagePack,
which carries every float, so a run read from a team server equals the same run
read from a local store. ``/edit`` changes any field ``Run.update()`` saves
(the web app's PATCH changes only name, notes and tags).
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field

from runbase.errors import RunNotFound
from runbase.server.deps import FreshStore, Holder, project_or_404, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND, WRITE, Responses
from runbase.server.filters import FilterError, parse_filters
from runbase.server.routes.runs import MAX_LIMIT, MAX_OFFSET
from runbase.store import edits, queries

# response_class: the 200 is documented as MessagePack only, not as JSON too.
router = APIRouter(responses=BAD_INPUT, tags=["exact"], default_response_class=Response)

P = "/projects/{entity}/{project}/exact"
MSGPACK = "application/msgpack"
_OK: Responses = {
    200: {"description": "The store's result as MessagePack", "content": {MSGPACK: {}}}
}
DOCS: Responses = {**_OK, **NOT_FOUND}


def Step(description: str) -> Any:  # noqa: N802 - reads as the Query it makes
    # A database integer is 64-bit: a bigger step is a 400, not an overflow.
    return Query(ge=-MAX_OFFSET, le=MAX_OFFSET, description=description)


Keys = Annotated[str | None, Query(description="JSON list of history keys (default all)")]


def _pack(obj: Any) -> Response:
    return Response(msgspec.msgpack.encode(obj), media_type=MSGPACK)


def _keys(raw: str | None) -> list[str] | None:
    # JSON, not commas: a logged key may hold a comma.
    if raw is None:
        return None
    try:
        keys = msgspec.json.decode(raw, type=list[str])
    except msgspec.ValidationError:
        raise HTTPException(400, 'keys must be a JSON list of strings, e.g. ["loss"]') from None
    except msgspec.DecodeError:
        raise HTTPException(400, 'keys must be a JSON list of strings, e.g. ["loss"]') from None
    return keys


@router.get(f"{P}/runs", responses=DOCS)
def exact_runs(
    store: FreshStore,
    entity: str,
    project: str,
    filters: Annotated[str | None, Query(description="Mongo-style JSON filter")] = None,
    order: Annotated[str | None, Query(description="a key, '-' for descending")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> Response:
    """A page of runs (``queries.RunsPage``) with exact values."""
    project_or_404(store, entity, project)
    try:
        page = queries.query_runs(
            store, entity, project, filters=parse_filters(filters), order=order, limit=limit,
            offset=offset, exact=True,
        )  # fmt: skip
    except ValueError as e:  # the store rejects what it cannot express
        raise FilterError(str(e)) from None
    return _pack(page)


@router.get(f"{P}/runs/{{run_id}}", responses=DOCS)
def exact_run(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """One run (``queries.FullRunRow``) with exact values."""
    found = queries.get_run(store, entity, project, run_id, exact=True)
    if found is None:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    return _pack(found)


@router.get(f"{P}/stats", responses=DOCS)
def exact_stats(
    store: FreshStore,
    entity: str,
    project: str,
    ids: Annotated[list[str], Query(description="run ids", max_length=1000)],
) -> Response:
    """``{run_id: {key: MetricStats}}`` for the runs' numeric history keys."""
    project_or_404(store, entity, project)
    return _pack(queries.metric_stats(store, entity, project, ids, exact=True))


@router.get(f"{P}/runs/{{run_id}}/history", responses=DOCS)
def exact_history(
    store: FreshStore,
    entity: str,
    project: str,
    run_id: str,
    keys: Keys = None,
    samples: Annotated[
        int | None, Query(ge=1, le=MAX_OFFSET, description="evenly spaced rows")
    ] = None,
) -> Response:
    """History rows, all of them unless ``samples`` is given."""
    run = run_or_404(store, entity, project, run_id)
    return _pack(queries.history(store, run, keys=_keys(keys), samples=samples, exact=True))


@router.get(f"{P}/runs/{{run_id}}/history/page", responses=DOCS)
def exact_history_page(
    store: FreshStore,
    entity: str,
    project: str,
    run_id: str,
    keys: Keys = None,
    start_row: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 1000,
    min_step: Annotated[int | None, Step(description="first step (inclusive)")] = None,
    max_step: Annotated[int | None, Step(description="last step (exclusive)")] = None,
) -> Response:
    """One page of a history scan (``queries.HistoryPage``)."""
    run = run_or_404(store, entity, project, run_id)
    page = queries.history_page(
        store, run, keys=_keys(keys), start_row=start_row, limit=limit, min_step=min_step,
        max_step=max_step, exact=True,
    )  # fmt: skip
    return _pack(page)


@router.get(f"{P}/runs/{{run_id}}/system", responses=DOCS)
def exact_system(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """System samples column-wise (``queries.SystemSeries``)."""
    run = run_or_404(store, entity, project, run_id)
    return _pack(queries.system_series(store, run, exact=True))


class RunEdit(BaseModel):
    """What ``Run.update()`` saves; a field left out keeps its value (``notes: null``
    clears the notes). Config and summary values may be NaN or inf (JSON's
    ``NaN``/``Infinity`` literals, as Python writes them)."""

    name: str | None = Field(default=None, max_length=512)
    notes: str | None = Field(default=None, max_length=100_000)
    tags: list[Annotated[str, Field(min_length=1, max_length=256)]] | None = None
    group: str | None = Field(default=None, max_length=512)
    job_type: str | None = Field(default=None, max_length=512)
    config_set: dict[str, Any] = Field(default_factory=dict)
    config_del: list[str] = Field(default_factory=list)
    summary_set: dict[str, Any] = Field(default_factory=dict)
    summary_del: list[str] = Field(default_factory=list)


@router.post(f"{P}/runs/{{run_id}}/edit", responses={**DOCS, **WRITE})
def exact_edit(hold: Holder, entity: str, project: str, run_id: str, body: RunEdit) -> Response:
    """Change a run as ``Run.update()`` does; the answer is the run after the edit."""
    store = hold.fresh()
    run_or_404(store, entity, project, run_id)
    changes = body.model_dump(include=body.model_fields_set)
    try:
        found = edits.update_run(store, entity, project, run_id, exact=True, **changes)
    except RunNotFound:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}") from None
    except ValueError as e:
        raise HTTPException(400, str(e)) from None
    hold.force_sync()
    return _pack(found)
