"""Projects: the list, one project, and the columns its runs table can show."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from runbase.server import shapes
from runbase.server.deps import FreshStore, fast_json, project_or_404
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.filters import FilterError
from runbase.server.models import FieldValues, ProjectColumns, ProjectList, ProjectOut
from runbase.store import queries

router = APIRouter(responses=BAD_INPUT, tags=["projects"])


@router.get("/projects", response_model=ProjectList)
def list_projects(store: FreshStore) -> Response:
    """Every project, with run count and last activity (unix seconds)."""
    rows = [shapes.project_out(p) for p in queries.list_projects(store)]
    rows.sort(key=lambda r: -(r["last_activity"] or 0))
    return fast_json({"total": len(rows), "projects": rows})


@router.get("/projects/{entity}/{project}", response_model=ProjectOut, responses=NOT_FOUND)
def get_project(store: FreshStore, entity: str, project: str) -> Response:
    """One project; 404 when it has no runs."""
    return fast_json(project_or_404(store, entity, project))


@router.get(
    "/projects/{entity}/{project}/columns", response_model=ProjectColumns, responses=NOT_FOUND
)
def project_columns(store: FreshStore, entity: str, project: str) -> Response:
    """Config keys, summary keys and history metric keys seen in the project."""
    project_or_404(store, entity, project)
    return fast_json(queries.project_columns(store, entity, project))


@router.get("/projects/{entity}/{project}/values", response_model=FieldValues, responses=NOT_FOUND)
def field_values(
    store: FreshStore,
    entity: str,
    project: str,
    field: Annotated[
        str,
        Query(
            min_length=1,
            description="a filter field: state, tags, user, group, job_type, host, "
            "config.<k>, summary.<k>, ...",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> Response:
    """Distinct values of ``field`` in the project's runs, most common first: what
    the filter builder suggests. ``truncated`` says more exist than ``limit``."""
    project_or_404(store, entity, project)
    try:
        values, truncated = queries.field_values(store, entity, project, field, limit)
    except ValueError as e:
        raise FilterError(str(e)) from None
    return fast_json({"field": field, "values": values, "truncated": truncated})
