"""A run's console output: a page of lines as JSON, or all of it as a text file.

Both page and filter in the store (``queries.log_page``, ``queries.log_pages``):
a run that printed millions of lines costs one page of them, not all of them.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import Response, StreamingResponse

from runbase.server import shapes
from runbase.server.deps import FreshStore, fast_json, run_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import LogLines
from runbase.server.routes.runs import MAX_OFFSET
from runbase.store import Store, queries

router = APIRouter(responses=BAD_INPUT, tags=["logs"])

# Query parameters of the logs routes (``logs/tail`` in changes.py too).
Search = Annotated[str | None, Query(description="case-insensitive substring")]
Stream = Annotated[
    Literal["stdout", "stderr"] | None, Query(description="only lines from this stream")
]
Limit = Annotated[int, Query(ge=1, le=100_000)]
# A database integer is 64-bit: a bigger line number is a 400, not an overflow.
Start = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="first line index to read")]


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/logs", response_model=LogLines, responses=NOT_FOUND
)
def run_logs(
    store: FreshStore,
    entity: str,
    project: str,
    run_id: str,
    search: Search = None,
    stream: Stream = None,
    offset: Annotated[
        int | None,
        Query(
            ge=0,
            le=MAX_OFFSET,
            description="first matching line to return (0: the first); without it, "
            "the last ``limit``",
        ),
    ] = None,
    limit: Limit = 10_000,
) -> Response:
    """Console lines (stdout and stderr) matching the filters: the last ``limit``,
    or ``limit`` from the ``offset``-th on; ``total`` counts every match."""
    run = run_or_404(store, entity, project, run_id)
    page = queries.log_page(store, run, offset=offset, limit=limit, search=search, stream=stream)
    return fast_json({"total": page.matched, "lines": shapes.logs_out(page.lines)})


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/logs.txt",
    responses={200: {"description": "The log", "content": {"text/plain": {}}}, **NOT_FOUND},
)
def run_logs_download(store: FreshStore, entity: str, project: str, run_id: str) -> Response:
    """The whole console output as a text file (``output.log``), sent a page at a time."""
    run = run_or_404(store, entity, project, run_id)
    return StreamingResponse(
        _text(store, run),
        media_type="text/plain; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{run_id}-output.log"'},
    )


def _text(store: Store, run: queries.RunRow) -> Iterator[str]:
    for lines in queries.log_pages(store, run):
        yield "".join(ln.line + "\n" for ln in lines)
