"""`runbase ui` on a port that is taken says so first and exits 1; a run's banner
tells the user to start the web app only when none listens at its URL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from .conftest import Server, free_port


def _ui(root: Path, port: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RUNBASE_DIR": str(root)}
    cmd = [sys.executable, "-m", "runbase.cli.main", "ui", "--port", str(port)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def test_a_second_runbase_ui_on_the_same_port_says_so_and_exits(server: Server, tmp_path: Path):
    res = _ui(tmp_path / "other", server.port)
    assert res.returncode == 1
    assert res.stdout == ""  # before anything else: no "serving ..." line
    assert f"port {server.port} is in use" in res.stderr
    assert f"a runbase ui already serves {server.root} there" in res.stderr
    assert f"Open http://127.0.0.1:{server.port}" in res.stderr
    assert f"runbase ui --port {server.port + 1}" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (tmp_path / "other").exists()  # the store was never opened


def test_a_port_taken_by_another_program_is_named_too(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = _ui(tmp_path / "s", port)
    assert res.returncode == 1
    assert res.stdout == ""
    assert f"port {port} on 127.0.0.1 is in use by another program" in res.stderr
    assert "Traceback" not in res.stderr


def _banner(root: Path, ui_url: str) -> str:
    env = {**os.environ, "RUNBASE_DIR": str(root), "RUNBASE_UI_URL": ui_url}
    code = "import runbase; runbase.init(project='banner').finish()"
    res = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert res.returncode == 0, res.stderr
    return res.stderr


def test_init_says_to_start_the_app_only_when_it_is_not_running(server: Server, tmp_path: Path):
    up = _banner(tmp_path / "a", server.url)
    assert f"View it at {server.url}/" in up
    assert "start the web app" not in up
    down = _banner(tmp_path / "b", f"http://127.0.0.1:{free_port()}")
    assert "(start the web app with `runbase ui`)" in down
