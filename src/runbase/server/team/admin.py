"""The server admins' overview: every team with its members and every user with
their teams (``GET /api/v1/admin/overview``, the web app's Admin page). Only server
admins may see it: it names users and teams no one else is told about."""

from __future__ import annotations

import sqlalchemy as sa
from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from runbase.server.errors import ErrorOut
from runbase.server.team.auth import CurrentCaller, engine
from runbase.store.db import schema as t

router = APIRouter(
    tags=["team"],
    responses={
        401: {"model": ErrorOut, "description": "Not signed in, or an unknown or revoked key"},
        403: {"model": ErrorOut, "description": "The caller is not a server admin"},
    },
)


class AdminMember(BaseModel):
    user: str
    role: str


class AdminTeam(BaseModel):
    name: str
    created_at: float
    members: list[AdminMember]


class AdminUser(BaseModel):
    name: str
    admin: bool
    created_at: float
    teams: dict[str, str]  # team name: role


class AdminOverview(BaseModel):
    users: list[AdminUser]
    teams: list[AdminTeam]


@router.get("/admin/overview", response_model=AdminOverview)
def overview(request: Request, caller: CurrentCaller) -> AdminOverview:
    """Every user and every team, by name (server admins only; a read-only key will do)."""
    if caller.user is None:
        raise HTTPException(401, "log in or send an API key first")
    if not caller.user.is_admin:
        raise HTTPException(403, "only a server admin may see every user and team")
    u, tm, m = t.users, t.teams, t.team_members
    with engine(request).connect() as conn:
        users = conn.execute(sa.select(u.c.id, u.c.name, u.c.is_admin, u.c.created_at)).all()
        teams = conn.execute(sa.select(tm.c.id, tm.c.name, tm.c.created_at)).all()
        roles = conn.execute(sa.select(m.c.team_id, m.c.user_id, m.c.role)).all()
    user_name = {r.id: r.name for r in users}
    team_name = {r.id: r.name for r in teams}
    by_user: dict[int, dict[str, str]] = {r.id: {} for r in users}
    by_team: dict[int, list[AdminMember]] = {r.id: [] for r in teams}
    for team_id, user_id, role in roles:
        by_user[user_id][team_name[team_id]] = role
        by_team[team_id].append(AdminMember(user=user_name[user_id], role=role))
    return AdminOverview(
        users=sorted(
            (AdminUser(name=r.name, admin=r.is_admin, created_at=r.created_at, teams=by_user[r.id])
             for r in users),
            key=lambda x: x.name,
        ),
        teams=sorted(
            (AdminTeam(name=r.name, created_at=r.created_at,
                       members=sorted(by_team[r.id], key=lambda x: x.user))
             for r in teams),
            key=lambda x: x.name,
        ),
    )  # fmt: skip
