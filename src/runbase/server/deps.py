"""What every route module shares: the store and caches as FastAPI dependencies,
404 lookups, fast JSON.

The app owns its state (``app.state``): the store handle and the caches live as
long as the app, so two apps in one process (tests, a bench) never share them.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from runbase.server import shapes
from runbase.server.cache import LruCache
from runbase.server.state import StoreHolder
from runbase.store import Store, queries

_json = msgspec.json.Encoder()


def fast_json(obj: Any) -> Response:
    """JSON straight from msgspec: the big answers (runs pages, series) skip
    FastAPI's pydantic pass, which costs more than the query for 4,000 floats.
    Routes still name their ``response_model``, which documents the body."""
    return Response(_json.encode(obj), media_type="application/json")


async def holder(request: Request) -> StoreHolder:
    """The app's store handle (``async``: FastAPI would send a plain function to its
    thread pool, a round trip through the event loop for each request)."""
    return request.app.state.store


async def fresh_store(hold: Annotated[StoreHolder, Depends(holder)]) -> Store:
    """The store, synced at most once per the holder's interval (in a thread, only
    when a sync is due)."""
    if hold.due():
        return await run_in_threadpool(hold.fresh)
    return hold.store


def series_cache(request: Request) -> LruCache:
    """The app's cache of downsampled series."""
    return request.app.state.series_cache


def groups_cache(request: Request) -> LruCache:
    """The app's cache of run group counts."""
    return request.app.state.groups_cache


def importance_cache(request: Request) -> LruCache:
    """The app's cache of parameter importances."""
    return request.app.state.importance_cache


def boxes_cache(request: Request) -> LruCache:
    """The app's cache of parsed boxes2D files (media overlays)."""
    return request.app.state.boxes_cache


Holder = Annotated[StoreHolder, Depends(holder)]
FreshStore = Annotated[Store, Depends(fresh_store)]
SeriesCache = Annotated[LruCache, Depends(series_cache)]
GroupsCache = Annotated[LruCache, Depends(groups_cache)]
BoxesCache = Annotated[LruCache, Depends(boxes_cache)]
ImportanceCache = Annotated[LruCache, Depends(importance_cache)]


def project_or_404(store: Store, entity: str, project: str) -> dict[str, Any]:
    """The project row, or a 404 when it has no runs."""
    for p in queries.list_projects(store, entity=entity):
        if p.project == project and p.run_count:
            return shapes.project_out(p)
    raise HTTPException(404, f"no project {entity}/{project}")


def run_or_404(store: Store, entity: str, project: str, run_id: str) -> queries.FullRunRow:
    """The run, or a 404."""
    run = queries.get_run(store, entity, project, run_id)
    if run is None:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    return run
