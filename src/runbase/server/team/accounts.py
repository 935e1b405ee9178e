"""Users, teams, API keys and sessions in the store's database.

Passwords are hashed with argon2 (slow on purpose). API keys and session tokens
are 256-bit random strings, so one SHA-256 of each is enough to store: nothing
can be guessed from it, and looking one up is a single indexed query.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from runbase.store.db import schema as t

ROLES = ("admin", "member", "viewer")
SCOPES = ("read", "write")
KEY_PREFIX = "rbk_"
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the user name is unknown, so a miss costs what a hit does.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """Bad input to an account operation; the message says what to do."""


@dataclass(frozen=True)
class User:
    id: int
    name: str
    is_admin: bool


def digest(secret: str) -> str:
    """The stored form of an API key or session token."""
    return hashlib.sha256(secret.encode()).hexdigest()


def check_name(name: str, what: str) -> str:
    """``name`` if it can be a user or team name, else AccountError."""
    if not _NAME.match(name):
        raise AccountError(
            f"{what} name {name!r} is not allowed: use 1-64 lowercase letters, digits, "
            "'-' or '_', starting with a letter or digit"
        )
    return name


def _name_taken(conn: sa.Connection, name: str) -> bool:
    for table in (t.users, t.teams):
        if conn.execute(sa.select(table.c.id).where(table.c.name == name)).first():
            return True
    return False


def create_user(conn: sa.Connection, name: str, password: str, is_admin: bool = False) -> User:
    """A new user; AccountError when the name is taken or the password too short."""
    check_name(name, "user")
    if len(password) < 12:
        raise AccountError("the password is too short: use at least 12 characters")
    if _name_taken(conn, name):
        raise AccountError(f"the name {name!r} is taken by a user or team: choose another")
    row = {"name": name, "password_hash": _hasher.hash(password), "is_admin": is_admin}
    uid = conn.execute(t.users.insert().values(**row, created_at=time.time())).inserted_primary_key
    assert uid is not None
    return User(int(uid[0]), name, is_admin)


def verify_password(conn: sa.Connection, name: str, password: str) -> User | None:
    """The user when ``password`` is theirs, else None (same work either way)."""
    row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).first()
    try:
        _hasher.verify(row.password_hash if row else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return User(row.id, row.name, row.is_admin) if row else None


def get_user(conn: sa.Connection, name: str) -> User | None:
    """The user called ``name``, if any."""
    row = conn.execute(sa.select(t.users).where(t.users.c.name == name)).first()
    return User(row.id, row.name, row.is_admin) if row else None


def any_admin(conn: sa.Connection) -> bool:
    """True once the server has an admin (the admin secret then creates no more)."""
    query = sa.select(t.users.c.id).where(t.users.c.is_admin.is_(True)).limit(1)
    return conn.execute(query).first() is not None


def create_team(conn: sa.Connection, name: str, creator: User) -> None:
    """A new team, with its creator as its admin."""
    check_name(name, "team")
    if _name_taken(conn, name):
        raise AccountError(f"the name {name!r} is taken by a user or team: choose another")
    tid = conn.execute(t.teams.insert().values(name=name, created_at=time.time()))
    team_id = tid.inserted_primary_key[0]  # type: ignore[index]
    conn.execute(t.team_members.insert().values(team_id=team_id, user_id=creator.id, role="admin"))


def team_id(conn: sa.Connection, name: str) -> int | None:
    """The id of the team called ``name``, if any."""
    return conn.execute(sa.select(t.teams.c.id).where(t.teams.c.name == name)).scalar()


def set_member(conn: sa.Connection, team: int, user: User, role: str) -> None:
    """Add ``user`` to the team, or change their role."""
    if role not in ROLES:
        raise AccountError(f"role {role!r} is not one of {', '.join(ROLES)}")
    where = (t.team_members.c.team_id == team) & (t.team_members.c.user_id == user.id)
    if conn.execute(sa.update(t.team_members).where(where).values(role=role)).rowcount == 0:
        conn.execute(t.team_members.insert().values(team_id=team, user_id=user.id, role=role))


def remove_member(conn: sa.Connection, team: int, user: User) -> bool:
    """Take ``user`` out of the team; False when they were not in it."""
    where = (t.team_members.c.team_id == team) & (t.team_members.c.user_id == user.id)
    return conn.execute(sa.delete(t.team_members).where(where)).rowcount > 0


def members(conn: sa.Connection, team: int) -> list[dict[str, str]]:
    """The team's members and roles, by name."""
    query = (
        sa.select(t.users.c.name, t.team_members.c.role)
        .join(t.users, t.users.c.id == t.team_members.c.user_id)
        .where(t.team_members.c.team_id == team)
        .order_by(t.users.c.name)
    )
    return [{"user": n, "role": r} for n, r in conn.execute(query)]


def team_roles(conn: sa.Connection, user_id: int) -> dict[str, str]:
    """Team name -> the user's role in it."""
    query = (
        sa.select(t.teams.c.name, t.team_members.c.role)
        .join(t.teams, t.teams.c.id == t.team_members.c.team_id)
        .where(t.team_members.c.user_id == user_id)
    )
    return {n: r for n, r in conn.execute(query)}


def create_key(conn: sa.Connection, user: User, name: str, scope: str) -> tuple[int, str]:
    """A new API key: its id and the key itself, which is never stored or shown again."""
    if scope not in SCOPES:
        raise AccountError(f"scope {scope!r} is not one of {', '.join(SCOPES)}")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    row = {"user_id": user.id, "prefix": key[: len(KEY_PREFIX) + 6], "key_hash": digest(key)}
    res = conn.execute(
        t.api_keys.insert().values(**row, name=name, scope=scope, created_at=time.time())
    )
    return int(res.inserted_primary_key[0]), key  # type: ignore[index]


def list_keys(conn: sa.Connection, user: User) -> list[dict[str, object]]:
    """The user's keys, without the keys themselves."""
    cols = [t.api_keys.c[c] for c in ("id", "prefix", "name", "scope", "created_at")]
    cols += [t.api_keys.c.last_used_at, t.api_keys.c.revoked_at]
    query = sa.select(*cols).where(t.api_keys.c.user_id == user.id).order_by(t.api_keys.c.id)
    return [dict(r._mapping) for r in conn.execute(query)]


def revoke_key(conn: sa.Connection, user: User, key_id: int) -> bool:
    """Revoke one of the user's keys; False when they have no such key."""
    where = (t.api_keys.c.id == key_id) & (t.api_keys.c.user_id == user.id)
    return (
        conn.execute(sa.update(t.api_keys).where(where).values(revoked_at=time.time())).rowcount > 0
    )
