"""A run's console output: the last lines as JSON, or all of it as a text file."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import PlainTextResponse, Response

from runbase.server import shapes
from runbase.server.deps import FreshStore, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import LogLines
from runbase.store import queries

router = APIRouter(responses=BAD_INPUT, tags=["logs"])


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/logs", response_model=LogLines, responses=NOT_FOUND
)
def run_logs(
    store: FreshStore,
    entity: str,
    project: str,
    run_id: str,
    search: Annotated[str | None, Query(description="case-insensitive substring")] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> Response:
    """The last ``limit`` console lines (stdout and stderr), optionally filtered."""
    run = run_or_404(store, entity, project, run_id)
    lines = shapes.logs_out(queries.logs(store, run))
    if search:
        needle = search.lower()
        lines = [ln for ln in lines if needle in ln["line"].lower()]
    return fast_json({"total": len(lines), "lines": lines[-limit:]})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/logs.txt",
    responses={200: {"description": "The log", "content": {"text/plain": {}}}, **NOT_FOUND},
)
def run_logs_download(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """The whole console output as a text file (``output.log``)."""
    run = run_or_404(store, entity, project, run_id)
    text = "".join(ln["line"] + "\n" for ln in shapes.logs_out(queries.logs(store, run)))
    return PlainTextResponse(
        text, headers={"content-disposition": f'attachment; filename="{run_id}-output.log"'}
    )
