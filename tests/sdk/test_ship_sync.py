"""`runbase sync` and `runbase login`, run as the real command against the reference server."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import runbase
from runbase.records import Kind, read_segment
from tests.conftest import QUIET
from tests.sdk import ship_fixtures
from tests.sdk.ship_fixtures import KEY, RefServer, local_segments

online, ref_server = ship_fixtures.online, ship_fixtures.ref_server  # fixtures


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "runbase.cli.main", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env=dict(os.environ),
    )


def _offline_run(i: int) -> Path:
    run = runbase.init(project="p", entity="e", mode="offline", settings=QUIET)
    for step in range(50 * (i + 1)):
        run.log({"x": step, "run": i})
    run.finish()
    return Path(run.dir).parent


def test_sync_sends_offline_runs_once(online: RefServer):
    dirs = [_offline_run(i) for i in range(3)]
    assert online.requests() == []
    done = cli("sync")
    assert done.returncode == 0, done.stderr
    assert "[3/3]" in done.stderr and "3 runs sent" in done.stderr
    for d in dirs:
        assert online.stored(d) == local_segments(d)
    posts = len([r for r in online.requests() if r["method"] == "POST"])
    again = cli("sync")
    assert again.returncode == 0 and "nothing to send" in again.stderr
    named = cli("sync", str(dirs[0]))  # named explicitly: asked, and nothing is missing
    assert named.returncode == 0 and "0 bytes sent" in named.stderr
    assert len([r for r in online.requests() if r["method"] == "POST"]) == posts


def test_sync_after_finish_with_the_server_down(online: RefServer, monkeypatch, capsys):
    monkeypatch.setenv("RUNBASE_FINISH_TIMEOUT", "1")
    run = runbase.init(project="p", entity="e", settings=QUIET)
    run.log({"x": 1})
    online.kill()
    for i in range(100):
        run.log({"x": i})
    run.finish()
    run_dir = Path(run.dir).parent
    assert f"runbase sync {run_dir}" in capsys.readouterr().err
    failed = cli("sync", str(run_dir), "--timeout", "1")
    assert failed.returncode == 1
    assert "1 of 1 runs were not sent" in failed.stderr and "Connection refused" in failed.stderr
    online.start()
    done = cli("sync", str(run_dir))
    assert done.returncode == 0, done.stderr
    assert online.stored(run_dir) == local_segments(run_dir)


def test_login_stores_the_key_in_netrc(online: RefServer, monkeypatch):
    netrc = Path(os.environ["HOME"]) / ".netrc"
    host = online.url.removeprefix("http://")
    other = "machine other.example\n  login me\n  password keep\n"
    netrc.write_text(f"{other}machine {host} login user password old\n")
    monkeypatch.delenv("RUNBASE_API_KEY")
    wrong = cli("login", "--host", online.url, "not-the-key")
    assert wrong.returncode == 1 and "does not accept this key" in wrong.stderr
    assert "password old" in netrc.read_text()  # a refused key is not stored
    done = cli("login", "--host", online.url, KEY)
    assert done.returncode == 0, done.stderr
    assert f"key for {host} (as ada) saved in {netrc}" in done.stdout
    assert stat.S_IMODE(netrc.stat().st_mode) == 0o600
    text = netrc.read_text()
    assert "password keep" in text and "old" not in text
    assert f"machine {host}\n  login user\n  password {KEY}\n" in text
    again = cli("login", "--host", online.url)
    assert "already logged in" in again.stdout
    netrc.write_text(netrc.read_text().replace(KEY, "stale"))
    relogin = cli("login", "--relogin", "--host", online.url, stdin=f"{KEY}\n")
    assert relogin.returncode == 0, relogin.stderr
    assert f"password {KEY}" in netrc.read_text() and "stale" not in netrc.read_text()
    assert "password keep" in netrc.read_text()
    # init() finds the key for RUNBASE_BASE_URL in ~/.netrc: online by default.
    run = runbase.init(project="p", entity="e", settings=QUIET)
    run.log({"x": 1})
    run.finish()
    assert online.stored(Path(run.dir).parent) == local_segments(Path(run.dir).parent)


def test_login_and_sync_say_what_is_missing(runbase_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    done = cli("login", "somekey")
    assert done.returncode == 2 and "--host URL" in done.stderr
    done = cli("sync", "--host", "http://127.0.0.1:9")
    assert done.returncode == 2
    assert "runbase login --host http://127.0.0.1:9" in done.stderr


def test_wandb_style_login_in_the_script(online: RefServer, monkeypatch):
    monkeypatch.delenv("RUNBASE_API_KEY")
    monkeypatch.delenv("RUNBASE_BASE_URL")
    assert runbase.login() is True  # no server: the local store needs no login
    assert runbase.login(key=KEY, host=online.url) is True
    assert KEY in (Path(os.environ["HOME"]) / ".netrc").read_text()
    run = runbase.init(project="p", entity="e", settings=QUIET)
    run.finish()
    assert online.stored(Path(run.dir).parent) == local_segments(Path(run.dir).parent)


def test_sync_sends_a_killed_runs_whole_frames_only(online: RefServer, run_script, tmp_path):
    proc = run_script(
        """
        import os, signal, runbase
        run = runbase.init(project="p", entity="e", mode="offline",
                           settings={"console": "off", "disable_system_metrics": True})
        for i in range(1000):
            run.log({"x": i})
        print(run.dir, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        check=False,
    )
    run_dir = Path(proc.stdout.strip()).parent
    ((name, local),) = local_segments(run_dir).items()
    assert local.endswith(b"\0" * 1024)  # the killed writer's preallocated tail
    done = cli("sync")
    assert done.returncode == 0, done.stderr
    stored = online.stored(run_dir)[name]
    assert local.startswith(stored) and local[len(stored) :].count(0) == len(local) - len(stored)
    copy = tmp_path / "copy.rbr"
    copy.write_bytes(stored)
    read = read_segment(copy, final=True)
    assert read.problems == [] and read.next_offset == len(stored)
    assert sum(f.kind == Kind.HISTORY for f in read.frames) == 1000
