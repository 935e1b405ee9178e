"""Fixtures for the team server: ``runbase server`` in subprocesses on loopback,
over a fresh schema of the PostgreSQL at RUNBASE_TEST_POSTGRES_URL (skipped,
saying why, without one), with runs in two users' and a team's projects."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from tests.pgscratch import scratch_schema
from tests.web.fill import RunWriter

SECRET = "test-admin-secret-0123456789abcdef"
PASSWORD = "correct horse battery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_url() -> str:
    url = os.environ.get("RUNBASE_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("RUNBASE_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    try:
        engine = sa.create_engine(url)
        with engine.connect():
            pass
        engine.dispose()
    except Exception as e:  # any failure to connect means: skip, saying why
        pytest.skip(f"PostgreSQL at RUNBASE_TEST_POSTGRES_URL is unreachable: {e}")
    return url


class TeamServer:
    """``runbase server`` in a subprocess; its output goes to ``log_path``."""

    def __init__(
        self,
        db_url: str,
        records: Path,
        env: dict[str, str] | None = None,
        args: tuple[str, ...] = (),
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = records.parent / f"team-{self.port}.log"
        self._log = self.log_path.open("wb")
        full_env = {**os.environ, "RUNBASE_DIR": str(records), "RUNBASE_ADMIN_SECRET": SECRET}
        cmd = [sys.executable, "-m", "runbase.cli.main", "server", "--database-url", db_url]
        self.proc = subprocess.Popen(
            [*cmd, "--port", str(self.port), *args],
            env={**full_env, **(env or {})},
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait(self) -> TeamServer:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{self.url}/api/v1/projects", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"runbase server did not start:\n{self.output()}")
            time.sleep(0.1)

    def client(self, key: str | None = None) -> httpx.Client:
        headers = {"authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.url, timeout=30, headers=headers)

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


@dataclass
class Team:
    """A running server with users, a team, keys and four projects."""

    server: TeamServer
    db_url: str
    records: Path
    keys: dict[str, str] = field(default_factory=dict)
    runs: dict[tuple[str, str], str] = field(default_factory=dict)
    # One HTTP client per caller name, made on first use.
    clients: dict[str, httpx.Client] = field(default_factory=dict)


def write_runs(records: Path) -> dict[tuple[str, str], str]:
    runs = {}
    for entity in ("alice", "lab"):
        for project in ("priv", "pub"):
            run_id = f"{entity}{project}1"
            w = RunWriter(records, entity, project, run_id, config={"lr": 0.1})
            w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(5)])
            w.file("notes.txt", b"hello")
            w.finish()
            runs[(entity, project)] = run_id
    return runs


def login_key(server: TeamServer, name: str, scope: str = "write") -> str:
    """Log ``name`` in (cookies) and create an API key with the session."""
    return new_key(server, name, scope)[1]


def new_key(server: TeamServer, name: str, scope: str = "write") -> tuple[int, str]:
    """Log ``name`` in and create an API key: its id and the key."""
    with server.client() as c:
        r = c.post("/api/v1/auth/login", json={"name": name, "password": PASSWORD})
        assert r.status_code == 200, r.text
        r = c.post(
            "/api/v1/keys",
            json={"name": "test", "scope": scope},
            headers={"x-csrf-token": r.json()["csrf_token"]},
        )
        assert r.status_code == 201, r.text
        return r.json()["id"], r.json()["key"]


def bootstrap(server: TeamServer, users: Iterable[str] = (), admin: str = "root") -> str:
    """The first server admin ``admin`` (with the admin secret) and ``users`` made by
    it, all with PASSWORD; the admin's API key."""
    r = httpx.post(
        f"{server.url}/api/v1/admin/bootstrap",
        json={"name": admin, "password": PASSWORD},
        headers={"x-admin-secret": SECRET},
    )
    assert r.status_code == 201, r.text
    key = login_key(server, admin)
    with server.client(key) as root:
        for name in users:
            r = root.post("/api/v1/users", json={"name": name, "password": PASSWORD})
            assert r.status_code == 201, r.text
    return key


def populate(server: TeamServer) -> dict[str, str]:
    """Users root (server admin), alice, tadmin, mem, view, eve; team lab (tadmin
    its admin, mem a member, view a viewer); the pub projects public; a revoked key."""
    users = ("alice", "tadmin", "mem", "view", "eve")
    keys = {"root": bootstrap(server, users)}
    keys.update({name: login_key(server, name) for name in users})
    with server.client(keys["tadmin"]) as c:
        assert c.post("/api/v1/teams", json={"name": "lab"}).status_code == 201
        for name, role in (("mem", "member"), ("view", "viewer")):
            r = c.put(f"/api/v1/teams/lab/members/{name}", json={"role": role})
            assert r.status_code == 200, r.text
        r = c.put("/api/v1/projects/lab/pub/visibility", json={"visibility": "public"})
        assert r.status_code == 200, r.text
    with server.client(keys["alice"]) as c:
        r = c.put("/api/v1/projects/alice/pub/visibility", json={"visibility": "public"})
        assert r.status_code == 200, r.text
        key_id, keys["revoked"] = new_key(server, "alice")
        assert c.delete(f"/api/v1/keys/{key_id}").status_code == 204
    return keys


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Team]:
    base = postgres_url()
    records = tmp_path_factory.mktemp("team-records")
    runs = write_runs(records)
    with scratch_schema(base) as db_url:
        server = TeamServer(db_url, records).wait()
        try:
            keys = populate(server)
            team = Team(server, db_url, records, keys, runs)
            yield team
            for client in team.clients.values():
                client.close()
        finally:
            server.stop()
