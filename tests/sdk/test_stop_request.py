"""The web app's Stop seen from the SDK: a request made to an earlier session of a
run (before a resume) does not stop the new one; one made now does, from the
background thread, while the main thread logs (the end-to-end test with a server is
tests/web/test_stop_run.py)."""

from __future__ import annotations

import time
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


def test_a_request_now_interrupts_the_main_thread(
    runbase_dir: Path, monkeypatch: pytest.MonkeyPatch
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
