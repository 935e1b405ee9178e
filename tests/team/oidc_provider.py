"""A small OpenID Connect provider for tests, on loopback, in a thread.

It follows the parts of the standards a relying party meets: discovery, an
authorization endpoint (a login form: pick a user), the authorization-code grant
with PKCE (S256 only) and client_secret_basic or client_secret_post, RS256 ID tokens
signed with a JWK (joserfc) published at ``jwks_uri``, and userinfo. No pip
package offers such a provider that also lets a test make it misbehave, which the
failure paths need: ``id_token_changes`` alters the next ID tokens' claims, and
``sign_with_other_key`` signs them with a key the JWKS does not hold.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit

from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from .conftest import free_port


@dataclass
class Account:
    sub: str
    email: str
    email_verified: bool = True
    preferred_username: str | None = None


@dataclass
class Provider:
    client_id: str
    client_secret: str
    redirect_uris: list[str] = field(default_factory=list)
    accounts: dict[str, Account] = field(default_factory=dict)
    id_token_changes: dict[str, Any] = field(default_factory=dict)
    sign_with_other_key: bool = False
    issuer_in_discovery: str | None = None  # None: the real one
    requests: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}/realms/test"
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.other_key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"})
        self.codes: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, Account] = {}
        self._http = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    def start(self) -> Provider:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def discovery(self) -> dict[str, Any]:
        base = self.issuer
        return {
            "issuer": self.issuer_in_discovery or self.issuer,
            "authorization_endpoint": f"{base}/authorize",
            "token_endpoint": f"{base}/token",
            "jwks_uri": f"{base}/jwks",
            "userinfo_endpoint": f"{base}/userinfo",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "scopes_supported": ["openid", "email", "profile"],
        }

    def jwks(self) -> dict[str, Any]:
        return KeySet([self.key]).as_dict(private=False)

    def authorize_problem(self, q: dict[str, str]) -> str | None:
        """Why an authorization request is refused (shown, not redirected, as RFC 6749
        says for a bad client or redirect URI), or None."""
        if q.get("client_id") != self.client_id:
            return "unknown client_id"
        if q.get("redirect_uri") not in self.redirect_uris:
            return f"redirect_uri {q.get('redirect_uri')!r} is not registered"
        if q.get("response_type") != "code" or "openid" not in q.get("scope", "").split():
            return "only response_type=code with scope openid"
        if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
            return "PKCE with S256 is required"
        if not q.get("state") or not q.get("nonce"):
            return "state and nonce are required"
        return None

    def issue_code(self, q: dict[str, str], user: str) -> str:
        code = secrets.token_urlsafe(24)
        self.codes[code] = {**q, "user": user, "exp": time.time() + 60}
        return code

    def token(self, form: dict[str, str], basic: str | None) -> tuple[int, dict[str, Any]]:
        client_id, secret = form.get("client_id"), form.get("client_secret")
        if basic:
            raw = base64.b64decode(basic).decode()
            client_id, secret = (unquote(part) for part in raw.partition(":")[::2])
        if client_id != self.client_id or secret != self.client_secret:
            return 401, {"error": "invalid_client"}
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or grant["exp"] < time.time() or grant["client_id"] != client_id:
            return 400, {"error": "invalid_grant", "error_description": "unknown code"}
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return 400, {"error": "invalid_grant", "error_description": "redirect_uri differs"}
        verifier = form.get("code_verifier", "").encode()
        digest = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if digest.decode() != grant["code_challenge"]:
            return 400, {"error": "invalid_grant", "error_description": "PKCE verifier"}
        account = self.accounts[grant["user"]]
        access = secrets.token_urlsafe(24)
        self.tokens[access] = account
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "sub": account.sub,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "email": account.email,
            "email_verified": account.email_verified,
        }
        if account.preferred_username:
            claims["preferred_username"] = account.preferred_username
        claims.update(self.id_token_changes)
        key = self.other_key if self.sign_with_other_key else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        body = {"access_token": access, "token_type": "Bearer", "expires_in": 300}
        return 200, {**body, "id_token": id_token}

    def login_form(self, q: dict[str, str]) -> str:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in q.items()
        )
        options = "".join(f"<option>{html.escape(name)}</option>" for name in self.accounts)
        return (
            "<!doctype html><title>Test provider</title><h1>Test provider: sign in</h1>"
            f'<form method="post" action="{self.issuer}/authorize">{hidden}'
            f'<label>Account <select name="user">{options}</select></label>'
            '<button type="submit">Sign in at the provider</button></form>'
        )


def _handler(p: Provider) -> type[BaseHTTPRequestHandler]:
    prefix = urlsplit(p.issuer).path

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            p.requests.append(format % args)

        def _send(self, status: int, body: Any, ctype: str = "application/json") -> None:
            data = (json.dumps(body) if ctype == "application/json" else body).encode()
            self.send_response(status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            self.send_header("cache-control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def _redirect(self, url: str) -> None:
            self.send_response(302)
            self.send_header("location", url)
            self.send_header("content-length", "0")
            self.end_headers()

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            path = url.path.removeprefix(prefix)
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            if url.path == prefix + "/.well-known/openid-configuration":
                self._send(200, p.discovery())
            elif path == "/jwks":
                self._send(200, p.jwks())
            elif path == "/authorize":
                why = p.authorize_problem(q)
                if why:
                    self._send(400, f"<p>bad request: {html.escape(why)}</p>", "text/html")
                else:
                    self._send(200, p.login_form(q), "text/html")
            elif path == "/userinfo":
                token = self.headers.get("authorization", "").removeprefix("Bearer ")
                account = p.tokens.get(token)
                if account is None:
                    self._send(401, {"error": "invalid_token"})
                else:
                    info = {"sub": account.sub, "email": account.email}
                    self._send(200, {**info, "email_verified": account.email_verified})
            else:
                self._send(404, {"error": "not found"})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", "0"))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            path = urlsplit(self.path).path.removeprefix(prefix)
            if path == "/authorize":
                why = p.authorize_problem(form)
                if why or form.get("user") not in p.accounts:
                    self._send(400, f"<p>bad request: {why or 'no such user'}</p>", "text/html")
                    return
                code = p.issue_code(form, form["user"])
                back = urlencode({"code": code, "state": form["state"]})
                self._redirect(f"{form['redirect_uri']}?{back}")
            elif path == "/token":
                auth = self.headers.get("authorization", "")
                basic = auth[6:] if auth.lower().startswith("basic ") else None
                status, body = p.token(form, basic)
                self._send(status, body)
            else:
                self._send(404, {"error": "not found"})

    return Handler
