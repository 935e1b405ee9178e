"""The run page in Chromium: the Stop button ends a real training process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from runbase.records.layout import default_entity

from .conftest import Server, open_page, shot
from .test_stop_run import start_training, wait_state


@pytest.fixture()
def stop_server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "store"
    root.mkdir()
    srv = Server(root)
    yield srv
    srv.stop()


def test_stop_button_stops_a_running_run(browser, stop_server: Server) -> None:
    entity = default_entity()
    proc = start_training(stop_server.root, "live", "train1")
    try:
        run_url = f"/api/v1/projects/{entity}/live/runs/train1"
        assert wait_state(stop_server, run_url, "running")["state"] == "running"
        for page in open_page(browser, stop_server):
            page.goto(f"/{entity}/live/runs/train1")
            # The whole command line, arguments included.
            command = page.locator("dd[data-field='command']")
            expect(command).to_contain_text("train_until_stopped.py live train1")
            stop = page.get_by_role("button", name="Stop run")
            expect(stop).to_be_visible()
            stop.click()
            # A second step, so one stray click never stops a week of training.
            expect(page.locator(".stop-run-ask")).to_contain_text("Stop this run?")
            page.get_by_role("button", name="Stop", exact=True).click()
            expect(page.get_by_role("status")).to_contain_text("Stopping")
            shot(page, "runpage-stopping")
            proc.wait(timeout=30)
            expect(page.locator(".run-state .state")).to_have_text("killed", timeout=15_000)
            expect(page.get_by_role("button", name="Stop run")).to_have_count(0)
            exit_code = page.locator("dd[data-field='exit-code']")
            expect(exit_code).to_have_text("255 (stopped from the web app)", timeout=15_000)
            expect(page.locator("dd[data-field='end-time']")).not_to_have_text("–")
            shot(page, "runpage-stopped")
    finally:
        proc.kill()
    assert proc.returncode != 0


def test_description_is_rendered_as_markdown_without_html(browser, server: Server) -> None:
    notes = "Baseline with **mixed precision**.\n\n- lr 0.1\n- <img src=x onerror=alert(1)>"
    r = server.client.patch("/api/v1/projects/team/vision/runs/r05", json={"notes": notes})
    assert r.status_code == 200, r.text
    try:
        for page in open_page(browser, server):
            page.goto("/team/vision/runs/r05")
            md = page.locator(".overview-edit .markdown")
            expect(md.locator("strong")).to_have_text("mixed precision")
            expect(md.locator("li")).to_have_count(2)
            expect(md.locator("img")).to_have_count(0)
            expect(page.locator(".notes-input")).to_have_value(notes)  # the source, editable
    finally:  # the store is shared with the other browser tests
        server.client.patch("/api/v1/projects/team/vision/runs/r05", json={"notes": ""})
