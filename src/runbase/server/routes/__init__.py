"""The JSON API, version 1, one module per resource: what the web app reads, and
later the team server's API.

Routes are shaped for a multi-user server: everything lives under
``/projects/{entity}/{project}``, lists are paginated with ``limit``/``offset``
and return ``total``, and errors are ``{"detail": message}`` with 400 (bad
input), 404 (unknown project, run or file), 409 (a read-only store) or 500
(``errors.py``). Each route names its response model (``models.py``).
"""

from __future__ import annotations

from fastapi import APIRouter

from runbase.server.routes import (
    artifacts,
    charts,
    files,
    groups,
    importance,
    logs,
    media,
    metrics,
    projects,
    runs,
    series,
    status,
    sweeps,
    tables,
    views,
)


def api_router() -> APIRouter:
    """Every /api/v1 route."""
    router = APIRouter()
    modules = (
        status,
        projects,
        runs,
        groups,
        importance,
        series,
        metrics,
        logs,
        files,
        media,
        tables,
        charts,
        artifacts,
        sweeps,
        views,
    )
    for module in modules:
        router.include_router(module.router)
    return router
