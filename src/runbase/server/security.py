"""What keeps other web sites out of a server that has no login.

- **Host check.** A page on any site can rebind its DNS name to 127.0.0.1 and
  then read and edit runs as "same origin". So the server answers only requests
  whose ``Host`` is a name it was started for: loopback names by default, the
  host it binds, and each ``--allowed-host``. (Starlette's TrustedHostMiddleware
  does the same matching but answers a bare "Invalid host header"; the message
  here says how to allow the host.)
- **Cross-site writes.** A state-changing request (POST, PUT, PATCH, DELETE)
  must come from the app's own origin when a browser sends it (``Origin`` equal
  to the request's host, ``Sec-Fetch-Site`` same-origin) and, when it has a body,
  be JSON, which a cross-site form cannot send, or a type its route declares in
  its OpenAPI ``requestBody`` (the team server's record bytes, blobs and
  MessagePack batches: no more preflight-free than JSON). Scripts and ``curl`` send no
  ``Origin`` and pass.
- **Headers on every response.** ``nosniff`` and a strict Content-Security-Policy
  (no inline script, no framing, no plugins); run files set their own sandboxing
  policy (``routes/files.py``).

Both middlewares are plain ASGI, so streaming responses pass through untouched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
_WILDCARD_BIND = ("", "0.0.0.0", "::", "[::]")
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

# The app: a Vite build (external module scripts and style sheets). Styles set
# from JavaScript through element.style are allowed by style-src 'self'.
APP_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; media-src 'self' blob:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Bytes a run saved: no script, no plugins, an opaque origin even if opened directly.
FILE_CSP = (
    "sandbox; default-src 'none'; img-src 'self' data:; media-src 'self'; frame-ancestors 'self'"
)
# A run's HTML shown in a media panel (``?view=1``), inside <iframe sandbox>: its
# own inline script and styles run (charts drawn by a script), but in an opaque
# origin (no allow-same-origin: no cookies, no reading the app) that may fetch
# nothing (connect-src 'none') and open nothing; only the app may frame it.
VIEW_CSP = (
    "sandbox allow-scripts; default-src 'none'; script-src 'unsafe-inline'; "
    "style-src 'unsafe-inline'; img-src 'self' data:; media-src 'self'; font-src data:; "
    "connect-src 'none'; form-action 'none'; frame-ancestors 'self'"
)
SECURITY_HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-resource-policy": "same-origin",
}


def host_patterns(allowed: Iterable[str] = ()) -> list[str]:
    """Loopback names plus ``allowed``, normalised: lower case, IPv6 in brackets,
    no port. ``*`` allows any host, ``*.example.org`` any name under it; the
    wildcard addresses a server binds (0.0.0.0, ::) are not host names and are dropped."""
    out = list(LOOPBACK_HOSTS)
    for raw in allowed:
        name = raw.strip().lower().rstrip(".")
        if name in _WILDCARD_BIND:
            continue
        if ":" in name and not name.startswith("["):
            name = f"[{name}]"  # a bare IPv6 address
        if "*" in name and name != "*" and not (name.startswith("*.") and "*" not in name[1:]):
            raise ValueError(f"allowed host {raw!r}: a wildcard must look like *.example.org")
        if name not in out:
            out.append(name)
    return out


def split_host(header: str) -> tuple[str, str]:
    """(host, port) of a Host header value, host lower-cased; IPv6 keeps its brackets."""
    text = header.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            return text, ""
        host, rest = text[: end + 1], text[end + 1 :]
        return host, rest[1:] if rest.startswith(":") else ""
    host, _, port = text.partition(":")
    return host.rstrip("."), port


def host_allowed(host: str, patterns: list[str]) -> bool:
    """Whether a bare host name matches one of ``patterns``."""
    for p in patterns:
        if p == "*" or host == p or (p.startswith("*.") and host.endswith(p[1:])):
            return True
    return False


def _same_origin(origin: str, host_header: str) -> bool:
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False  # includes "null": a sandboxed document, a file:// page
    default = "80" if parts.scheme == "http" else "443"
    o_host, o_port = split_host(parts.netloc)
    h_host, h_port = split_host(host_header)
    return o_host == h_host and (o_port or default) == (h_port or default)


# The types a cross-site form can post without a preflight: never a route's to take.
_FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
BodyTypes = list[tuple[str, re.Pattern[str], frozenset[str]]]


def declared_body_types(app: Any) -> BodyTypes:
    """(method, path pattern, types) of each route of ``app`` that declares body types
    besides JSON in its OpenAPI ``requestBody`` (``openapi_extra``): the team server's
    record bytes, blobs and MessagePack batches, no more preflight-free than JSON."""
    out: BodyTypes = []
    openapi = getattr(app, "openapi", None)
    paths = openapi().get("paths", {}) if openapi else {}
    for path, ops in paths.items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            types = set(content) - {"application/json"} - _FORM_TYPES
            if types:
                parts = re.split(r"\{[^}]+\}", path)
                pattern = re.compile("[^/]+".join(map(re.escape, parts)))
                out.append((method.upper(), pattern, frozenset(types)))
    return out


class HostGuard:
    """Refuses foreign ``Host`` headers and cross-site writes (see the module doc)."""

    def __init__(self, app: ASGIApp, allowed_hosts: list[str]) -> None:
        self.app = app
        self.patterns = allowed_hosts
        self._body_types: BodyTypes | None = None  # read from the routes when first needed

    def takes(self, scope: Scope, ctype: str) -> bool:
        """Whether the route ``scope`` goes to declares that it takes a ``ctype`` body."""
        if self._body_types is None:
            self._body_types = declared_body_types(scope.get("app"))
        method, path = scope["method"], scope.get("path", "")
        return any(
            m == method and ctype in types and p.fullmatch(path) for m, p, types in self._body_types
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, detail = refusal
        await _send_json(send, status, detail)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        method = scope["method"]
        raw_host = headers.get("host", "")
        host, _ = split_host(raw_host)
        if not host or not host_allowed(host, self.patterns):
            shown = host or "(none)"
            return 400, (
                f"this server does not answer to the host name {shown!r} (it answers to "
                f"{', '.join(self.patterns)}). If you reach it by that name on purpose, "
                f"restart it with `runbase ui --allowed-host {host or 'NAME'}`."
            )
        if method not in _UNSAFE:
            return None
        origin = headers.get("origin")
        site = headers.get("sec-fetch-site")
        if (origin is not None and not _same_origin(origin, raw_host)) or site in (
            "cross-site",
            "same-site",
        ):
            return 403, (
                f"cross-site request refused: a {method} must come from this server's own "
                f"pages (Origin {origin or '(none)'!s}, Host {raw_host})"
            )
        has_body = headers.get("content-length", "0") not in ("", "0") or (
            "transfer-encoding" in headers
        )
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        if has_body and ctype != "application/json" and not self.takes(scope, ctype):
            return 415, f"send the body of a {method} as JSON (Content-Type: application/json)"
        return None


def app_csp(media_origins: Iterable[str] = ()) -> str:
    """The app's CSP; ``media_origins`` may also serve its images and media (the team
    server's bucket, to which run files redirect with presigned URLs)."""
    return _with_media(APP_CSP, media_origins)


def view_csp(media_origins: Iterable[str] = ()) -> str:
    """``VIEW_CSP``; a run's HTML may show its own images and media, which on the team
    server redirect to the bucket (``media_origins``)."""
    return _with_media(VIEW_CSP, media_origins)


def _with_media(csp: str, media_origins: Iterable[str]) -> str:
    extra = "".join(f" {o}" for o in media_origins)
    if not extra:
        return csp
    return csp.replace("img-src 'self'", "img-src 'self'" + extra).replace(
        "media-src 'self'", "media-src 'self'" + extra
    )


class SecurityHeaders:
    """Adds ``SECURITY_HEADERS`` and the app's CSP to every response that lacks them."""

    def __init__(self, app: ASGIApp, media_origins: Iterable[str] = ()) -> None:
        self.app = app
        self.csp = app_csp(media_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(message.get("headers") or [], self.csp)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def with_security_headers(raw: list[Any], csp: str = APP_CSP) -> list[Any]:
    """ASGI header pairs plus the security headers (a CSP already set is kept)."""
    present = {bytes(k).lower() for k, _ in raw}
    out = list(raw)
    extra = {**SECURITY_HEADERS, "content-security-policy": csp}
    for name, value in extra.items():
        if name.encode() not in present:
            out.append((name.encode(), value.encode()))
    return out


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


async def _send_json(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
