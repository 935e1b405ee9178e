"""The team server as a team deploys it: two ``runbase server`` processes behind a
real load balancer (Debian's haproxy) on loopback, sharing only PostgreSQL. Four
training processes, each on its own "machine" (a host name of its own through a
UTS namespace, its own RUNBASE_DIR), log online through the balancer while one
server process is killed with SIGKILL and started again. Afterwards every value
is on the server, exact, and each run is finished. A training process killed with
SIGKILL ends crashed on the server, with everything it had sent."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.pgscratch import scratch_schema

from .conftest import PASSWORD, SECRET, TeamServer, free_port, login_key, postgres_url

STEPS = 400
TRAIN = textwrap.dedent(
    """
    import sys, time, runbase
    run_id, steps, end = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    settings = runbase.Settings(disable_system_metrics=True)
    run = runbase.init(entity="root", project="fleet", id=run_id, config={"rank": run_id},
                       settings=settings)
    for i in range(steps):
        run.log({"loss": 1.0 / (i + 1), "rank_step": i * 1000 + len(run_id)})
        time.sleep(0.01)
    if end == "finish":
        run.finish()
    else:
        print("logged", flush=True)
        time.sleep(600)
    """
)
HAPROXY = """
global
    maxconn 256
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
    retry-on conn-failure empty-response response-timeout 502 503 504
frontend web
    bind 127.0.0.1:{port}
    default_backend servers
backend servers
    balance roundrobin
    option httpchk
    http-check send meth GET uri /api/v1/projects hdr Host 127.0.0.1
    timeout check 5s
    default-server inter 500ms fall 2 rise 1
    server a 127.0.0.1:{a} check
    server b 127.0.0.1:{b} check
"""


@dataclass
class Fleet:
    url: str
    key: str
    servers: list[TeamServer]
    db_url: str
    records: Path


def _unshare() -> list[str]:
    """A prefix giving the child a host name of its own (needs root), or skip."""
    probe = ["unshare", "--uts", "true"]
    if shutil.which("unshare") is None or subprocess.run(probe).returncode != 0:
        pytest.skip("unshare --uts is not available: cannot give training processes host names")
    return ["unshare", "--uts", "sh", "-c", 'hostname "$0" && exec "$@"']


def _wait_port(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/api/v1/projects", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the load balancer at {url} did not answer")


@contextmanager
def balanced(tmp: Path, config: str, args: tuple[str, ...] = ()) -> Iterator[Fleet]:
    """Two server processes on one scratch PostgreSQL schema behind haproxy run with
    ``config`` (``{port}``, ``{a}``, ``{b}``), the first admin bootstrapped through it."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    if not os.path.exists(haproxy):
        pytest.skip("haproxy is not installed (make test installs it from Debian's packages)")
    with scratch_schema(postgres_url()) as db_url:
        # Processes share nothing but PostgreSQL and the blob store (here a folder).
        args = (*args, "--blobs", str(tmp / "blobs"))
        servers = [TeamServer(db_url, tmp / f"srv{i}", args=args).wait() for i in range(2)]
        port = free_port()
        cfg = tmp / "haproxy.cfg"
        cfg.write_text(config.format(port=port, a=servers[0].port, b=servers[1].port))
        lb_log = (tmp / "haproxy.log").open("wb")
        lb = subprocess.Popen([haproxy, "-f", str(cfg), "-db"], stdout=lb_log, stderr=lb_log)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_port(url)
            r = httpx.post(
                f"{url}/api/v1/admin/bootstrap",
                json={"name": "root", "password": PASSWORD},
                headers={"x-admin-secret": SECRET},
            )
            assert r.status_code == 201, r.text
            key = login_key(servers[0], "root")
            yield Fleet(url, key, servers, db_url, tmp)
        finally:
            lb.terminate()
            lb.wait(10)
            lb_log.close()
            for s in servers:
                s.stop()


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    with balanced(tmp_path_factory.mktemp("balanced"), HAPROXY, ("--crash-timeout", "3")) as f:
        yield f


def _trainer(fleet: Fleet, run_id: str, end: str) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "RUNBASE_DIR": str(fleet.records / f"machine-{run_id}"),
        "RUNBASE_BASE_URL": fleet.url,
        "RUNBASE_API_KEY": fleet.key,
        "HOME": str(fleet.records),
    }
    cmd = [*_unshare(), f"host-{run_id}", sys.executable, "-c", TRAIN, run_id, str(STEPS), end]
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


def _history(c: httpx.Client, run_id: str) -> list[dict[str, object]]:
    r = c.get(
        f"/api/v1/projects/root/fleet/runs/{run_id}/history", params={"keys": "loss,rank_step"}
    )
    assert r.status_code == 200, r.text
    return list(r.json()["rows"])


def _expected(run_id: str, steps: int) -> list[dict[str, object]]:
    return [
        {"_step": i, "loss": 1.0 / (i + 1), "rank_step": i * 1000 + len(run_id)}
        for i in range(steps)
    ]


def test_four_machines_log_through_a_balancer_while_a_server_restarts(fleet: Fleet) -> None:
    ids = ["alpha", "bravo", "charlie", "delta"]
    procs = [_trainer(fleet, run_id, "finish") for run_id in ids]
    time.sleep(2.0)
    victim = fleet.servers[0]
    victim.proc.send_signal(signal.SIGKILL)
    victim.proc.wait(10)
    time.sleep(1.0)
    args = ("--crash-timeout", "3", "--blobs", str(fleet.records / "blobs"))
    fleet.servers[0] = TeamServer(
        fleet.db_url, fleet.records / "srv0b", args=args, port=victim.port
    )
    fleet.servers[0].wait()
    outputs = [p.communicate(timeout=180)[0] for p in procs]
    for run_id, p, out in zip(ids, procs, outputs, strict=True):
        assert p.returncode == 0, out
        assert f"finished: {fleet.url}/root/fleet/runs/{run_id}" in out
    with httpx.Client(base_url=fleet.url, headers={"authorization": f"Bearer {fleet.key}"}) as c:
        for run_id in ids:
            run = c.get(f"/api/v1/projects/root/fleet/runs/{run_id}").json()
            assert (run["state"], run["user"], run["host"]) == (
                "finished",
                "root",
                f"host-{run_id}",
            )
            assert run["config"] == {"rank": run_id}
            assert _history(c, run_id) == _expected(run_id, STEPS)


def test_a_killed_training_process_ends_crashed_with_what_it_sent(fleet: Fleet) -> None:
    proc = _trainer(fleet, "echo", "kill")
    assert proc.stdout is not None
    for line in proc.stdout:  # init's own lines come first
        if line.strip() == "logged":
            break
    time.sleep(2.5)  # the shipper sends at least once a second
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    with httpx.Client(base_url=fleet.url, headers={"authorization": f"Bearer {fleet.key}"}) as c:
        deadline = time.monotonic() + 30
        state = ""
        while time.monotonic() < deadline:
            state = c.get("/api/v1/projects/root/fleet/runs/echo").json()["state"]
            if state == "crashed":
                break
            time.sleep(0.5)
        assert state == "crashed"
        assert _history(c, "echo") == _expected("echo", STEPS)
