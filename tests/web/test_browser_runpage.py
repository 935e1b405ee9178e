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


def _luminance(css_rgb: str) -> float:
    r, g, b = (int(v) for v in css_rgb[css_rgb.index("(") + 1 : css_rgb.index(")")].split(",")[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


def test_dark_mode_follows_the_system_setting(browser, server: Server) -> None:
    for page in open_page(browser, server):
        page.emulate_media(color_scheme="dark")
        page.goto("/team/vision")
        page.wait_for_selector(".rt-row[data-run-id]")
        page.wait_for_selector(".panel[data-state='drawn'] canvas")
        colors = page.evaluate(
            """() => {
                const css = (sel, prop) => getComputedStyle(document.querySelector(sel))[prop];
                return {
                    page: css('body', 'backgroundColor'),
                    text: css('body', 'color'),
                    row: css('.rt-row[data-run-id]', 'backgroundColor'),
                    header: css('.rt-header', 'backgroundColor'),
                };
            }"""
        )
        shot(page, "runpage-dark-workspace")
        assert _luminance(colors["page"]) < 0.15, colors
        assert _luminance(colors["row"]) < 0.15, colors
        assert _luminance(colors["header"]) < 0.2, colors
        assert _luminance(colors["text"]) > 0.8, colors
        # The charts' axis labels are drawn light: some canvas pixels are bright.
        bright = page.evaluate(
            """() => {
                const c = document.querySelector(".panel[data-state='drawn'] canvas");
                const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                let n = 0;
                for (let i = 0; i < d.length; i += 4)
                    if (d[i + 3] > 200 && d[i] > 170 && d[i + 1] > 170 && d[i + 2] > 170) n++;
                return n;
            }"""
        )
        assert bright > 50, "no light axis text on the dark chart"
        page.goto("/team/vision/runs/r04")
        page.wait_for_selector(".overview-fields")
        shot(page, "runpage-dark-overview")
        field_bg = page.evaluate(
            "getComputedStyle(document.querySelector('.notes-input')).backgroundColor"
        )
        assert _luminance(field_bg) < 0.2


def test_sort_headers_are_reached_by_tab_and_pressed_by_keys(browser, server: Server) -> None:
    for page in open_page(browser, server):
        page.goto("/team/vision")
        page.wait_for_selector(".rt-row[data-run-id]")
        name = page.locator(".rt-h[data-col='name']")
        for _ in range(60):  # Tab from the top of the page until the Name header's button
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement?.closest('.rt-h')?.dataset.col === 'name'"):
                break
        else:
            pytest.fail("Tab never reached the Name column's sort button")
        page.keyboard.press("Enter")
        expect(name.locator(".sort-arrow")).to_have_text("▲")
        expect(name).to_have_attribute("aria-sort", "ascending")
        page.keyboard.press(" ")
        expect(name.locator(".sort-arrow")).to_have_text("▼")
        page.wait_for_selector(".rt-row[data-run-id] .run-link")  # the re-sorted page's rows
        names = page.locator(".rt-row[data-run-id] .run-link").all_inner_texts()
        assert names, "no rows"
        shot(page, "runpage-keyboard-sort")
        # The next Tab goes on to the next header, not out of the table.
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement?.classList.contains('rt-sort')")
