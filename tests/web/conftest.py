"""Fixtures for the web tests: a store filled by real SDK runs, a real server
(``runbase ui`` in a subprocess on a free loopback port) and Debian's Chromium
driven by Playwright. Browser tests skip, with the reason, when Chromium or the
built front end is missing; the API tests still run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from runbase.records import Kind

from .fill import RunWriter

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
STATIC_INDEX = REPO / "src" / "runbase" / "server" / "static" / "index.html"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``runbase ui`` in a subprocess; its output goes to ``self.log_path``."""

    def __init__(self, root: Path, host: str = "127.0.0.1", args: tuple[str, ...] = ()) -> None:
        self.root = root
        self.port = free_port()
        self.url = f"http://{host}:{self.port}"
        env = {**os.environ, "RUNBASE_DIR": str(root)}
        # A file, not a pipe: a server logging many errors must never block on a full pipe.
        self.log_path = root.parent / f"{root.name}-ui-{self.port}.log"
        self._log = self.log_path.open("wb")
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "runbase.cli.main",
                "ui",
                "--host",
                host,
                "--port",
                str(self.port),
                "--dir",
                str(root),
                *args,
            ],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{self.url}/api/v1/projects", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                out = self.output()
                raise RuntimeError(f"runbase ui did not start:\n{out}")
            time.sleep(0.1)
        self.client = httpx.Client(base_url=self.url, timeout=30)

    def output(self) -> str:
        """What the server printed so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._log.close()


def make_store(root: Path) -> None:
    """Real SDK runs (team/vision) plus hand-written edge cases (team/misc)."""
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO)}
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("make_runs.py"))],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    # A run with NaN/inf, a long name, and no exit record (crashed), written directly.
    w = RunWriter(
        root,
        "team",
        "misc",
        "odd1",
        name="odd run with a long name " + "x" * 40,
        config={"lr": 0.5, "note": "text value"},
        tags=["edge"],
    )
    w.history([(s, {"metric": float("nan") if s == 3 else s * 0.5}) for s in range(10)])
    w.history([(10, {"metric": float("inf")})])
    for i in range(20):
        w.emit(Kind.SYSTEM, {"cpu": 10.0 + i, "memory_percent": 40.0 + (i % 5)}, t=w.t + i * 15)
    w.emit(Kind.OUTPUT, [[w.t, "stdout", "epoch 1"], [w.t, "stderr", "Traceback: boom"]])
    w.finish(exit_code=None)


@pytest.fixture(scope="session")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("runbase-web")
    make_store(root)
    return root


@pytest.fixture(scope="session")
def server(store_dir: Path) -> Iterator[Server]:
    srv = Server(store_dir)
    yield srv
    srv.stop()


@contextmanager
def chromium_browser() -> Iterator[object]:
    """Debian's Chromium under Playwright (a fixture's body); skips, saying why, without it."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (make chromium installs it)")
    if not STATIC_INDEX.exists():
        pytest.skip("the web app is not built (make ui)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as e:
        pytest.skip(f"playwright is not installed: {e}")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server: Server) -> Iterator[object]:
    yield from open_page(browser, server)


def new_page(browser, server: Server):
    """A new context's page on ``server``, and the list its JavaScript errors go to."""
    # Playwright's string predicates (wait_for_function) are eval'd in the page,
    # which the server's CSP forbids; test_browser_files.py checks the app under it.
    ctx = browser.new_context(
        viewport={"width": 1400, "height": 1000}, base_url=server.url, bypass_csp=True
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(10_000)
    return ctx, pg, errors


def open_page(browser, server: Server) -> Iterator[object]:
    """A page on ``server`` (a fixture's body); JavaScript errors on it fail the test."""
    ctx, pg, errors = new_page(browser, server)
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture(scope="session")
def media_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A RUNBASE_DIR with the media runs of ``make_media.py`` (team/media: m1, m2;
    team/plots: pl1, when plotly is installed)."""
    root = tmp_path_factory.mktemp("runbase-media")
    env = {
        **os.environ,
        "RUNBASE_DIR": str(root),
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
    }
    subprocess.run(
        [sys.executable, str(Path(__file__).with_name("make_media.py"))],
        env=env,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return root


@pytest.fixture(scope="session")
def media_server(media_dir: Path) -> Iterator[Server]:
    srv = Server(media_dir)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def killed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A server over ``make_killed.py``'s run: SIGKILLed while its media were being
    written (team/killed: cut1)."""
    root = tmp_path_factory.mktemp("runbase-killed")
    path = f"{REPO / 'src'}{os.pathsep}{REPO}"
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": path}
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("make_killed.py"))],
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == -9, proc.stderr  # it kills itself
    srv = Server(root)
    yield srv
    srv.stop()
