"""The web app's server: the JSON API under /api/v1 and the built front end.

``create_app`` is the factory both ``runbase ui`` and the tests use. Every path
that is not under /api and is not a static asset answers ``index.html``, so the
client-side routes (``/<entity>/<project>/runs/<id>``) can be reloaded and shared.
The server has no login; ``security.py`` keeps other web sites out of it.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from fastapi import FastAPI, HTTPException
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles

from runbase.server.cache import LruCache
from runbase.server.changes import router as changes_router
from runbase.server.errors import install_error_handlers, install_openapi
from runbase.server.routes import api_router
from runbase.server.routes.status import install_store_errors
from runbase.server.security import HostGuard, SecurityHeaders, host_patterns
from runbase.server.state import StoreHolder

STATIC_DIR = Path(__file__).parent / "static"

_NO_UI = """<!doctype html><html><head><title>runbase</title></head><body><h1>runbase</h1>
<p>This copy of runbase has no built web app: it runs from a source checkout. Run
<code>make ui</code> in the checkout (it needs Node.js once), or install runbase with pip
(its wheel and sdist carry the built app). Until then the API answers under
<a href="/api/v1/docs">/api/v1/docs</a>.</p>
</body></html>"""


def create_app(
    store_url_or_dir: str | Path | None = None,
    sync_interval: float = 1.0,
    allowed_hosts: Iterable[str] = (),
) -> FastAPI:
    """Build the app over the store at ``store_url_or_dir`` (RUNBASE_DIR when None).

    It answers requests for loopback host names (localhost, 127.0.0.1, [::1]) and
    for ``allowed_hosts`` (names, ``*.example.org``, or ``*`` for any), on any port.
    """
    app = FastAPI(
        title="runbase",
        version="1",
        summary="Runs, metrics, logs and files of a runbase store.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
    )
    url = str(store_url_or_dir) if store_url_or_dir is not None else None
    app.state.store = StoreHolder(url, min_interval=sync_interval)
    app.include_router(api_router(), prefix="/api/v1")
    app.include_router(changes_router, prefix="/api/v1")
    install_app_parts(app)
    # The last one added runs first: headers go on every answer, refusals included.
    app.add_middleware(HostGuard, allowed_hosts=host_patterns(allowed_hosts))
    app.add_middleware(SecurityHeaders)
    return app


def install_app_parts(app: FastAPI) -> None:
    """What both the local app and the team server add after their routes: caches,
    error handlers, the API docs and the front end (whose catch-all comes last)."""
    # A workspace of 50 panels of 20 runs draws 1,000 lines: keep them all, up to
    # about two million points (some 100 MB at worst).
    app.state.series_cache = LruCache(max_entries=20_000, max_weight=2_000_000)
    app.state.groups_cache = LruCache(max_entries=64)
    app.state.importance_cache = LruCache(max_entries=32)
    # Parsed logged tables: few, as one 100k-row table takes tens of MB.
    app.state.table_cache = LruCache(max_entries=8)
    # Parsed boxes2D files of image overlays (content-addressed: never stale).
    app.state.boxes_cache = LruCache(max_entries=4096)
    install_store_errors(app)
    install_error_handlers(app)
    install_openapi(app)
    _install_docs(app)
    _install_front_end(app)


def _install_docs(app: FastAPI) -> None:
    # Swagger UI comes from a CDN and starts with one inline script: its own
    # policy allows that script by hash and nothing else inline.
    html = get_swagger_ui_html(openapi_url="/api/v1/openapi.json", title="runbase API").body
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(m).digest()).decode() + "'"
        for m in re.findall(rb"<script>(.*?)</script>", html, re.S)
    )
    cdn = "https://cdn.jsdelivr.net"
    csp = (
        f"default-src 'self'; script-src 'self' {cdn} {hashes}; style-src 'self' {cdn}; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    )

    @app.get("/api/v1/docs", include_in_schema=False)
    async def _docs() -> Response:
        return HTMLResponse(html, headers={"content-security-policy": csp})


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
