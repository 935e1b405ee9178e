"""``GET /api/v1/status``: the store behind the app, and whether it can index new
records; and the answer the API gives a change the store cannot take (409)."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from runbase.errors import StoreError
from runbase.server.deps import Holder, fast_json
from runbase.server.errors import BAD_INPUT
from runbase.server.models import StatusOut

router = APIRouter(responses=BAD_INPUT, tags=["status"])


@router.get("/status", response_model=StatusOut)
def status(hold: Holder) -> Response:
    """``{store, root, read_only, read_only_reason}``: a read-only store serves the
    runs already indexed, but indexes no new records and refuses edits."""
    return fast_json(hold.status())


def install_store_errors(app: FastAPI) -> None:
    """A change the store cannot take (read-only) answers 409 with the reason."""

    @app.exception_handler(StoreError)
    async def _store_error(_req: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=409)
