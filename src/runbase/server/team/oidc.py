"""Sign-in through an OpenID Connect provider (Keycloak, Okta, Google, Entra ID...).

Authlib does the protocol: discovery (``/.well-known/openid-configuration``), the
authorization URL with PKCE (S256), ``state`` and ``nonce``, the code exchange with
the client secret, and the ID token's checks: its signature against the provider's
JWKS (fetched again once for a key id it does not know), ``iss``, ``aud``, ``exp``
and ``nonce``. This module keeps what is runbase's own:

- **The pending sign-in** (state, nonce, PKCE verifier, where to go back) lives in
  a short-lived HttpOnly cookie signed with a key derived from the admin secret, so
  any server process can finish a sign-in another one started.
- **Who the user is**: the provider's (issuer, subject) pair, kept in
  ``oidc_identities``. The first sign-in creates a user (named after the provider's
  ``preferred_username`` or the email's local part) with no password; with allowed
  email domains, only a verified email in one of them signs in at all.
"""

from __future__ import annotations

import base64
import hmac
import json
import re
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa

from runbase.server.team import accounts
from runbase.server.team.accounts import User
from runbase.store.db import schema as t

FLOW_COOKIE = "runbase_oidc"
FLOW_SECONDS = 600
CALLBACK_PATH = "/api/v1/auth/oidc/callback"
# Not an argon2 hash: a password login of an OpenID Connect user always fails.
NO_PASSWORD = "!oidc"
_CLAIM_WORDS = {
    "iss": "it was issued by another issuer than {issuer}",
    "aud": "it is not meant for this server (its audience is not the client id {client_id})",
    "azp": "it was issued to another client than {client_id}",
    "nonce": "its nonce is not the one this sign-in sent (a replayed or mixed-up sign-in)",
}


class OidcError(Exception):
    """A sign-in that cannot go on; ``status`` is the HTTP answer, the message says why."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class OidcConfig:
    """The provider to sign in with; the secret never shows in a repr or a log."""

    issuer: str
    client_id: str
    client_secret: str = field(repr=False)
    name: str = "OpenID Connect"
    allowed_domains: tuple[str, ...] = ()
    scope: str = "openid email profile"


class _Framework:
    """What Authlib's app classes expect of a web framework: only token updates,
    which a sign-in (no refresh tokens kept) never makes."""

    def update_token(self, token: dict[str, Any], **kwargs: Any) -> None:
        return None


def _provider(config: OidcConfig) -> Any:
    """Authlib's OAuth 2 / OpenID Connect client app for the provider. Authlib (the
    ``server`` extra) is imported only here: a server without OIDC never needs it."""
    from authlib.integrations.base_client import BaseApp, OAuth2Mixin, OpenIDMixin
    from authlib.integrations.httpx_client import OAuth2Client

    class Provider(OpenIDMixin, OAuth2Mixin, BaseApp):
        client_cls = OAuth2Client

    return Provider(
        _Framework(),
        name="oidc",
        client_id=config.client_id,
        client_secret=config.client_secret,
        server_metadata_url=config.issuer.rstrip("/") + "/.well-known/openid-configuration",
        client_kwargs={
            "scope": config.scope,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "timeout": 10,
        },
    )


class OidcLogin:
    """One configured provider: starts sign-ins and checks what comes back."""

    def __init__(self, config: OidcConfig, admin_secret: str) -> None:
        self.config = config
        self._cookie_key = hmac.digest(admin_secret.encode(), b"runbase oidc flow", "sha256")
        self._app = _provider(config)

    def _metadata(self) -> dict[str, Any]:
        try:
            meta: dict[str, Any] = self._app.load_server_metadata()
        except (httpx.HTTPError, ValueError) as e:
            raise OidcError(
                f"the sign-in provider at {self.config.issuer} could not be reached: "
                f"{type(e).__name__}",
                502,
            ) from None
        if meta.get("issuer") != self.config.issuer:
            self._app.server_metadata.pop("_loaded_at", None)
            raise OidcError(
                f"the provider's discovery document names the issuer {meta.get('issuer')!r}, "
                f"not the configured {self.config.issuer!r}: fix --oidc-issuer",
                502,
            )
        return meta

    def start(self, redirect_uri: str, next_path: str) -> tuple[str, str]:
        """The provider's authorization URL and the signed cookie that remembers this
        sign-in (state, nonce, PKCE verifier, where to go after)."""
        self._metadata()
        rv = self._app.create_authorization_url(redirect_uri, nonce=secrets.token_urlsafe(24))
        flow = {
            "state": rv["state"],
            "nonce": rv["nonce"],
            "verifier": rv["code_verifier"],
            "next": next_path,
            "exp": time.time() + FLOW_SECONDS,
        }
        return rv["url"], self._sign(flow)

    def finish(
        self, cookie: str | None, state: str, code: str, redirect_uri: str
    ) -> tuple[dict[str, Any], str, dict[str, Any]]:
        """The ID token's claims and where to go, once the state matches this
        browser's cookie and the provider's answer checks out."""
        flow = self._unsign(cookie)
        if not hmac.compare_digest(state.encode(), str(flow["state"]).encode()):
            raise OidcError(
                "this sign-in's state does not match the one this browser started: "
                "start again from the login page"
            )
        self._metadata()
        from joserfc.errors import JoseError

        try:
            token = self._app.fetch_access_token(
                redirect_uri, code=code, code_verifier=flow["verifier"]
            )
        except (httpx.HTTPError, ValueError, JoseError) as e:
            raise OidcError(f"the provider did not exchange the code: {e}", 502) from None
        if "id_token" not in token:
            raise OidcError("the provider sent no ID token: is 'openid' in its scopes?", 502)
        claims = self._check_id_token(token, str(flow["nonce"]))
        return claims, str(flow["next"]), token

    def _check_id_token(self, token: dict[str, Any], nonce: str) -> dict[str, Any]:
        from joserfc.errors import ClaimError, ExpiredTokenError, JoseError

        c = self.config
        options = {
            "iss": {"essential": True, "value": c.issuer},
            "aud": {"essential": True, "value": c.client_id},
            "sub": {"essential": True},
            "exp": {"essential": True},
        }
        try:
            return dict(self._app.parse_id_token(token, nonce, claims_options=options, leeway=60))
        except ExpiredTokenError:
            raise OidcError(
                "the provider's ID token was refused: it has expired (sign in again)"
            ) from None
        except ClaimError as e:
            why = _CLAIM_WORDS.get(e.claim, f"its claim {e.claim!r} is wrong or missing")
            why = why.format(issuer=c.issuer, client_id=c.client_id)
            raise OidcError(f"the provider's ID token was refused: {why}") from None
        except JoseError as e:
            raise OidcError(
                f"the provider's ID token was refused: its signature does not verify "
                f"with the provider's keys ({e.error})"
            ) from None

    def email_claims(self, claims: dict[str, Any], token: dict[str, Any]) -> dict[str, Any]:
        """The ID token's claims, with the userinfo endpoint's email when the token has
        none (some providers only send it there)."""
        if "email" in claims or not self.config.allowed_domains:
            return claims
        try:
            info = self._app.userinfo(token=token)
        except (httpx.HTTPError, ValueError, KeyError):
            return claims
        if info.get("sub") != claims["sub"]:
            return claims
        return {**claims, **{k: info[k] for k in ("email", "email_verified") if k in info}}

    def _sign(self, flow: dict[str, Any]) -> str:
        body = base64.urlsafe_b64encode(json.dumps(flow).encode()).decode()
        mac = hmac.digest(self._cookie_key, body.encode(), "sha256")
        return body + "." + base64.urlsafe_b64encode(mac).decode()

    def _unsign(self, cookie: str | None) -> dict[str, Any]:
        stale = OidcError(
            "this browser has no sign-in in progress (or it is over 10 minutes old): "
            "start again from the login page"
        )
        if not cookie or "." not in cookie:
            raise stale
        body, _, mac = cookie.partition(".")
        want = base64.urlsafe_b64encode(hmac.digest(self._cookie_key, body.encode(), "sha256"))
        if not hmac.compare_digest(mac.encode(), want):
            raise stale
        flow: dict[str, Any] = json.loads(base64.urlsafe_b64decode(body))
        if flow.get("exp", 0) < time.time():
            raise stale
        return flow


def _allowed(config: OidcConfig, claims: dict[str, Any]) -> None:
    if not config.allowed_domains:
        return
    email = str(claims.get("email") or "")
    domain = email.rpartition("@")[2].lower()
    allowed = ", ".join(config.allowed_domains)
    if not email or domain not in config.allowed_domains:
        raise OidcError(
            f"{email or 'this account'} is not in an allowed email domain ({allowed}): "
            "ask a server admin",
            403,
        )
    if claims.get("email_verified") is not True:
        raise OidcError(f"the provider does not say {email} is verified: verify it there", 403)


def _free_name(conn: sa.Connection, claims: dict[str, Any]) -> str:
    wanted = str(claims.get("preferred_username") or "")
    wanted = wanted or str(claims.get("email") or "").partition("@")[0]
    base = re.sub(r"[^a-z0-9_-]+", "-", wanted.lower()).strip("-_")[:56] or "user"
    for n in range(1, 1000):
        name = base if n == 1 else f"{base}-{n}"
        if accounts.get_user(conn, name) is None and accounts.team_id(conn, name) is None:
            return accounts.check_name(name, "user")
    return "user-" + secrets.token_hex(6)


def user_for(conn: sa.Connection, config: OidcConfig, claims: dict[str, Any]) -> User:
    """The user this (issuer, subject) is, made on their first sign-in."""
    _allowed(config, claims)
    for attempt in range(3):
        user = _known(conn, config, claims)
        if user is not None:
            return user
        try:
            with conn.begin_nested():
                return _new_user(conn, config, claims)
        except sa.exc.IntegrityError:
            # Another sign-in made this person (two tabs at once, two processes), or
            # took the name picked: look again, and pick again.
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _known(conn: sa.Connection, config: OidcConfig, claims: dict[str, Any]) -> User | None:
    ids, u = t.oidc_identities, t.users
    query = (
        sa.select(u.c.id, u.c.name, u.c.is_admin)
        .join(ids, ids.c.user_id == u.c.id)
        .where((ids.c.issuer == config.issuer) & (ids.c.subject == str(claims["sub"])))
    )
    row = conn.execute(query).first()
    return None if row is None else User(row.id, row.name, row.is_admin)


def _new_user(conn: sa.Connection, config: OidcConfig, claims: dict[str, Any]) -> User:
    ids, u = t.oidc_identities, t.users
    name = _free_name(conn, claims)
    now = time.time()
    new = {"name": name, "password_hash": NO_PASSWORD, "is_admin": False, "created_at": now}
    uid = int(conn.execute(u.insert().values(**new)).inserted_primary_key[0])  # type: ignore[index]
    email = claims.get("email")
    conn.execute(
        ids.insert().values(
            issuer=config.issuer,
            subject=str(claims["sub"]),
            user_id=uid,
            email=str(email)[:320] if email else None,
            created_at=now,
        )
    )
    return User(uid, name, False)
