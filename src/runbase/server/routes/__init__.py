"""The JSON API, version 1, one module per resource: what the web app reads, and
later the team server's API.

Routes are shaped for a multi-user server: everything lives under
``/projects/{entity}/{project}``, lists are paginated with ``limit``/``offset``
and return ``total``, and errors are ``{"detail": message}`` with 400 (bad
input), 404 (unknown project, run or file), 409 (a read-only store) or 500
(``errors.py``). Each route names its response model (``models.py``).
"""

from __future__ import annotations

from collections.abc import Collection

from fastapi import APIRouter
from fastapi.routing import APIRoute

from runbase.server.routes import (
    artifacts,
    bulk,
    charts,
    exact,
    files,
    group_aggs,
    groups,
    importance,
    logs,
    media,
    metrics,
    projects,
    reports,
    runs,
    series,
    status,
    stop,
    sweeps,
    tables,
    views,
)


def api_router(leave_out: Collection[str] = ()) -> APIRouter:
    """Every /api/v1 route but those whose path is in ``leave_out`` (the team server
    replaces or leaves out the ones that read across projects)."""
    router = APIRouter()
    modules = (
        status,
        projects,
        runs,
        bulk,
        stop,
        groups,
        group_aggs,
        importance,
        series,
        metrics,
        logs,
        files,
        media,
        tables,
        charts,
        exact,
        artifacts,
        sweeps,
        views,
        reports,
    )
    for module in modules:
        for route in module.router.routes:
            if isinstance(route, APIRoute) and route.path not in leave_out:
                router.routes.append(route)
    return router
