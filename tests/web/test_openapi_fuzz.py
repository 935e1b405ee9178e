"""Schemathesis against a real server: generated requests for every documented
route must never get a 5xx, and every answer must match the OpenAPI schema
(status codes, content types, bodies). Bounded (a few examples per route, the
same ones each run), so it stays well under a minute."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from .conftest import Server
from .fill import RunWriter

# Not "schema-valid requests are accepted": a filter or regex can be a valid string
# and still a 400 (as can x_min > x_max), which is what the API promises.
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
    schemathesis.checks.negative_data_rejection,
]


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory):
    # Its own store: generated DELETEs and PATCHes must not touch the shared one.
    root: Path = tmp_path_factory.mktemp("runbase-fuzz")
    for i in range(2):
        w = RunWriter(root, "e", "p", f"r{i}", name=f"run {i}", config={"lr": 0.1 * i})
        w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(5)])
        w.file("out.txt", b"hello\n")
        w.finish(0)
    srv = Server(root)
    yield srv
    srv.stop()


def test_generated_requests_get_documented_answers(fuzz_server: Server):
    schema = schemathesis.openapi.from_url(f"{fuzz_server.url}/api/v1/openapi.json")
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=10,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: Any) -> None:
            case.call_and_validate(checks=CHECKS)

        try:
            check()
        except (Exception, BaseExceptionGroup) as e:  # gather every operation's failure
            failures.append(f"{operation.label}: {e}")
    assert not failures, "\n\n".join(failures)
