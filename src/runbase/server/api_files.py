"""Routes for a run's console output and saved files.

A run's files are whatever the training script saved, so the server treats
them as hostile: an SVG or HTML file opened at its URL must not run script in
the app's origin (it could edit or delete every run through the API). Each file
response carries ``nosniff`` and a sandboxing Content-Security-Policy, and only
types a browser shows passively (images, plain text, JSON, audio, video) are
served inline; everything else is an attachment.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import FileResponse, PlainTextResponse, Response

from runbase.server import shapes
from runbase.server.deps import fresh_store, run_or_404
from runbase.server.errors import NOT_FOUND
from runbase.server.security import FILE_CSP
from runbase.store import queries

router = APIRouter()

INLINE_TYPES = {
    "text/plain; charset=utf-8",
    "application/json",
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/webp",
    "image/bmp",
    "image/avif",
}
INLINE_PREFIXES = ("audio/", "video/")


def disposition(media: str) -> str:
    """``inline`` for types a browser only displays, else ``attachment``."""
    if media in INLINE_TYPES or media.startswith(INLINE_PREFIXES):
        return "inline"
    return "attachment"


@router.get("/projects/{entity}/{project}/runs/{run_id}/logs", tags=["logs"], responses=NOT_FOUND)
def run_logs(
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    search: Annotated[str | None, Query(description="case-insensitive substring")] = None,
    limit: Annotated[int, Query(ge=1, le=100_000)] = 10_000,
) -> dict[str, Any]:
    """The last ``limit`` console lines (stdout and stderr), optionally filtered."""
    store = fresh_store(request)
    run = run_or_404(store, entity, project, run_id)
    lines = shapes.logs_out(queries.logs(store, run))
    if search:
        needle = search.lower()
        lines = [ln for ln in lines if needle in ln["line"].lower()]
    return {"total": len(lines), "lines": lines[-limit:]}


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/logs.txt",
    tags=["logs"],
    responses={200: {"description": "The log", "content": {"text/plain": {}}}, **NOT_FOUND},
)
def run_logs_download(request: Request, entity: str, project: str, run_id: str) -> Response:
    """The whole console output as a text file (``output.log``)."""
    store = fresh_store(request)
    run = run_or_404(store, entity, project, run_id)
    text = "".join(ln["line"] + "\n" for ln in shapes.logs_out(queries.logs(store, run)))
    return PlainTextResponse(
        text, headers={"content-disposition": f'attachment; filename="{run_id}-output.log"'}
    )


@router.get("/projects/{entity}/{project}/runs/{run_id}/files", tags=["files"], responses=NOT_FOUND)
def run_files(request: Request, entity: str, project: str, run_id: str) -> dict[str, Any]:
    """Files saved with the run."""
    store = fresh_store(request)
    run = run_or_404(store, entity, project, run_id)
    return {"files": shapes.files_out(queries.files(store, run))}


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/files/{path:path}",
    tags=["files"],
    responses={
        200: {"description": "The file's bytes", "content": {"*/*": {}}},
        **NOT_FOUND,
    },
)
def run_file(
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    path: str,
    download: bool = False,
) -> Response:
    """One file's bytes; ``?download=1`` asks the browser to save it. Files a browser
    could run script in (HTML, SVG, XML, PDF, ...) always download."""
    store = fresh_store(request)
    run = run_or_404(store, entity, project, run_id)
    target = shapes.file_path(store, run, path)
    if target is None:
        raise HTTPException(404, f"no file {path!r} in run {entity}/{project}/{run_id}")
    media = shapes.media_type(target)
    kind = "attachment" if download else disposition(media)
    return FileResponse(
        target,
        media_type=media,
        filename=target.name,
        content_disposition_type=kind,
        headers={"content-security-policy": FILE_CSP},
    )
