"""The web app's server: the JSON API under /api/v1 and the built front end.

``create_app`` is the factory both ``runbase ui`` and the tests use. Every path
that is not under /api and is not a static asset answers ``index.html``, so the
client-side routes (``/<entity>/<project>/runs/<id>``) can be reloaded and shared.
"""

from __future__ import annotations

import logging
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles

from runbase.server.api_v1 import router as api_v1_router
from runbase.server.changes import router as changes_router
from runbase.server.filters import FilterError
from runbase.server.state import StoreHolder

STATIC_DIR = Path(__file__).parent / "static"
log = logging.getLogger("runbase.server")

_NO_UI = """<!doctype html><html><head><title>runbase</title></head><body style="font-family:
sans-serif;padding:40px"><h1>runbase</h1><p>The web app has not been built. Run
<code>make ui</code> in the runbase checkout (it needs Node.js once), or use the
API under <a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>"""


def create_app(store_url_or_dir: str | Path | None = None, sync_interval: float = 1.0) -> FastAPI:
    """Build the app over the store at ``store_url_or_dir`` (RUNBASE_DIR when None)."""
    app = FastAPI(
        title="runbase",
        version="1",
        summary="Runs, metrics, logs and files of a runbase store.",
        docs_url="/api/v1/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    url = str(store_url_or_dir) if store_url_or_dir is not None else None
    app.state.store = StoreHolder(url, min_interval=sync_interval)
    app.include_router(api_v1_router, prefix="/api/v1")
    app.include_router(changes_router, prefix="/api/v1")
    _install_error_handlers(app)
    _install_front_end(app)
    return app


def _install_error_handlers(app: FastAPI) -> None:
    # Every error leaves as {"detail": "..."}: the UI shows the message, never a trace.
    @app.exception_handler(FilterError)
    async def _bad_filter(_req: Request, exc: FilterError) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def _bad_params(_req: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("query", "body"))
            parts.append(f"{where}: {err.get('msg', 'invalid')}" if where else err.get("msg", ""))
        return JSONResponse({"detail": "; ".join(parts) or "invalid request"}, status_code=400)

    @app.exception_handler(Exception)
    async def _crash(req: Request, exc: Exception) -> JSONResponse:
        log.exception("error serving %s", req.url.path)
        return JSONResponse(
            {"detail": f"internal error: {type(exc).__name__}: {exc}"}, status_code=500
        )


def _install_front_end(app: FastAPI) -> None:
    assets = STATIC_DIR / "assets"
    if assets.is_dir():
        app.mount("/assets", StaticFiles(directory=assets), name="assets")
    index = STATIC_DIR / "index.html"

    @app.get("/api/{rest:path}", include_in_schema=False)
    async def _unknown_api(rest: str) -> Response:
        raise HTTPException(404, f"no API route /api/{rest}; see /api/v1/docs")

    @app.get("/{path:path}", include_in_schema=False)
    async def _spa(path: str) -> Response:
        # index.html must not be cached: it names the hashed asset files of this build.
        if index.is_file():
            return FileResponse(index, headers={"cache-control": "no-cache"})
        return HTMLResponse(_NO_UI)
