"""The change feed (``server/changes.py``) per caller: the team server answers only
the changes in projects the caller may read, so the feed never names a private
project (nor its runs) to someone outside it. The store is looked at once for every
caller (the shared ``ChangeFeed``); each answer is filtered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.routing import APIRoute

from runbase.server.changes import Changes, change_feed
from runbase.server.changes import router as shared
from runbase.server.errors import BAD_INPUT
from runbase.server.team.access import visible
from runbase.server.team.auth import CurrentCaller

router = APIRouter(responses=BAD_INPUT)


@router.get("/changes", tags=["changes"], response_model=Changes)
def changes(
    request: Request,
    caller: CurrentCaller,
    since: Annotated[int | None, Query(description="the cursor of the previous answer")] = None,
) -> Changes:
    """Projects and runs that changed after ``since`` among those the caller may read;
    poll it every few seconds."""
    store = request.app.state.store.fresh()
    out = change_feed(request).since(store, since)
    named = {(c.entity, c.project) for c in out.projects}
    named |= {(c.entity, c.project) for c in out.runs}
    named |= {(c.entity, c.project) for c in out.artifacts}
    if not named:
        return out
    ok = visible(request, caller, sorted(named))
    return out.model_copy(
        update={
            "projects": [c for c in out.projects if (c.entity, c.project) in ok],
            "runs": [c for c in out.runs if (c.entity, c.project) in ok],
            "artifacts": [c for c in out.artifacts if (c.entity, c.project) in ok],
        }
    )


def project_routes() -> APIRouter:
    """The shared change module's per-project routes (the logs tail), for mounting
    behind the project authorization like the other store routes."""
    out = APIRouter()
    out.routes.extend(r for r in shared.routes if isinstance(r, APIRoute) and "{project}" in r.path)
    return out
