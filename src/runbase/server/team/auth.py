"""Who is calling: a session cookie from the login route, or an API key.

- **Sessions.** Login sets an HttpOnly, SameSite=Lax cookie (Secure when the
  request came over https) holding a random token; the database keeps its
  SHA-256. A second, readable cookie holds the session's CSRF token: a call that
  changes anything must echo it in ``X-CSRF-Token`` (double submit), which a
  page on another site cannot read.
- **API keys.** ``Authorization: Bearer <key>``, or Basic with user ``api`` and
  the key as password (what W&B clients send). A key carries no ambient
  authority, so it needs no CSRF token. A revoked or unknown key is a 401 even
  when a session cookie is also sent.
- **Failed logins** are counted per (user name, client address) in the
  database, so every server process sees the same count.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import secrets
import time
from dataclasses import dataclass, field
from typing import Annotated

import sqlalchemy as sa
from fastapi import Depends, HTTPException, Request, Response

from runbase.server.team import accounts
from runbase.server.team.accounts import User
from runbase.store.db import schema as t
from runbase.store.db.keyed import any_of

SESSION_COOKIE = "runbase_session"
CSRF_COOKIE = "runbase_csrf"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 14 * 24 * 3600
MAX_FAILURES = 5
FAILURE_WINDOW = 15 * 60
_SAFE = {"GET", "HEAD", "OPTIONS"}
BAD_KEY = "this API key is unknown or revoked: create a new one"


@dataclass(frozen=True)
class Caller:
    """The user behind a request (``user`` None: anonymous) and what they may do."""

    user: User | None = None
    scope: str = "read"  # a read-only key never writes, whatever its user's roles
    teams: dict[str, str] = field(default_factory=dict)


def engine(request: Request) -> sa.Engine:
    """The store's database, which also holds the accounts."""
    return request.app.state.store.store.engine


def current_caller(request: Request) -> Caller:
    """The caller of this request; 401 for a bad key, 403 for a missing CSRF token."""
    eng = engine(request)
    key = api_key(request)
    user: User | None
    with eng.begin() as conn:
        if key is not None:
            # The key's user and teams in one query (a round trip less for every
            # request a script or shipper sends).
            caller = key_callers(conn, {key}).get(key)
            if caller is None:
                raise HTTPException(401, BAD_KEY)
            return caller
        user, scope = _session_user(conn, request)
        teams = accounts.team_roles(conn, user.id) if user else {}
    return Caller(user, scope, teams)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def api_key(request: Request) -> str | None:
    """The API key the request was sent with (None: none; 401: a malformed header)."""
    auth = request.headers.get("authorization")
    return None if auth is None else _key_from_header(auth)


def key_callers(conn: sa.Connection, keys: set[str]) -> dict[str, Caller]:
    """The callers of those of ``keys`` that are neither unknown nor revoked, in one
    query (the ingest posts of a group commit, ``group.py``); they count as used."""
    k, u, m, tm = t.api_keys, t.users, t.team_members, t.teams
    of = {accounts.digest(key): key for key in keys}
    query = (
        sa.select(k.c.key_hash, k.c.id, k.c.scope, k.c.last_used_at, u.c.id.label("uid"))
        .add_columns(u.c.name, u.c.is_admin, tm.c.name.label("team"), m.c.role)
        .join(u, u.c.id == k.c.user_id)
        .outerjoin(m, m.c.user_id == u.c.id)
        .outerjoin(tm, tm.c.id == m.c.team_id)
        .where(any_of(k.c.key_hash, "b_hashes"), k.c.revoked_at.is_(None))
    )
    out: dict[str, Caller] = {}
    used: set[int] = set()
    now = time.time()
    for r in conn.execute(query, {"b_hashes": sorted(of)}):
        caller = out.get(of[r.key_hash])
        if caller is None:
            caller = out[of[r.key_hash]] = Caller(User(r.uid, r.name, r.is_admin), r.scope)
            if r.last_used_at is None or now - r.last_used_at > 60:
                used.add(r.id)
        if r.team is not None:
            caller.teams[r.team] = r.role
    if used:
        conn.execute(sa.update(k).where(k.c.id.in_(sorted(used))).values(last_used_at=now))
    return out


def _key_from_header(header: str) -> str:
    kind, _, value = header.partition(" ")
    if kind.lower() == "bearer":
        return value.strip()
    if kind.lower() == "basic":
        try:
            user, _, key = base64.b64decode(value.strip(), validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            user, key = "", ""
        if user == "api":
            return key
    raise HTTPException(
        401,
        "the Authorization header must be 'Bearer <api key>' or Basic with user 'api' "
        "and the key as password",
    )


def _session_user(conn: sa.Connection, request: Request) -> tuple[User | None, str]:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None, "read"
    s, u = t.sessions, t.users
    query = (
        sa.select(s.c.csrf_token, s.c.expires_at, u.c.id, u.c.name, u.c.is_admin)
        .join(u, u.c.id == s.c.user_id)
        .where(s.c.token_hash == accounts.digest(token))
    )
    row = conn.execute(query).first()
    if row is None or row.expires_at < time.time():
        return None, "read"
    if request.method not in _SAFE:
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), row.csrf_token.encode()):
            raise HTTPException(
                403, "this change needs the X-CSRF-Token header (the runbase_csrf cookie's value)"
            )
    return User(row.id, row.name, row.is_admin), "write"


def _client(request: Request, name: str) -> str:
    host = request.client.host if request.client else "?"
    return f"{name[:64]}|{host}"[:200]


def login(request: Request, response: Response, name: str, password: str) -> dict[str, str]:
    """Check the password (429 after too many failures), start a session, set its cookies."""
    who = _client(request, name)
    since = time.time() - FAILURE_WINDOW
    fails = t.login_failures
    with engine(request).begin() as conn:
        count = conn.execute(
            sa.select(sa.func.count()).where((fails.c.who == who) & (fails.c.at > since))
        ).scalar_one()
        if count >= MAX_FAILURES:
            raise HTTPException(
                429,
                "too many failed logins for this user from this address: wait 15 minutes",
                headers={"retry-after": str(FAILURE_WINDOW)},
            )
        user = accounts.verify_password(conn, name, password)
        if user is None:
            # Failures older than the window count for nothing: drop them as new ones come.
            conn.execute(sa.delete(fails).where(fails.c.at <= since))
            conn.execute(fails.insert().values(who=who, at=time.time()))
        else:
            conn.execute(sa.delete(fails).where(fails.c.who == who))
    if user is None:
        raise HTTPException(401, "wrong user name or password")
    return start_session(request, response, user)


def start_session(request: Request, response: Response, user: User) -> dict[str, str]:
    """A new session for ``user`` (a password or an OpenID Connect sign-in): its cookies
    are set on ``response``."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine(request).begin() as conn:
        conn.execute(
            t.sessions.insert().values(
                token_hash=accounts.digest(token),
                user_id=user.id,
                csrf_token=csrf,
                expires_at=time.time() + SESSION_SECONDS,
            )
        )
    secure = request.url.scheme == "https"
    common = {"max_age": SESSION_SECONDS, "samesite": "lax", "secure": secure, "path": "/"}
    response.set_cookie(SESSION_COOKIE, token, httponly=True, **common)  # type: ignore[arg-type]
    response.set_cookie(CSRF_COOKIE, csrf, httponly=False, **common)  # type: ignore[arg-type]
    return {"user": user.name, "csrf_token": csrf}


def logout(request: Request, response: Response) -> None:
    """End the session of this request's cookie, if any, and clear the cookies."""
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        with engine(request).begin() as conn:
            conn.execute(
                sa.delete(t.sessions).where(t.sessions.c.token_hash == accounts.digest(token))
            )
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
