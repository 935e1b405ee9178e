"""The OpenID Connect sign-in routes (the protocol is in ``oidc.py``).

``GET /auth/oidc`` tells the login page whether to show "Sign in with NAME";
``/auth/oidc/login`` sends the browser to the provider, which sends it back to
``/auth/oidc/callback``: there the user gets the same session cookies a password
login sets, and goes back to the page they came from.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel

from runbase.server.errors import ErrorOut, Responses
from runbase.server.team import auth
from runbase.server.team.auth import engine
from runbase.server.team.oidc import (
    CALLBACK_PATH,
    FLOW_COOKIE,
    FLOW_SECONDS,
    OidcError,
    OidcLogin,
    user_for,
)

_NONE: Responses = {
    404: {"model": ErrorOut, "description": "This server has no OpenID Connect sign-in"}
}
_FAILED: Responses = {
    400: {"model": ErrorOut, "description": "The sign-in failed: the message says why"},
    403: {"model": ErrorOut, "description": "The account may not sign in to this server"},
    502: {"model": ErrorOut, "description": "The provider could not be reached or misbehaved"},
}
router = APIRouter(tags=["team"], responses={**_NONE})
_FLOW_PATH = "/api/v1/auth/oidc"


class OidcInfo(BaseModel):
    """The provider the login page offers: its button says "Sign in with ``name``"."""

    name: str
    login_url: str


def _login(request: Request) -> OidcLogin:
    login: OidcLogin | None = request.app.state.oidc
    if login is None:
        raise HTTPException(404, "this server has no OpenID Connect sign-in (see --oidc-issuer)")
    return login


def _redirect_uri(request: Request) -> str:
    return str(request.base_url).rstrip("/") + CALLBACK_PATH


def _local(next_path: str) -> str:
    """Only a path of this server: never another site (an open redirect)."""
    ok = next_path.startswith("/") and not next_path.startswith(("//", "/\\"))
    return next_path if ok and "\\" not in next_path else "/"


def _refused(request: Request, e: OidcError) -> RedirectResponse:
    """A browser goes back to the login page, which shows why; an API client gets the
    error as JSON."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse("/login?" + urlencode({"sso_error": str(e)}), status_code=302)
    raise HTTPException(e.status, str(e))


@router.get("/auth/oidc", response_model=OidcInfo)
def oidc_info(request: Request) -> OidcInfo:
    """The OpenID Connect provider this server signs users in with."""
    login = _login(request)
    return OidcInfo(name=login.config.name, login_url=_FLOW_PATH + "/login")


@router.get(
    "/auth/oidc/login",
    status_code=302,
    response_class=RedirectResponse,
    responses={302: {"description": "To the provider's sign-in page"}, **_FAILED},
)
def oidc_login(
    request: Request, next: Annotated[str, Query(max_length=2048)] = "/"
) -> RedirectResponse:
    """Start a sign-in: off to the provider, then back to ``next`` (a path here)."""
    login = _login(request)
    try:
        url, cookie = login.start(_redirect_uri(request), _local(next))
    except OidcError as e:
        return _refused(request, e)
    response = RedirectResponse(url, status_code=302)
    response.set_cookie(
        FLOW_COOKIE,
        cookie,
        max_age=FLOW_SECONDS,
        path=_FLOW_PATH,
        httponly=True,
        samesite="lax",  # the provider's redirect back is a top-level GET: Lax sends it
        secure=request.url.scheme == "https",
    )
    return response


@router.get(
    "/auth/oidc/callback",
    status_code=302,
    response_class=RedirectResponse,
    responses={
        302: {"description": "Signed in: back to the page the sign-in started on"},
        **_FAILED,
    },
)
def oidc_callback(
    request: Request,
    state: Annotated[str, Query(max_length=512)] = "",
    code: Annotated[str, Query(max_length=4096)] = "",
    error: Annotated[str, Query(max_length=256)] = "",
    error_description: Annotated[str, Query(max_length=1024)] = "",
) -> RedirectResponse:
    """Where the provider sends the browser back: checks it all, then signs the user in."""
    login = _login(request)
    try:
        if error:
            why = f"{error}: {error_description}" if error_description else error
            raise OidcError(f"the provider did not sign you in ({why})")
        if not code or not state:
            raise OidcError("the provider's answer has no code or state: start again")
        claims, next_path, token = login.finish(
            request.cookies.get(FLOW_COOKIE), state, code, _redirect_uri(request)
        )
        claims = login.email_claims(claims, token)
        with engine(request).begin() as conn:
            user = user_for(conn, login.config, claims)
    except OidcError as e:
        return _refused(request, e)
    response = RedirectResponse(_local(next_path), status_code=302)
    auth.start_session(request, response, user)
    response.delete_cookie(FLOW_COOKIE, path=_FLOW_PATH)
    return response
