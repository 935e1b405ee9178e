"""Secrets stay secret: none reaches the server's log (at debug level, through
logins, keys, failures and crashes of bad input), and the code compares secrets
only in constant time (hmac.compare_digest) or as SHA-256 digests in the database."""

from __future__ import annotations

import ast
import base64
from pathlib import Path

import httpx

from tests.pgscratch import scratch_schema

from .conftest import PASSWORD, SECRET, TeamServer, postgres_url

TEAM = Path(__file__).resolve().parents[2] / "src" / "runbase" / "server" / "team"
SECRET_WORDS = ("secret", "password", "csrf", "token", "key", "mac", "state", "nonce")


def test_no_secret_reaches_the_log(tmp_path: Path) -> None:
    with scratch_schema(postgres_url()) as db_url:
        server = TeamServer(db_url, tmp_path, args=("--log-level", "debug")).wait()
        try:
            r = httpx.post(
                f"{server.url}/api/v1/admin/bootstrap",
                json={"name": "root", "password": PASSWORD},
                headers={"x-admin-secret": SECRET},
            )
            assert r.status_code == 201
            wrong = "not-the-password-7f3a9c"
            with server.client() as c:
                r = c.post("/api/v1/auth/login", json={"name": "root", "password": wrong})
                assert r.status_code == 401
                r = c.post("/api/v1/auth/login", json={"name": "root", "password": PASSWORD})
                csrf, session = r.json()["csrf_token"], c.cookies["runbase_session"]
                r = c.post("/api/v1/keys", json={"name": "k"}, headers={"x-csrf-token": csrf})
                key = r.json()["key"]
            basic = base64.b64encode(f"api:{key}".encode()).decode()
            assert (
                httpx.get(
                    f"{server.url}/api/v1/auth/me", headers={"authorization": f"Basic {basic}"}
                ).json()["user"]
                == "root"
            )
            with server.client(key) as c:
                assert c.get("/api/v1/keys").status_code == 200
                # Bad input that reaches the database: refused, and nothing of it logged.
                r = c.post("/api/v1/keys", json={"name": f"a\x00{key}"})
                assert r.status_code == 400, r.text
                assert r.json()["detail"] == "text with a NUL character (\\0) is not accepted"
            r = httpx.post(
                f"{server.url}/api/v1/auth/login", json={"name": "ro\x00ot", "password": wrong}
            )
            assert r.status_code == 400
            log = server.output()
            assert "POST /api/v1/auth/login" in log  # debug logging was on
            for secret in (SECRET, PASSWORD, wrong, key, key[4:], csrf, session):
                assert secret not in log
        finally:
            server.stop()


def _mentions_secret(node: ast.Compare) -> bool:
    sides = [ast.unparse(s).lower() for s in (node.left, *node.comparators)]
    # ``table.c.token_hash == digest(x)`` is SQL: the database compares digests (of
    # 256-bit random strings, so timing tells nothing).
    if any(".c." in s or "digest(" in s for s in sides):
        return False
    # Against a word in the code (``run.state != "running"``): no secret is written there.
    if any(isinstance(s, ast.Constant) for s in (node.left, *node.comparators)):
        return False
    return any(word in s for s in sides for word in SECRET_WORDS)


def test_secrets_are_compared_in_constant_time() -> None:
    plain = []
    for path in sorted(TEAM.glob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if not isinstance(node, ast.Compare):
                continue
            if not any(isinstance(op, ast.Eq | ast.NotEq) for op in node.ops):
                continue
            if _mentions_secret(node):
                plain.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    assert not plain, "secrets compared with == (use hmac.compare_digest):\n" + "\n".join(plain)
    auth = (TEAM / "auth.py").read_text()
    assert "hmac.compare_digest(sent.encode(), row.csrf_token.encode())" in auth
    assert "hmac.compare_digest(x_admin_secret.encode()" in (TEAM / "routes.py").read_text()
