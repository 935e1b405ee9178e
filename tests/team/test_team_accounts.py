"""The team server's accounts over real HTTP: start-up refusals, bootstrap,
login cookies and CSRF, rate limiting and key revocation across processes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import sqlalchemy as sa

from runbase.store.db.migrate import HEAD
from tests.pgscratch import scratch_schema

from .conftest import PASSWORD, SECRET, Team, TeamServer, postgres_url


def _serve(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "runbase.cli.main", "server", *args]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def test_refuses_to_start_without_admin_secret(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k != "RUNBASE_ADMIN_SECRET"}
    url = postgres_url()
    res = _serve(["--database-url", url], env)
    assert res.returncode != 0
    assert "needs an admin secret: set RUNBASE_ADMIN_SECRET" in res.stderr
    short = tmp_path / "secret"
    short.write_text("short\n")
    res = _serve(["--database-url", url, "--admin-secret-file", str(short)], env)
    assert res.returncode != 0 and "at least 16 characters" in res.stderr
    res = _serve(
        ["--database-url", f"sqlite:///{tmp_path}/s.db"], {**env, "RUNBASE_ADMIN_SECRET": SECRET}
    )
    assert res.returncode != 0 and "keeps its accounts in PostgreSQL" in res.stderr


def test_processes_started_together_migrate_once(tmp_path: Path) -> None:
    with scratch_schema(postgres_url()) as url:
        servers = [TeamServer(url, tmp_path) for _ in range(3)]
        try:
            for s in servers:
                s.wait()
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                versions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).all()
            engine.dispose()
            assert [v for (v,) in versions] == [HEAD]
            # The first admin made through one process is seen by the others.
            r = httpx.post(
                f"{servers[0].url}/api/v1/admin/bootstrap",
                json={"name": "root", "password": PASSWORD},
                headers={"x-admin-secret": SECRET},
            )
            assert r.status_code == 201
            r = httpx.post(
                f"{servers[1].url}/api/v1/admin/bootstrap",
                json={"name": "root2", "password": PASSWORD},
                headers={"x-admin-secret": SECRET},
            )
            assert r.status_code == 409 and "has an admin already" in r.json()["detail"]
        finally:
            for s in servers:
                s.stop()


def test_bootstrap_needs_the_secret(team: Team) -> None:
    url = f"{team.server.url}/api/v1/admin/bootstrap"
    body = {"name": "intruder", "password": PASSWORD}
    for headers in ({}, {"x-admin-secret": SECRET[:-1] + "x"}):
        r = httpx.post(url, json=body, headers=headers)
        assert r.status_code == 403, r.text


def test_login_cookies_and_csrf(team: Team) -> None:
    with team.server.client() as c:
        r = c.post("/api/v1/auth/login", json={"name": "alice", "password": PASSWORD})
        assert r.status_code == 200
        cookies = {h.split("=", 1)[0]: h.lower() for h in r.headers.get_list("set-cookie")}
        assert "httponly" in cookies["runbase_session"]
        assert "samesite=lax" in cookies["runbase_session"]
        assert "httponly" not in cookies["runbase_csrf"]
        assert "secure" not in cookies["runbase_session"]  # plain http on loopback
        csrf = r.json()["csrf_token"]
        assert c.get("/api/v1/auth/me").json()["user"] == "alice"
        body = {"visibility": "public"}
        r = c.put("/api/v1/projects/alice/priv/visibility", json=body)
        assert r.status_code == 403 and "X-CSRF-Token" in r.json()["detail"]
        r = c.put(
            "/api/v1/projects/alice/priv/visibility", json=body, headers={"x-csrf-token": "x" * 43}
        )
        assert r.status_code == 403
        r = c.post("/api/v1/auth/logout", headers={"x-csrf-token": csrf})
        assert r.status_code == 204
        assert c.get("/api/v1/auth/me").status_code == 401


def test_login_rate_limit_is_shared_by_processes(team: Team, tmp_path: Path) -> None:
    other = TeamServer(team.db_url, team.records).wait()
    try:
        bad = {"name": "eve", "password": "wrong password!"}
        for i in range(5):
            url = (team.server.url, other.url)[i % 2]
            assert httpx.post(f"{url}/api/v1/auth/login", json=bad).status_code == 401
        for url in (team.server.url, other.url):
            good = {"name": "eve", "password": PASSWORD}
            r = httpx.post(f"{url}/api/v1/auth/login", json=good)
            assert r.status_code == 429 and "wait 15 minutes" in r.json()["detail"]
        # Another user from the same address is not locked out.
        r = httpx.post(f"{other.url}/api/v1/auth/login", json={"name": "mem", "password": PASSWORD})
        assert r.status_code == 200
        assert "wrong password" not in other.output() + team.server.output()
    finally:
        other.stop()


def test_keys_are_shown_once_stored_hashed_and_revocable(team: Team) -> None:
    with team.server.client(team.keys["eve"]) as c:
        r = c.post("/api/v1/keys", json={"name": "ci", "scope": "read"})
        assert r.status_code == 201
        key, key_id = r.json()["key"], r.json()["id"]
        listed = c.get("/api/v1/keys").json()["keys"]
        assert key not in str(listed)
        assert [k["scope"] for k in listed if k["id"] == key_id] == ["read"]
    engine = sa.create_engine(team.db_url)
    with engine.connect() as conn:
        dump = str(conn.execute(sa.text("SELECT * FROM api_keys")).all())
    engine.dispose()
    assert key not in dump and key[4:20] not in dump
    basic = httpx.BasicAuth("api", key)
    r = httpx.get(f"{team.server.url}/api/v1/auth/me", auth=basic)
    assert r.status_code == 200 and r.json() == {
        "user": "eve",
        "admin": False,
        "scope": "read",
        "teams": {},
    }
    with team.server.client(key) as c:
        # A read key cannot write, even what its user owns.
        assert c.post("/api/v1/keys", json={}).status_code == 403
        listed = httpx.get(
            f"{team.server.url}/api/v1/keys",
            headers={"authorization": f"Bearer {team.keys['eve']}"},
        ).json()["keys"]
        assert [k["last_used_at"] is not None for k in listed if k["id"] == key_id] == [True]
    with team.server.client(team.keys["eve"]) as c:
        assert c.delete(f"/api/v1/keys/{key_id}").status_code == 204
    r = httpx.get(f"{team.server.url}/api/v1/auth/me", auth=basic)
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_project_list_is_filtered(team: Team) -> None:
    def names(key: str | None) -> list[str]:
        with team.server.client(key) as c:
            projects = c.get("/api/v1/projects").json()["projects"]
        return sorted(f"{p['entity']}/{p['project']}" for p in projects)

    assert names(None) == ["alice/pub", "lab/pub"]
    assert names(team.keys["alice"]) == ["alice/priv", "alice/pub", "lab/pub"]
    assert names(team.keys["view"]) == ["alice/pub", "lab/priv", "lab/pub"]
    assert names(team.keys["root"]) == ["alice/priv", "alice/pub", "lab/priv", "lab/pub"]
