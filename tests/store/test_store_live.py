"""With the real SDK in other processes: live runs, SIGKILL, concurrent indexers and writers."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from runbase.store import open_store
from runbase.store import queries as q

TRAIN = textwrap.dedent(
    """
    import sys, time
    import runbase as wandb
    run = wandb.init(project="live", id=sys.argv[1], config={"lr": 0.1})
    for i in range(int(sys.argv[2])):
        run.log({"loss": 1.0 / (i + 1)})
        if i % 50 == 0:
            time.sleep(0.01)
    print("logged", flush=True)
    if sys.argv[3] == "hang":
        time.sleep(60)
    run.finish()
    """
)

INDEX = textwrap.dedent(
    """
    import sys, time
    from runbase.store import open_store, queries as q
    store = open_store(sys.argv[1])
    end = time.time() + float(sys.argv[2])
    n = 0
    while time.time() < end:
        store.sync()
        q.query_runs(store, sys.argv[3], "live")
        n += 1
    print("syncs", n)
    """
)


def _env(root):
    env = dict(os.environ, RUNBASE_DIR=str(root), RUNBASE_MODE="offline")
    env.pop("WANDB_MODE", None)
    return env


def _user():
    import getpass

    return getpass.getuser()


def test_sigkilled_run_turns_crashed(root):
    proc = subprocess.Popen(
        [sys.executable, "-c", TRAIN, "victim", "200", "hang"],
        env=_env(root),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "logged"
        store = open_store(root)
        store.sync()
        run = q.get_run(store, _user(), "live", "victim")
        assert run.state == "running"
        assert run.history_rows == 200 and run.config == {"lr": 0.1}
        os.kill(proc.pid, signal.SIGKILL)
        deadline = time.time() + 5
        while True:
            store.sync()
            run = q.get_run(store, _user(), "live", "victim")
            if run.state == "crashed" or time.time() > deadline:
                break
            time.sleep(0.05)
        assert run.state == "crashed"
        assert run.history_rows == 200  # nothing logged before the kill is lost
        assert run.summary["loss"] == 1.0 / 200
    finally:
        proc.kill()
        proc.wait()


def test_concurrent_writers_and_indexers_never_lock(root):
    user = _user()
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", TRAIN, f"w{i}", "1500", "finish"],
            env=_env(root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for i in range(3)
    ]
    indexers = [
        subprocess.Popen(
            [sys.executable, "-c", INDEX, str(root), "3", user],
            env=_env(root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120) for p in writers + indexers]
    for p, (_out, err) in zip(writers + indexers, outputs, strict=True):
        assert p.returncode == 0, err
        assert "locked" not in err
    store = open_store(root)
    store.sync()
    runs = q.query_runs(store, user, "live", order="+id").runs
    assert [(r.id, r.state, r.history_rows) for r in runs] == [
        (f"w{i}", "finished", 1500) for i in range(3)
    ]
    rows = q.history(store, f"{user}/live/w1", keys=["loss"])
    assert [r["_step"] for r in rows] == list(range(1500))
