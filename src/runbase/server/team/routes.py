"""The team server's own routes: bootstrap, login, users, teams, API keys and
project visibility. The store's routes come from ``runbase.server.routes``."""

from __future__ import annotations

import hmac
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Request, Response
from pydantic import BaseModel, Field

from runbase.server import shapes
from runbase.server.deps import FreshStore, fast_json
from runbase.server.models import ProjectList
from runbase.server.team import accounts, auth
from runbase.server.team.access import check, visible
from runbase.server.team.accounts import AccountError, User
from runbase.server.team.auth import Caller, CurrentCaller, engine
from runbase.store import queries
from runbase.store.db import schema as t

router = APIRouter(tags=["team"])


class Credentials(BaseModel):
    name: str = Field(max_length=64)
    password: str = Field(max_length=1024)


class NewUser(Credentials):
    admin: bool = False


class NewTeam(BaseModel):
    name: str = Field(max_length=64)


class Membership(BaseModel):
    role: Literal["admin", "member", "viewer"]


class NewKey(BaseModel):
    name: str = Field(default="", max_length=128)
    scope: Literal["read", "write"] = "write"


class Visibility(BaseModel):
    visibility: Literal["private", "public"]


def _signed_in(caller: Caller, write: bool = True) -> User:
    if caller.user is None:
        raise HTTPException(401, "log in or send an API key first")
    if write and caller.scope != "write":
        raise HTTPException(403, "this API key is read-only: use a write key")
    return caller.user


def _site_admin(caller: Caller) -> User:
    user = _signed_in(caller)
    if not user.is_admin:
        raise HTTPException(403, "only a server admin may do this")
    return user


def _bad(e: AccountError) -> HTTPException:
    return HTTPException(400, str(e))


@router.post("/admin/bootstrap", status_code=201)
def bootstrap(
    request: Request, body: Credentials, x_admin_secret: Annotated[str, Header()] = ""
) -> dict[str, str]:
    """Create the first admin user; needs the server's admin secret (X-Admin-Secret)."""
    secret: str = request.app.state.admin_secret
    if not hmac.compare_digest(x_admin_secret.encode(), secret.encode()):
        raise HTTPException(403, "wrong or missing X-Admin-Secret")
    with engine(request).begin() as conn:
        if accounts.any_admin(conn):
            raise HTTPException(409, "the server has an admin already: ask them for an account")
        try:
            user = accounts.create_user(conn, body.name, body.password, is_admin=True)
        except AccountError as e:
            raise _bad(e) from None
    return {"user": user.name}


@router.post("/auth/login")
def login(request: Request, response: Response, body: Credentials) -> dict[str, str]:
    """Start a session: sets the session and CSRF cookies."""
    return auth.login(request, response, body.name, body.password)


@router.post("/auth/logout", status_code=204)
def logout(request: Request, caller: CurrentCaller) -> Response:
    """End this session."""
    response = Response(status_code=204)
    auth.logout(request, response)
    return response


@router.get("/auth/me")
def me(caller: CurrentCaller) -> dict[str, Any]:
    """The signed-in user, their teams and roles, and the key's scope."""
    user = _signed_in(caller, write=False)
    return {"user": user.name, "admin": user.is_admin, "scope": caller.scope, "teams": caller.teams}


@router.post("/users", status_code=201)
def create_user(request: Request, caller: CurrentCaller, body: NewUser) -> dict[str, str]:
    """Create a user (server admins only)."""
    _site_admin(caller)
    with engine(request).begin() as conn:
        try:
            user = accounts.create_user(conn, body.name, body.password, body.admin)
        except AccountError as e:
            raise _bad(e) from None
    return {"user": user.name}


@router.post("/teams", status_code=201)
def create_team(request: Request, caller: CurrentCaller, body: NewTeam) -> dict[str, str]:
    """Create a team; its creator becomes its admin."""
    user = _signed_in(caller)
    with engine(request).begin() as conn:
        try:
            accounts.create_team(conn, body.name, user)
        except AccountError as e:
            raise _bad(e) from None
    return {"team": body.name}


def _team_for(request: Request, caller: Caller, team: str, manage: bool) -> int:
    user = _signed_in(caller, write=manage)
    with engine(request).connect() as conn:
        tid = accounts.team_id(conn, team)
    role = caller.teams.get(team)
    if tid is None or not (user.is_admin or role):
        raise HTTPException(404, f"no team {team}")
    if manage and not (user.is_admin or role == "admin"):
        raise HTTPException(403, f"only an admin of {team} may change its members")
    return tid


@router.get("/teams/{team}")
def get_team(request: Request, caller: CurrentCaller, team: str) -> dict[str, Any]:
    """A team's members and their roles (its members and server admins)."""
    tid = _team_for(request, caller, team, manage=False)
    with engine(request).connect() as conn:
        return {"team": team, "members": accounts.members(conn, tid)}


@router.put("/teams/{team}/members/{user}")
def set_member(
    request: Request, caller: CurrentCaller, team: str, user: str, body: Membership
) -> dict[str, str]:
    """Add a user to the team or change their role (team admins)."""
    tid = _team_for(request, caller, team, manage=True)
    with engine(request).begin() as conn:
        member = accounts.get_user(conn, user)
        if member is None:
            raise HTTPException(404, f"no user {user}")
        accounts.set_member(conn, tid, member, body.role)
    return {"team": team, "user": user, "role": body.role}


@router.delete("/teams/{team}/members/{user}", status_code=204)
def remove_member(request: Request, caller: CurrentCaller, team: str, user: str) -> Response:
    """Take a user out of the team (team admins)."""
    tid = _team_for(request, caller, team, manage=True)
    with engine(request).begin() as conn:
        member = accounts.get_user(conn, user)
        if member is None or not accounts.remove_member(conn, tid, member):
            raise HTTPException(404, f"{user} is not in {team}")
    return Response(status_code=204)


@router.post("/keys", status_code=201)
def create_key(request: Request, caller: CurrentCaller, body: NewKey) -> dict[str, Any]:
    """A new API key for the caller: the answer is the only time it is shown."""
    user = _signed_in(caller)
    with engine(request).begin() as conn:
        key_id, key = accounts.create_key(conn, user, body.name, body.scope)
    return {"id": key_id, "key": key, "scope": body.scope}


@router.get("/keys")
def list_keys(request: Request, caller: CurrentCaller) -> dict[str, Any]:
    """The caller's API keys (never the keys themselves)."""
    user = _signed_in(caller, write=False)
    with engine(request).connect() as conn:
        return {"keys": accounts.list_keys(conn, user)}


@router.delete("/keys/{key_id}", status_code=204)
def revoke_key(request: Request, caller: CurrentCaller, key_id: int) -> Response:
    """Revoke one of the caller's keys: it stops working at once, in every process."""
    user = _signed_in(caller)
    with engine(request).begin() as conn:
        if not accounts.revoke_key(conn, user, key_id):
            raise HTTPException(404, f"you have no API key {key_id}")
    return Response(status_code=204)


@router.put("/projects/{entity}/{project}/visibility")
def set_visibility(
    request: Request, caller: CurrentCaller, entity: str, project: str, body: Visibility
) -> dict[str, str]:
    """Make a project public (read-only to everyone) or private (the default)."""
    check(request, caller, entity, project, "manage")
    v = t.project_visibility
    with engine(request).begin() as conn:
        conn.execute(v.delete().where((v.c.entity == entity) & (v.c.project == project)))
        if body.visibility == "public":
            conn.execute(v.insert().values(entity=entity, project=project, visibility="public"))
    return {"entity": entity, "project": project, "visibility": body.visibility}


@router.get("/projects", response_model=ProjectList)
def list_projects(request: Request, caller: CurrentCaller, store: FreshStore) -> Response:
    """The projects the caller may read, most recently active first."""
    rows = queries.list_projects(store)
    allowed = visible(request, caller, [(p.entity, p.project) for p in rows])
    out = [shapes.project_out(p) for p in rows if (p.entity, p.project) in allowed]
    out.sort(key=lambda r: -(r["last_activity"] or 0))
    return fast_json({"total": len(out), "projects": out})
