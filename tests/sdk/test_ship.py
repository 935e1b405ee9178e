"""Online runs: the record file is shipped to a real server on loopback, byte for byte.

The server is tests/sdk/ship_server.py (the ingest protocol of docs/server.md), in its
own process, so it can be made to fail, rate-limit, or be killed and restarted.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

import runbase
from runbase.errors import UsageError
from tests.conftest import QUIET
from tests.sdk import ship_fixtures
from tests.sdk.ship_fixtures import RefServer, local_segments, wait_for

online, ref_server = ship_fixtures.online, ship_fixtures.ref_server  # fixtures

QUIET_LOUD = {"console": "off", "disable_system_metrics": True}


def _run_dir(run) -> Path:
    return Path(run.dir).parent


def test_online_run_arrives_byte_exact_and_init_prints_its_url(online: RefServer, capsys):
    run = runbase.init(project="p", entity="e", settings=QUIET_LOUD)
    url = f"{online.url}/e/p/runs/{run.id}"
    assert f"View run at {url}" in capsys.readouterr().err
    assert run.url == url
    for i in range(2000):
        run.log({"loss": 1 / (i + 1), "text": f"row {i}"})
    run.finish()
    assert url in capsys.readouterr().err  # finish names the run's page on the server
    local = local_segments(_run_dir(run))
    assert online.stored(_run_dir(run)) == local and len(local) == 1
    # Nothing was sent twice: each post started where the one before ended.
    posts = [r for r in online.requests() if r["method"] == "POST" and r["size"]]
    assert sum(int(str(r["size"])) for r in posts) == len(next(iter(local.values())))


def test_offline_stays_offline(online: RefServer, monkeypatch):
    run = runbase.init(project="p", mode="offline", settings=QUIET)
    run.log({"a": 1})
    run.finish()
    monkeypatch.setenv("WANDB_MODE", "offline")
    run = runbase.init(project="p", settings=QUIET)
    run.log({"a": 1})
    run.finish()
    assert online.requests() == []


def test_online_without_key_says_how_to_log_in(runbase_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RUNBASE_BASE_URL", "http://127.0.0.1:9")
    with pytest.raises(UsageError, match=r"runbase login --host http://127.0.0.1:9"):
        runbase.init(project="p", mode="online", settings=QUIET)
    assert not (runbase_dir / "runs").exists()  # refused before anything was written
    # Not asked for online: without a key the run stays local, and init() says so.
    run = runbase.init(project="p", settings=QUIET_LOUD)
    run.finish()
    assert "no API key for http://127.0.0.1:9, so this run stays local" in capsys.readouterr().err
    assert run.url.startswith("http://127.0.0.1:8765/")


def test_server_down_at_start_then_up(online: RefServer, capsys):
    online.kill()
    run = runbase.init(project="p", entity="e", settings=QUIET_LOUD)
    assert "does not answer yet" in capsys.readouterr().err
    for i in range(500):
        run.log({"x": i})
    online.start()
    for i in range(500):
        run.log({"x": i})
    run.finish()
    assert online.stored(_run_dir(run)) == local_segments(_run_dir(run))


def test_5xx_and_429_are_retried_honouring_retry_after(online: RefServer):
    online.faults(fail=[503, 500, 429], retry_after="1")
    t0 = time.monotonic()
    run = runbase.init(project="p", entity="e", settings=QUIET)
    for i in range(100):
        run.log({"x": i})
    run.finish()
    assert online.stored(_run_dir(run)) == local_segments(_run_dir(run))
    statuses = [r["status"] for r in online.requests() if r["method"] == "POST"]
    assert statuses[:3] == [503, 500, 429] and 200 in statuses
    assert time.monotonic() - t0 >= 3.0  # Retry-After: 1 on each of the three


def test_server_killed_and_restarted_mid_run_loses_and_repeats_nothing(online: RefServer):
    run = runbase.init(project="p", entity="e", settings=QUIET)
    run_dir = _run_dir(run)
    for i in range(300):
        run.log({"x": i, "y": [i, i]})
    written = run._sink.size  # the live file ends in preallocated zeros, never sent
    wait_for(lambda: sum(map(len, online.stored(run_dir).values())) >= written)
    online.kill()
    for i in range(300):
        run.log({"x": i})
    time.sleep(0.5)
    online.start()
    for i in range(300):
        run.log({"z": i})
    run.finish()
    assert online.stored(run_dir) == local_segments(run_dir)


def test_finish_with_the_server_down_returns_in_time_and_says_how_to_sync(
    online: RefServer, monkeypatch, capsys
):
    monkeypatch.setenv("RUNBASE_FINISH_TIMEOUT", "1")
    run = runbase.init(project="p", entity="e", settings=QUIET)
    online.kill()
    run.log({"x": 1})
    t0 = time.monotonic()
    run.finish()
    assert time.monotonic() - t0 < 3
    err = capsys.readouterr().err
    assert f"safe locally in {_run_dir(run)}" in err
    assert f"`runbase sync {_run_dir(run)}`" in err


def test_refused_run_says_why_once_and_keeps_logging_locally(online: RefServer, capsys):
    run = runbase.init(project="p", entity="forbidden", settings=QUIET)
    for i in range(10):
        run.log({"x": i})
    t0 = time.monotonic()
    run.finish()
    assert time.monotonic() - t0 < 2
    err = capsys.readouterr().err
    assert err.count("you may not write to entity forbidden") == 1
    assert "runbase sync" in err
    segments = local_segments(_run_dir(run))
    assert len(next(iter(segments.values()))) > 100  # the local run is whole


def test_resumed_online_run_sends_its_offline_segment_too(online: RefServer):
    first = runbase.init(project="p", entity="e", id="r1", mode="offline", settings=QUIET)
    first.log({"x": 1})
    first.finish()
    run = runbase.init(project="p", entity="e", id="r1", resume="allow", settings=QUIET)
    run.log({"x": 2})
    run.finish()
    local = local_segments(_run_dir(run))
    assert len(local) == 2 and online.stored(_run_dir(run)) == local


def test_a_slow_server_does_not_slow_log(online: RefServer):
    online.faults(delay=0.5)
    run = runbase.init(project="p", entity="e", settings=QUIET)
    t0 = time.monotonic()
    for i in range(5000):
        run.log({"x": i})
    assert time.monotonic() - t0 < 1.0  # 5,000 calls would take 2,500 s if log() waited
    run.finish()
    assert online.stored(_run_dir(run)) == local_segments(_run_dir(run))


def test_an_idle_run_keeps_telling_the_server_it_is_alive(online: RefServer):
    run = runbase.init(project="p", entity="e", settings={**QUIET, "heartbeat_interval": 0.3})
    run.log({"x": 1})
    time.sleep(0.5)
    before = len([r for r in online.requests() if r["method"] == "POST"])
    time.sleep(1.5)
    after = len([r for r in online.requests() if r["method"] == "POST"])
    assert after - before >= 3
    run.finish()


def test_wandb_variables_work_and_runbase_ones_win(online: RefServer, monkeypatch):
    monkeypatch.setenv("WANDB_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("WANDB_API_KEY", "wrong")
    run = runbase.init(project="p", entity="e", settings=QUIET)
    run.finish()
    assert online.stored(_run_dir(run)) == local_segments(_run_dir(run))
    monkeypatch.setenv("WANDB_BASE_URL", online.url)
    monkeypatch.setenv("WANDB_API_KEY", ship_fixtures.KEY)
    monkeypatch.delenv("RUNBASE_BASE_URL")
    monkeypatch.delenv("RUNBASE_API_KEY")
    run = runbase.init(project="p", entity="e", settings=QUIET)
    run.finish()
    assert online.stored(_run_dir(run)) == local_segments(_run_dir(run))


def test_a_large_run_goes_in_posts_of_at_most_4_mib(online: RefServer):
    run = runbase.init(project="p", entity="e", settings=QUIET)
    text = "x" * 1000
    for i in range(12_000):
        run.log({"i": i, "text": text})
    run.finish()
    local = local_segments(_run_dir(run))
    assert sum(map(len, local.values())) > 10 << 20
    assert online.stored(_run_dir(run)) == local
    sizes = [int(str(r["size"])) for r in online.requests() if r["method"] == "POST"]
    assert max(sizes) <= 4 << 20


def test_an_online_runs_entity_is_the_keys_user_on_the_server(online: RefServer):
    run = runbase.init(project="p", settings=QUIET)
    run.finish()
    assert run.entity == "ada" and run.url == f"{online.url}/ada/p/runs/{run.id}"
    assert online.stored(_run_dir(run)) == local_segments(_run_dir(run))
