"""Schemathesis against a real team server (`runbase server` on PostgreSQL, with an
OpenID Connect provider): generated requests for every documented route, sent with
the API key of a user who has projects, must never get a 5xx, and every answer must
match the schema (status codes, content types, bodies). Bounded (a few examples per
route, the same ones each run), so it stays under a minute."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from tests.pgscratch import scratch_schema

from .conftest import PASSWORD, SECRET, TeamServer, free_port, login_key, postgres_url, write_runs
from .oidc_provider import Provider
from .test_oidc import CLIENT_SECRET, oidc_args, start_provider

CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]
# Revoking a key could revoke the one the fuzzer sends: the rest would all be 401s.
SKIP = {"DELETE /api/v1/keys/{key_id}"}
# Password checks are slow on purpose (argon2): fewer examples there keep the run short.
FEW = {"POST /api/v1/auth/login", "POST /api/v1/admin/bootstrap", "POST /api/v1/users"}


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, str]]:
    base = postgres_url()
    records = tmp_path_factory.mktemp("team-fuzz")
    write_runs(records)  # alice/priv, alice/pub, lab/priv, lab/pub
    with scratch_schema(base) as db_url:
        port = free_port()
        provider: Provider = start_provider(port)
        env = {"RUNBASE_OIDC_CLIENT_SECRET": CLIENT_SECRET}
        args = oidc_args(provider)
        server = TeamServer(db_url, records, env=env, args=args, port=port).wait()
        try:
            r = httpx.post(
                f"{server.url}/api/v1/admin/bootstrap",
                json={"name": "root", "password": PASSWORD},
                headers={"x-admin-secret": SECRET},
            )
            assert r.status_code == 201, r.text
            with server.client(login_key(server, "root")) as root:
                r = root.post("/api/v1/users", json={"name": "alice", "password": PASSWORD})
                assert r.status_code == 201, r.text
            yield server, login_key(server, "alice")
        finally:
            server.stop()
            provider.stop()


def test_generated_requests_get_documented_answers(fuzzed: tuple[TeamServer, str]) -> None:
    server, key = fuzzed
    with server.client(key) as c:
        assert c.get("/api/v1/projects").json()["total"] == 2  # alice/priv, alice/pub
    # The first request builds the schema (slow on a loaded machine); the loader's own
    # 10 s read timeout then meets the cached one.
    assert httpx.get(f"{server.url}/api/v1/openapi.json", timeout=120).status_code == 200
    schema = schemathesis.openapi.from_url(f"{server.url}/api/v1/openapi.json")
    headers = {"authorization": f"Bearer {key}"}
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.label in SKIP:
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=3 if operation.label in FEW else 6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=CHECKS, headers=headers)

        try:
            check()
        except (Exception, BaseExceptionGroup) as e:  # gather every operation's failure
            failures.append(f"{operation.label}: {e}")
    assert not failures, "\n\n".join(failures)
    assert "Traceback" not in server.output()
