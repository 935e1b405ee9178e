"""The web app's Stop seen from the SDK: a request made to an earlier session of a
run (before a resume) does not stop the new one; one made now does, from the
background thread, while the main thread logs (the end-to-end test with a server is
tests/web/test_stop_run.py)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import runbase
from runbase.records.layout import default_entity, stop_request_path
from runbase.records.stop_request import read_request, write_request


def test_a_request_to_an_earlier_session_is_ignored(
    runbase_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBASE_STOP_POLL_S", "0.05")
    write_request(stop_request_path(runbase_dir, default_entity(), "sr", "r1"))
    time.sleep(0.01)
    run = runbase.init(project="sr", id="r1")
    time.sleep(0.4)  # several polls
    run.log({"x": 1})
    run.finish()
    assert runbase.Api().run("sr/r1").state == "finished"


@pytest.fixture
def python_handles_sigint() -> Iterator[None]:
    # As in a script started from a terminal, whatever started the test run (a
    # background job inherits SIGINT ignored: that case is the test below).
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, old)


def test_a_request_now_interrupts_the_main_thread(
    runbase_dir: Path, monkeypatch: pytest.MonkeyPatch, python_handles_sigint: None
) -> None:
    monkeypatch.setenv("RUNBASE_STOP_POLL_S", "0.05")
    run = runbase.init(project="sr", id="r2")
    time.sleep(0.01)
    write_request(stop_request_path(runbase_dir, default_entity(), "sr", "r2"), "by a test")
    with pytest.raises(KeyboardInterrupt):
        with run:
            for step in range(500):  # 10 s at most
                run.log({"loss": 1 / (step + 1)})
                time.sleep(0.02)
    got = runbase.Api().run("sr/r2")
    assert got.state == "killed"
    assert got.metadata["stop_reason"] == "by a test"


def test_a_damaged_request_file_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "stop_request.json"
    path.write_text("{not json")
    assert read_request(path) is None
    assert read_request(tmp_path / "missing.json") is None


TRAIN = """
import signal, sys, time, runbase
signal.signal(signal.SIGINT, signal.SIG_IGN)  # as `nohup python train.py &` starts it
run = runbase.init(project="sr", id="bg", settings={"console": "off"})
print("ready", flush=True)
for step in range(1500):  # 30 s at most
    run.log({"loss": 1 / (step + 1)})
    time.sleep(0.02)
print("the loop ended without being stopped", flush=True)
"""


def test_a_script_that_ignores_sigint_is_stopped_by_sigterm(runbase_dir: Path) -> None:
    env = {"RUNBASE_DIR": str(runbase_dir), "RUNBASE_STOP_POLL_S": "0.05", "PATH": "/usr/bin"}
    proc = subprocess.Popen(
        [sys.executable, "-c", TRAIN], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
        write_request(stop_request_path(runbase_dir, default_entity(), "sr", "bg"), "by a test")
        out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert "without being stopped" not in out
    assert proc.returncode == -signal.SIGTERM
    assert "was by a test: interrupting the script (SIGTERM)" in err
    got = runbase.Api().run("sr/bg")
    assert got.state == "killed"
    assert got.metadata["stop_reason"] == "by a test"
