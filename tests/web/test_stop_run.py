"""Stop a running run from the server: a real training process in a subprocess, a
real ``runbase ui``; the process notices the request, its script is interrupted and
the run ends killed with the reason."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbase.records.layout import default_entity

from .conftest import Server

SCRIPT = Path(__file__).with_name("train_until_stopped.py")


def start_training(root: Path, project: str, run_id: str) -> subprocess.Popen[str]:
    env = {**os.environ, "RUNBASE_DIR": str(root), "RUNBASE_STOP_POLL_S": "0.2"}
    proc = subprocess.Popen(
        [sys.executable, str(SCRIPT), project, run_id],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read() if proc.stderr else ""
    return proc


def wait_state(server: Server, path: str, state: str, timeout: float = 20) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = server.client.get(path).json()
        if body.get("state") == state or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


@pytest.fixture()
def stop_server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "store"
    root.mkdir()
    srv = Server(root)
    yield srv
    srv.stop()


def test_stop_ends_the_training_process_and_the_run_reads_killed(stop_server: Server) -> None:
    entity = default_entity()
    proc = start_training(stop_server.root, "stopping", "stopme")
    try:
        run_url = f"/api/v1/projects/{entity}/stopping/runs/stopme"
        assert wait_state(stop_server, run_url, "running")["state"] == "running"
        r = stop_server.client.post(run_url + "/stop")
        assert r.status_code == 200, r.text
        assert r.json()["reason"] == "stopped from the web app"
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode != 0  # the script was interrupted, not left to finish
    assert "was stopped from the web app: interrupting the script" in err
    assert "KeyboardInterrupt" in err
    run = wait_state(stop_server, run_url, "killed")
    assert run["state"] == "killed"
    assert run["metadata"]["stop_reason"] == "stopped from the web app"
    # Stopping it again is a clear 400: it is no longer running.
    again = stop_server.client.post(run_url + "/stop")
    assert again.status_code == 400
    assert "only a running run can be stopped" in again.json()["detail"]


def test_stop_of_an_unknown_run_is_a_404(stop_server: Server) -> None:
    r = stop_server.client.post(f"/api/v1/projects/{default_entity()}/none/runs/nosuch/stop")
    assert r.status_code == 404
