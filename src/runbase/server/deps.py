"""What every route module shares: the store handle, 404 lookups, fast JSON."""

from __future__ import annotations

from typing import Any

import msgspec
from fastapi import HTTPException, Request
from fastapi.responses import Response

from runbase.server import shapes
from runbase.server.state import StoreHolder
from runbase.store import queries

_json = msgspec.json.Encoder()


def fast_json(obj: Any) -> Response:
    """JSON straight from msgspec: the big answers (runs pages, series) skip
    FastAPI's pydantic pass, which costs more than the query for 4,000 floats."""
    return Response(_json.encode(obj), media_type="application/json")


def holder(request: Request) -> StoreHolder:
    """The app's store handle."""
    return request.app.state.store


def fresh_store(request: Request) -> Any:
    """The store, synced at most once per the holder's interval."""
    return holder(request).fresh()


def project_or_404(store: Any, entity: str, project: str) -> dict[str, Any]:
    """The project row, or a 404 when it has no runs."""
    for p in queries.list_projects(store, entity=entity):
        if p["project"] == project and p.get("run_count"):
            return shapes.project_out(p)
    raise HTTPException(404, f"no project {entity}/{project}")


def run_or_404(store: Any, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """The run dict, or a 404."""
    run = queries.get_run(store, entity, project, run_id)
    if run is None:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    return run
