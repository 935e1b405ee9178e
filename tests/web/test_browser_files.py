"""Saved run files opened in Debian's Chromium: a file carrying script must not
run it in the app's origin (where it could edit every run through the API)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from .conftest import Server
from .hostile import RUNS, VICTIM_NOTES, victim_notes, write_hostile_project


@pytest.fixture()
def watched(browser, server: Server, store_dir: Path):
    """A fresh page that records dialogs and console lines, plus the server."""
    write_hostile_project(store_dir, server.client)
    ctx = browser.new_context(base_url=server.url, accept_downloads=True)
    page = ctx.new_page()
    seen: list[str] = []
    page.on("dialog", lambda d: (seen.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("console", lambda m: seen.append(f"console: {m.text}"))
    page.set_default_timeout(10_000)
    yield page, seen
    ctx.close()


def _open(page, url: str) -> str:
    """Navigate to ``url``; 'download' when the browser saved it instead of showing it."""
    from playwright.sync_api import Error

    try:
        with page.expect_download(timeout=3_000) as dl:
            try:
                page.goto(url)
            except Error as e:  # Chromium aborts the navigation when it downloads
                assert "Download is starting" in str(e) or "ERR_ABORTED" in str(e), e
        dl.value.cancel()
        return "download"
    except Error:
        return "shown"


@pytest.mark.parametrize("name", ["evil.svg", "evil.html", "evil.xml", "plots/fake.png"])
def test_a_saved_file_with_script_runs_none_of_it(watched, server, name):
    page, seen = watched
    page.goto("/team/sec")  # the app's origin is the one the script would abuse
    how = _open(page, f"{RUNS}/files/files/{name}")
    time.sleep(1.5)  # time for a fetch the script might have sent
    ran = [s for s in seen if "saved file script ran" in s]
    assert not ran, ran
    assert victim_notes(server.client) == VICTIM_NOTES
    if name == "evil.svg":
        assert how == "download"
    if how == "shown" and name.endswith((".html", ".xml")):
        assert "<script>" in page.inner_text("body")  # shown as text, not run


def test_a_png_still_shows_inline_in_the_browser(watched, server):
    page, _ = watched
    response = page.goto(f"{RUNS}/files/files/plots/pic.png")
    assert response is not None and response.status == 200
    assert response.headers["content-type"] == "image/png"
    size = page.evaluate("[document.images[0].naturalWidth, document.images[0].naturalHeight]")
    assert size == [2, 2]


@pytest.mark.parametrize(
    ("path", "shows"),
    [
        ("/", "vision"),
        ("/team/vision", "run-0"),
        ("/team/vision/runs/r00", "run-00"),
        ("/team/vision/runs/r00/files", "notes.txt"),
    ],
)
def test_the_app_works_under_its_content_security_policy(watched, path, shows):
    page, seen = watched
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    response = page.goto(path)
    assert response is not None and "content-security-policy" in response.headers
    page.wait_for_load_state("networkidle")
    page.get_by_text(shows).first.wait_for()
    blocked = [s for s in seen if "Content Security Policy" in s]
    assert not blocked and not errors, blocked + errors
