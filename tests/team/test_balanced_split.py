"""Shippers' posts routed to server processes of their own (docs/server.md, "Ingest on
processes of its own"): haproxy sends ``/api/v1/ingest`` to one backend and every
other request to another, both ``runbase server`` processes on one PostgreSQL. A run
logged through the balancer lands whole; with the ingest process stopped the web app
and the API still answer, and only posts fail."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from .test_balanced import HAPROXY as BALANCED
from .test_balanced import TRAIN, Fleet, _expected, _history, balanced

STEPS = 50
# The same global and default settings as the balanced fleet's, another frontend.
HAPROXY = (
    BALANCED[: BALANCED.index("frontend web")]
    + """frontend web
    bind 127.0.0.1:{port}
    use_backend ingest if {{ path_beg /api/v1/ingest }}
    default_backend servers
"""
)
BACKEND = """
backend {name}
    balance roundrobin
    option httpchk
    http-check send meth GET uri /api/v1/projects hdr Host 127.0.0.1
    default-server inter 500ms fall 2 rise 1
    server {server} 127.0.0.1:{{{server}}} check
"""
HAPROXY += BACKEND.format(name="servers", server="a") + BACKEND.format(name="ingest", server="b")


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    with balanced(tmp_path_factory.mktemp("split"), HAPROXY) as fleet:
        yield fleet


def _train(fleet: Fleet, run_id: str) -> str:
    env = {
        **os.environ,
        "RUNBASE_DIR": str(fleet.records / f"machine-{run_id}"),
        "RUNBASE_BASE_URL": fleet.url,
        "RUNBASE_API_KEY": fleet.key,
        "HOME": str(fleet.records),
    }
    done = subprocess.run(
        [sys.executable, "-c", TRAIN, run_id, str(STEPS), "finish"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout + done.stderr


def test_posts_go_to_the_ingest_process_and_reads_survive_without_it(split: Fleet) -> None:
    ingest = split.servers[1]
    out = _train(split, "one")
    assert f"finished: {split.url}/root/fleet/runs/one" in out
    with httpx.Client(base_url=split.url, headers={"authorization": f"Bearer {split.key}"}) as c:
        run = c.get("/api/v1/projects/root/fleet/runs/one").json()
        assert run["state"] == "finished"
        assert _history(c, "one") == _expected("one", STEPS)
        ingest.stop()
        # Reads are the other backend's: they go on; posts have no server to go to (had
        # haproxy sent them to the reads' process, it would answer them).
        assert c.get("/api/v1/projects/root/fleet/runs/one").json()["state"] == "finished"
        r = c.post(
            "/api/v1/ingest/root/fleet/two/1-1.rbr",
            params={"offset": 0},
            content=b"",
            headers={"content-type": "application/octet-stream"},
        )
        assert r.status_code == 503, r.text
