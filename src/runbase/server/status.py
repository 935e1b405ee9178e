"""``GET /api/v1/status``: the store behind the app, and whether it can index new
records; and the answer the API gives a change the store cannot take (409)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse

from runbase.errors import StoreError
from runbase.server.errors import BAD_INPUT

router = APIRouter(responses=BAD_INPUT)


@router.get("/status", tags=["status"])
def status(request: Request) -> dict[str, Any]:
    """``{store, root, read_only, read_only_reason}``: a read-only store serves the
    runs already indexed, but indexes no new records and refuses edits."""
    return request.app.state.store.status()


def install(app: FastAPI) -> None:
    """Add the status route and the StoreError answer to ``app``."""
    app.include_router(router, prefix="/api/v1")

    @app.exception_handler(StoreError)
    async def _store_error(_req: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)
