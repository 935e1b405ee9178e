"""The SDK's shipper against the real team server (PostgreSQL): a run logged online,
and one logged offline then sent with `runbase sync`, read back through the HTTP API
value for value; a key that may not write says so once and the run stays local."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from . import test_ingest
from .test_ingest import SCRIPT, STEPS, Shipping, check_run

shipping = test_ingest.shipping  # fixture: two server processes, users alice and vic


def _env(shipping: Shipping, root: Path, key: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RUNBASE_", "WANDB_"))}
    return {
        **env,
        "RUNBASE_DIR": str(root),
        "HOME": str(root),
        "RUNBASE_BASE_URL": shipping.servers[0].url,
        "RUNBASE_API_KEY": key,
        "RUNBASE_FINISH_TIMEOUT": "30",
    }


def _log(env: dict[str, str], run_id: str, online: bool) -> subprocess.CompletedProcess[str]:
    script = SCRIPT.replace('mode="offline", ', "") if online else SCRIPT
    script = script.replace("silent=True", "silent=False")
    cmd = [sys.executable, "-c", script, str(STEPS), "finish", run_id]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)


def test_a_run_logged_online_reads_back_exactly(shipping: Shipping, tmp_path: Path) -> None:
    done = _log(_env(shipping, tmp_path, shipping.key), "online1", online=True)
    assert done.returncode == 0, done.stderr
    page = f"{shipping.servers[0].url}/alice/shipped/runs/online1"
    assert f"View run at {page}" in done.stderr
    assert "runbase sync" not in done.stderr  # the server confirmed everything
    with shipping.client(1) as c:  # the other server process reads it the same
        check_run(c, "online1", STEPS, "finished")


def test_an_offline_run_sent_with_sync_reads_back_exactly(
    shipping: Shipping, tmp_path: Path
) -> None:
    env = _env(shipping, tmp_path, shipping.key)
    assert _log(env, "offline1", online=False).returncode == 0
    sync = [sys.executable, "-m", "runbase.cli.main", "sync"]
    done = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "1 runs sent" in done.stderr
    with shipping.client() as c:
        check_run(c, "offline1", STEPS, "finished")
    again = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
    assert "nothing to send" in again.stderr


def test_a_key_that_may_not_write_keeps_the_run_local(shipping: Shipping, tmp_path: Path) -> None:
    done = _log(_env(shipping, tmp_path, shipping.viewer_key), "refused1", online=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("is not being sent to") == 1
    assert f"runbase sync {tmp_path}/runs/alice/shipped/refused1" in done.stderr
    segs = list((tmp_path / "runs/alice/shipped/refused1/segments").glob("*.rbr"))
    assert len(segs) == 1 and segs[0].stat().st_size > 10_000


NO_ENTITY = """
import sys, runbase
run = runbase.init(project="shipped", id=sys.argv[1],
                   settings=runbase.Settings(silent=True, console="off"))
run.log({"loss": 0.5})
run.finish()
print(run.entity)
"""


def test_runs_without_an_entity_go_to_the_keys_user(shipping: Shipping, tmp_path: Path) -> None:
    env = _env(shipping, tmp_path, shipping.key)
    done = subprocess.run(
        [sys.executable, "-c", NO_ENTITY, "me1"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stdout.strip() == "alice", done.stderr
    offline = {**env, "RUNBASE_MODE": "offline"}
    done = subprocess.run([sys.executable, "-c", NO_ENTITY, "me2"], env=offline, text=True)
    assert done.returncode == 0
    sync = [sys.executable, "-m", "runbase.cli.main", "sync", "--entity", "alice"]
    done = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    with shipping.client() as c:
        for run_id in ("me1", "me2"):
            r = c.get(f"/api/v1/projects/alice/shipped/runs/{run_id}")
            assert r.status_code == 200 and r.json()["state"] == "finished", r.text


IDLE = """
import time, runbase
run = runbase.init(project="shipped", id="idle1", settings=runbase.Settings(
    console="off", disable_system_metrics=True, heartbeat_interval=0.2))
run.log({"loss": 0.5})
time.sleep(2)  # idle: the shipper's empty posts keep the run alive on the server
run.log({"loss": 0.25})
run.finish()
"""


def test_an_idle_runs_empty_posts_are_accepted(shipping: Shipping, tmp_path: Path) -> None:
    env = _env(shipping, tmp_path, shipping.key)
    done = subprocess.run([sys.executable, "-c", IDLE], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "is not being sent" not in done.stderr and "runbase sync" not in done.stderr
    with shipping.client() as c:
        r = c.get("/api/v1/projects/alice/shipped/runs/idle1")
        assert r.status_code == 200 and r.json()["history_rows"] == 2, r.text
        # What the shipper sends when nothing is new: an empty body at the acked offset.
        (seg,) = (tmp_path / "runs/alice/shipped/idle1/segments").glob("*.rbr")
        path = f"/api/v1/ingest/alice/shipped/idle1/{seg.name}"
        acked = c.get(path).json()["acked"]
        assert acked == seg.stat().st_size
        r = c.post(path, params={"offset": acked}, content=b"")
        assert r.status_code == 200 and r.json()["acked"] == acked, r.text


TRAIN = """
import signal, sys, time, runbase
signal.signal(signal.SIGINT, signal.default_int_handler)  # as from a terminal
settings = runbase.Settings(console="off", disable_system_metrics=True)
run = runbase.init(entity="alice", project="shipped", id=sys.argv[1], settings=settings)
step = 0
while True:  # trains until someone stops it
    run.log({"loss": 1 / (step + 1)})
    step += 1
    time.sleep(0.05)
"""


def _state(shipping: Shipping, run_id: str) -> str | None:
    with shipping.client(1) as c:
        r = c.get(f"/api/v1/projects/alice/shipped/runs/{run_id}")
        return r.json()["state"] if r.status_code == 200 else None


def test_stop_in_the_web_app_stops_a_run_logging_on_another_machine(
    shipping: Shipping, tmp_path: Path
) -> None:
    env = _env(shipping, tmp_path, shipping.key)
    cmd = [sys.executable, "-c", TRAIN, "stopme"]
    proc = subprocess.Popen(cmd, env=env, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while _state(shipping, "stopme") != "running":
            assert time.monotonic() < deadline and proc.poll() is None, "the run never shipped"
            time.sleep(0.3)
        stop = "/api/v1/projects/alice/shipped/runs/stopme/stop"
        with shipping.client(0, shipping.viewer_key) as vic:  # may not see alice's project
            assert vic.post(stop).status_code == 404
        with shipping.client(0) as alice:
            r = alice.post(stop)
            # This fixture's crash timeout is 2 s: on a loaded machine the run may read
            # as crashed between two posts.
            while r.status_code == 400 and "is crashed" in r.text and proc.poll() is None:
                assert time.monotonic() < deadline, r.text
                time.sleep(0.3)
                r = alice.post(stop)
            assert r.status_code == 200, r.text
            assert r.json()["reason"] == "stopped from the web app"
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert "was stopped from the web app" in err and "the run ends as killed" in err, err
    assert shipping.servers[0].url in err  # which server stopped it
    deadline = time.monotonic() + 30
    while _state(shipping, "stopme") != "killed":
        assert time.monotonic() < deadline, f"the run is {_state(shipping, 'stopme')}"
        time.sleep(0.3)
    with shipping.client(0) as alice:  # a stopped run cannot be stopped again
        r = alice.post("/api/v1/projects/alice/shipped/runs/stopme/stop")
        assert r.status_code == 400 and "not running" in r.json()["detail"]
