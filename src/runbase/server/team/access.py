"""Who may read, change or manage which project.

A project belongs to its entity: a user (who owns it) or a team (whose admins
and members may change it and whose viewers may read it). Server admins may do
anything. Projects are private unless made public, and a public project is
read-only to everyone else, anonymous callers included. A read-only API key
caps its user at reading.

Refusals say as little as they must: an anonymous caller gets 401 (log in), a
signed-in caller who may not even read a private project gets the 404 an
unknown project gets, and one who may read but not change it gets 403.
"""

from __future__ import annotations

from typing import Literal

import sqlalchemy as sa
from fastapi import HTTPException, Request

from runbase.server.team.auth import Caller, current_caller, engine
from runbase.store.db import schema as t

Need = Literal["read", "write", "manage"]
_RANK = {"viewer": 1, "member": 2, "admin": 3, "owner": 3}
_NEEDS: dict[str, int] = {"read": 1, "write": 2, "manage": 3}

# The routes of the shared API that change a project; every other one reads.
# Paths as the routes declare them (FastAPI hands the dependency the route
# itself, without the /api/v1 prefix it is mounted under).
WRITE_ROUTES = {
    ("PATCH", "/projects/{entity}/{project}/runs/{run_id}"),
    ("DELETE", "/projects/{entity}/{project}/runs/{run_id}"),
    ("POST", "/projects/{entity}/{project}/runs/delete"),
    ("POST", "/projects/{entity}/{project}/runs/tags"),
    ("POST", "/projects/{entity}/{project}/runs/{run_id}/stop"),
    ("POST", "/projects/{entity}/{project}/sweeps/{sweep_id}/state"),
    ("POST", "/projects/{entity}/{project}/exact/runs/{run_id}/edit"),
    ("POST", "/projects/{entity}/{project}/views"),
    ("PUT", "/projects/{entity}/{project}/views/default"),
    ("PUT", "/projects/{entity}/{project}/views/{view_id}"),
    ("DELETE", "/projects/{entity}/{project}/views/{view_id}"),
    ("POST", "/projects/{entity}/{project}/reports"),
    ("PUT", "/projects/{entity}/{project}/reports/{report_id}"),
    ("DELETE", "/projects/{entity}/{project}/reports/{report_id}"),
}


def rank(caller: Caller, entity: str) -> int:
    """0 (no role), 1 (may read), 2 (may change) or 3 (may manage) in ``entity``."""
    user = caller.user
    if user is None:
        return 0
    if user.is_admin or user.name == entity:
        level = 3
    else:
        level = _RANK.get(caller.teams.get(entity, ""), 0)
    return min(level, 1) if caller.scope == "read" else level


def is_public(conn: sa.Connection, entity: str, project: str) -> bool:
    """True when the project was made public."""
    v = t.project_visibility
    query = sa.select(v.c.visibility).where((v.c.entity == entity) & (v.c.project == project))
    return conn.execute(query).scalar() == "public"


def public_projects(conn: sa.Connection) -> set[tuple[str, str]]:
    """Every public (entity, project)."""
    v = t.project_visibility
    query = sa.select(v.c.entity, v.c.project).where(v.c.visibility == "public")
    return {(e, p) for e, p in conn.execute(query)}


def check(request: Request, caller: Caller, entity: str, project: str, need: Need) -> None:
    """Return when ``caller`` may ``need`` the project, else raise the refusal."""
    if rank(caller, entity) >= _NEEDS[need]:
        return
    with engine(request).connect() as conn:
        why = refusal(conn, caller, entity, project, need)
    if why is not None:
        raise why


def refusal(
    conn: sa.Connection, caller: Caller, entity: str, project: str, need: Need
) -> HTTPException | None:
    """None when ``caller`` may ``need`` the project, else the refusal."""
    level = rank(caller, entity)
    if level >= _NEEDS[need]:
        return None
    readable = level >= 1 or is_public(conn, entity, project)
    if need == "read" and readable:
        return None
    if caller.user is None:
        return HTTPException(401, "log in or send an API key to see or change this project")
    if not readable:
        return HTTPException(404, f"no project {entity}/{project}")
    return HTTPException(403, f"you may not change {entity}/{project}: ask an admin of {entity}")


def authorize_project(request: Request) -> Caller:
    """The dependency every project route of the team server runs first."""
    caller = current_caller(request)
    route = request.scope["route"]
    method = request.method if request.method != "HEAD" else "GET"
    need: Need = "write" if (method, route.path) in WRITE_ROUTES else "read"
    params = request.path_params
    check(request, caller, params["entity"], params["project"], need)
    return caller


def visible(request: Request, caller: Caller, pairs: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (entity, project) pairs among ``pairs`` the caller may read."""
    with engine(request).connect() as conn:
        public = public_projects(conn)
    return {(e, p) for e, p in pairs if (e, p) in public or rank(caller, e) >= 1}
