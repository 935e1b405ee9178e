"""What the web app asks a team server before it draws anything.

``GET /api/v1/server`` tells the app it is on a team server (``runbase ui``
has no such route: a 404 there means a local app with no login) and who is
signed in, with their teams, so the app shows the login link or the user
menu. It never answers 401: an anonymous visitor may still read public
projects. ``GET .../visibility`` is the project's current setting, which the
project settings page and the run overview's Privacy field show.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from runbase.records.layout import name_problem
from runbase.server.errors import BAD_INPUT, NOT_FOUND, ErrorOut, Responses
from runbase.server.team.access import check, is_public
from runbase.server.team.auth import CurrentCaller, engine

_UNAUTHORIZED: Responses = {
    401: {"model": ErrorOut, "description": "An unknown or revoked API key"}
}
router = APIRouter(tags=["team"], responses={**BAD_INPUT, **_UNAUTHORIZED})


class ServerInfo(BaseModel):
    """The server's kind and the caller: ``user`` is null for an anonymous visitor."""

    team: bool
    user: str | None
    admin: bool
    scope: Literal["read", "write"]
    teams: dict[str, str]


class ProjectVisibility(BaseModel):
    """Whether a project is readable by everyone (public) or only its entity (private)."""

    entity: str
    project: str
    visibility: Literal["private", "public"]


@router.get("/server", response_model=ServerInfo)
def server_info(caller: CurrentCaller) -> ServerInfo:
    """This is a team server; who the caller is (no one when not signed in)."""
    user = caller.user
    return ServerInfo(
        team=True,
        user=user.name if user else None,
        admin=bool(user and user.is_admin),
        scope="write" if caller.scope == "write" else "read",
        teams=dict(caller.teams),
    )


@router.get(
    "/projects/{entity}/{project}/visibility",
    response_model=ProjectVisibility,
    responses={**NOT_FOUND},
)
def get_visibility(
    request: Request, caller: CurrentCaller, entity: str, project: str
) -> ProjectVisibility:
    """A project's visibility, for those who may read it."""
    why = name_problem("entity", entity) or name_problem("project", project)
    if why:
        raise HTTPException(400, why)
    check(request, caller, entity, project, "read")
    with engine(request).connect() as conn:
        public = is_public(conn, entity, project)
    return ProjectVisibility(
        entity=entity, project=project, visibility="public" if public else "private"
    )
