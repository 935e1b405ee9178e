"""``create_team_app``: the team server's app over a store on PostgreSQL.

It reuses the store's routes of ``runbase ui`` (under the authorization
dependency of ``access.py``) and adds the account routes. ``/status``, which reads
across every project, is left out; the project list and the change feed are
replaced by ones that filter per caller. Saved views and reports are kept in the
database (``store/documents.py``'s ``DbDocuments``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse

from runbase.server.app import install_app_parts
from runbase.server.errors import ErrorOut, Responses
from runbase.server.routes import api_router
from runbase.server.security import HostGuard, SecurityHeaders, host_patterns
from runbase.server.state import StoreHolder
from runbase.server.team.access import authorize_project
from runbase.server.team.admin import router as admin_router
from runbase.server.team.blobs import bucket_origins, open_server_blobs
from runbase.server.team.blobs import router as blobs_router
from runbase.server.team.changes import project_routes as changes_project_routes
from runbase.server.team.changes import router as changes_router
from runbase.server.team.ingest import router as ingest_router
from runbase.server.team.oidc import OidcConfig, OidcLogin
from runbase.server.team.oidc_routes import router as oidc_router
from runbase.server.team.routes import router as team_router
from runbase.server.team.shipping import ShippingWatch
from runbase.server.team.stops import router as stops_router
from runbase.server.team.webapp import router as webapp_router
from runbase.store.documents import DbDocuments
from runbase.store.indexing.write_run import CRASH_TIMEOUT

# Shared routes the team server does not serve: they read across projects (the
# project list is replaced by one filtered per caller; /changes by team/changes.py's).
# The stop route is team/stops.py's (a shipped run's process is on another machine).
# Moving runs renames their folders (store/edits.py); a team server's runs are shipped
# bytes in its database, with no folder to move.
_MOVE = {"/projects/{entity}/{project}/runs/move"}
_LEFT_OUT = {
    "/status",
    "/projects",
    "/changes",
    "/projects/{entity}/{project}/runs/{run_id}/stop",
    *_MOVE,
}
MIN_ADMIN_SECRET = 16


def _errors(**codes: str) -> Responses:
    return {int(c[1:]): {"model": ErrorOut, "description": d} for c, d in codes.items()}


# What any route that needs a caller may answer besides its own success.
_CALLER = _errors(
    e401="Not signed in, or an unknown or revoked API key",
    e403="Not allowed: a read-only key, a missing CSRF token, or a role that may not",
    e404="No such project, or one the caller may not see",
)
# The account routes: bad names or passwords, taken names, too many failed logins.
_ACCOUNTS = {
    **_CALLER,
    **_errors(
        e400="Bad input: the message says what to change",
        e404="No such user, team, key or project",
        e409="Conflicts with what exists (the server has an admin already)",
        e429="Too many failed logins for this user from this address: wait",
    ),
}


@asynccontextmanager
async def _shipping_watch(app: FastAPI) -> AsyncIterator[None]:
    """While the server runs, index shipped bytes no post indexed, mark shipped runs
    whose posts stopped crashed, and keep the store synced."""
    store = app.state.store.store
    watch = ShippingWatch(store, store.indexer.crash_timeout)
    watch.start()
    app.state.store.keep_fresh()  # reads never wait for a sync
    try:
        yield
    finally:
        app.state.store.stop()
        watch.stop()


async def _nul_in_text(request: Request, exc: Exception) -> JSONResponse:
    """PostgreSQL text cannot hold NUL: a name or body with one is bad input, not a crash."""
    if "NUL" not in str(getattr(exc, "orig", "")):
        raise exc
    return JSONResponse({"detail": "text with a NUL character (\\0) is not accepted"}, 400)


def create_team_app(
    database_url: str,
    admin_secret: str,
    records_dir: str | None = None,
    allowed_hosts: Iterable[str] = (),
    sync_interval: float = 1.0,
    crash_timeout: float = CRASH_TIMEOUT,
    blobs: str | None = None,
    oidc: OidcConfig | None = None,
    blob_quota: int | None = None,
) -> FastAPI:
    """The team server over the store at ``database_url``; ``admin_secret`` creates
    the first admin (``POST /api/v1/admin/bootstrap``). A shipped run with no EXIT
    and no post for ``crash_timeout`` seconds is marked crashed. Shipped runs' files
    go to the blob store at ``blobs`` (default: a folder under RUNBASE_DIR); each
    entity's runs may hold ``blob_quota`` bytes of them (None: no limit). With
    ``oidc``, users also sign in through that OpenID Connect provider."""
    if len(admin_secret) < MIN_ADMIN_SECRET:
        raise ValueError(
            f"the admin secret must be at least {MIN_ADMIN_SECRET} characters: "
            "generate one with `openssl rand -hex 32`"
        )
    app = FastAPI(
        title="runbase team server",
        version="1",
        summary="Runs of a shared runbase store, per user and team.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        lifespan=_shipping_watch,
    )
    app.state.store = StoreHolder(database_url, min_interval=sync_interval, root=records_dir)
    app.state.store.store.indexer.crash_timeout = crash_timeout
    # Saved views and reports: rows every process shares, not files of one machine.
    app.state.store.store.documents = DbDocuments(app.state.store.store.engine)
    app.state.admin_secret = admin_secret
    app.state.blobs = open_server_blobs(blobs)
    app.state.oidc = OidcLogin(oidc, admin_secret) if oidc else None
    app.state.blob_quota = blob_quota
    # First: routes are matched in order, and shippers' posts are most of the requests.
    app.include_router(ingest_router, prefix="/api/v1")
    app.include_router(team_router, prefix="/api/v1", responses=_ACCOUNTS)
    app.include_router(admin_router, prefix="/api/v1")
    app.include_router(webapp_router, prefix="/api/v1")
    app.include_router(oidc_router, prefix="/api/v1")
    app.include_router(blobs_router, prefix="/api/v1")
    app.include_router(changes_router, prefix="/api/v1")
    shared = api_router(leave_out=_LEFT_OUT)
    shared.include_router(changes_project_routes())
    shared.include_router(stops_router)
    app.include_router(
        shared, prefix="/api/v1", dependencies=[Depends(authorize_project)], responses=_CALLER
    )
    install_app_parts(app)
    app.add_exception_handler(sa.exc.DataError, _nul_in_text)
    app.add_middleware(HostGuard, allowed_hosts=host_patterns(allowed_hosts))
    # The bucket's origin, where run files redirect: pages and run HTML may show them.
    app.state.media_origins = bucket_origins(app.state.blobs)
    app.add_middleware(SecurityHeaders, media_origins=app.state.media_origins)
    return app
