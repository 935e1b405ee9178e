"""Run groups: the runs ``/runs`` would list, counted per value of one field."""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from runbase.server.deps import FreshStore, GroupsCache, fast_json, project_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.filters import FilterError, runs_filter
from runbase.server.models import GroupList
from runbase.server.routes.runs import FiltersQ, SearchQ
from runbase.store import queries

router = APIRouter(responses=BAD_INPUT, tags=["runs"])

MAX_GROUPS = 10_000
GROUPS_TTL = 10.0

ByQ = Annotated[
    str,
    Query(
        min_length=1,
        description="any sort key: config.<k>, summary.<k>, state, tags (the first tag), "
        "user, host, group, job_type, name, created_at, runtime, min:<metric>, ...",
    ),
]
GroupOrderQ = Annotated[
    str | None,
    Query(description="as for /runs; it is made to start with `by` (ascending) if it does not"),
]


@router.get("/projects/{entity}/{project}/groups", response_model=GroupList, responses=NOT_FOUND)
def list_groups(
    store: FreshStore,
    cache: GroupsCache,
    entity: str,
    project: str,
    by: ByQ,
    filters: FiltersQ = None,
    search: SearchQ = None,
    order: GroupOrderQ = None,
) -> Response:
    """The matching runs grouped by one field: ``{"by", "order", "total", "groups":
    [{"value", "count", "offset"}]}``.

    Groups come in the order of ``order``, and ``offset`` is where a group's first
    run sits in ``/runs`` with the same filters, search and order, so a client
    pages one group's runs with ``offset`` and ``limit`` (the web app's grouped
    table and grouped charts do). At most 10,000 groups come back.
    """
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
    hit = cache.get(ck)
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
    cache.put(ck, {"stamp": stamp, "t": time.monotonic(), "body": body})
    return fast_json(body)
