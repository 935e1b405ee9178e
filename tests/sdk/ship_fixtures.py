"""The reference ingest server (ship_server.py) as a pytest fixture, in a real subprocess."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from runbase.sdk.ship import shipper

KEY = "test-key-0123456789"
SERVER = Path(__file__).with_name("ship_server.py")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RefServer:
    """A reference server that keeps its data across kill/start."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[str] | None = None

    def start(self) -> None:
        cmd = [sys.executable, str(SERVER), "--dir", str(self.root), "--port", str(self.port)]
        self.proc = subprocess.Popen([*cmd, "--key", KEY], stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None and self.proc.stdout.readline().strip() == "ready"

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def faults(self, **faults: object) -> None:
        (self.root / "faults.json").write_text(json.dumps(faults))

    def stored(self, run_dir: Path) -> dict[str, bytes]:
        """{segment name: bytes the server holds} for a local run folder."""
        entity, project, run_id = run_dir.parts[-3:]
        where = self.root / "store" / entity / project / run_id
        return {p.name: p.read_bytes() for p in sorted(where.glob("*"))} if where.is_dir() else {}

    def requests(self) -> list[dict[str, object]]:
        log = self.root / "requests.log"
        if not log.exists():
            return []
        return [json.loads(line) for line in log.read_text().splitlines()]


def local_segments(run_dir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((run_dir / "segments").glob("*.rbr"))}


def wait_for(check, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


@pytest.fixture
def ref_server(tmp_path: Path):
    server = RefServer(tmp_path / "server")
    server.root.mkdir()
    yield server
    server.kill()


@pytest.fixture
def online(runbase_dir: Path, ref_server: RefServer, tmp_path: Path, monkeypatch):
    """Runs in this process go to the reference server (started), with short waits."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("RUNBASE_BASE_URL", ref_server.url)
    monkeypatch.setenv("RUNBASE_API_KEY", KEY)
    monkeypatch.setenv("RUNBASE_FINISH_TIMEOUT", "10")
    monkeypatch.setattr(shipper, "FIRST_DELAY", 0.05)
    monkeypatch.setattr(shipper, "MAX_DELAY", 0.3)
    monkeypatch.setattr(shipper, "SEND_INTERVAL", 0.1)
    os.environ.pop("NETRC", None)
    ref_server.start()
    return ref_server
