"""Panels the user arranges, in Debian's Chromium against a real server: a
workspace built from nothing (a line panel of two metrics with a log y axis, a
new section it moves into, a duplicate deleted again) is saved as a view, and
survives a reload and opening the view's link in a new browser context. Also:
the panel search, full screen (Esc closes it) and y expressions.

The project is this module's own (its own RUNBASE_DIR and server)."""

from __future__ import annotations

import math
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.docs import block, page

from .conftest import Server, new_page, shot
from .fill import RunWriter

WEB = page("web.md")

WS = "/team/pn"


@pytest.fixture(scope="module")
def panels_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-panels")
    for i in range(3):
        w = RunWriter(root, "team", "pn", f"p{i}", name=f"run-{i}", config={"lr": 0.01 * (i + 1)})
        w.history(
            [
                (
                    s,
                    {
                        "loss": 2.0 / (s + 1 + i),
                        "acc": 1 - 1 / (s + 2 + i),
                        "val_acc": 0.9 - 1 / (s + 3),
                        "grad_norm/l1": math.exp(-s / 10) + i,
                        "grad_norm/l2": 0.5 * math.exp(-s / 10),
                    },
                )
                for s in range(30)
            ]
        )
        w.finish(exit_code=0)
    srv = Server(root)
    yield srv
    srv.stop()


def panels_shown(page) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Each section's name and its panels' (title, metrics, log y), once all are drawn."""
    page.wait_for_function("!document.querySelector('.view-loading')")
    page.wait_for_selector(".ws-section")
    page.wait_for_function(
        "[...document.querySelectorAll('.ws-slot .panel')].every(p => p.dataset.state === 'drawn')"
    )
    raw = page.eval_on_selector_all(
        ".ws-section",
        """els => els.map(s => [s.dataset.section,
            [...s.querySelectorAll('.ws-slot .panel')].map(p => [
                p.querySelector('.panel-title').textContent,
                p.dataset.metrics, p.dataset.logy])])""",
    )
    return [(name, [tuple(p) for p in panels]) for name, panels in raw]


def slot(page, title: str):
    return page.locator(".ws-slot", has=page.locator(f".panel-title:text-is('{title}')"))


def test_build_a_workspace_from_nothing_save_and_reopen(browser, panels_server, tmp_path: Path):
    ctx, page, errors = new_page(browser, panels_server)
    page.goto(WS)
    page.wait_for_selector(".ws-panels[data-layout='auto']")
    auto = panels_shown(page)
    # The automatic layout: a panel per metric, sections by prefix.
    assert [name for name, _ in auto] == ["grad_norm", "Charts"]
    assert [p[0] for p in auto[1][1]] == ["acc", "loss", "val_acc"]

    # Add a line panel; its editor opens: two metrics, log y, a title.
    page.click(".add-panel-button")
    page.click(".add-panel-menu [data-kind='line']")
    drawer = page.locator("dialog.panel-drawer")
    drawer.wait_for()
    drawer.locator("select[aria-label='Metrics']").select_option(["loss", "acc"])
    drawer.locator("input[aria-label='Log y']").check()
    drawer.locator("input[aria-label='Panel title']").fill("Loss and accuracy")
    shot(page, "panels-00-editor")
    drawer.locator("button:text('Done')").click()
    drawer.wait_for(state="detached")
    new = slot(page, "Loss and accuracy")
    new.locator(".panel[data-state='drawn']").wait_for()
    assert new.locator(".panel").get_attribute("data-metrics") == "acc|loss"
    assert new.locator(".panel").get_attribute("data-logy") == "true"
    assert new.locator(".panel").get_attribute("data-runs") == "6"  # 2 metrics x 3 runs
    assert page.locator(".ws-panels").get_attribute("data-layout") == "custom"

    # A new section; the panel moves into it, is duplicated, and the copy deleted.
    page.once("dialog", lambda d: d.accept("Favourites"))
    page.click("button:text('+ Add section')")
    page.wait_for_selector(".ws-section[data-section='Favourites']")
    target = page.eval_on_selector(
        ".ws-section[data-section='Favourites']", "s => s.dataset.section"
    )
    assert target == "Favourites"
    new.locator("select[aria-label='Move to section']").select_option(label="↪ Favourites")
    fav = page.locator(".ws-section[data-section='Favourites']")
    fav.locator(".panel-title:text-is('Loss and accuracy')").wait_for()
    fav.locator("button[aria-label='Duplicate panel']").click()
    fav.locator(".panel-title:text-is('Loss and accuracy (copy)')").wait_for()
    slot(page, "Loss and accuracy (copy)").locator("button[aria-label='Delete panel']").click()
    page.wait_for_selector(".panel-title:text-is('Loss and accuracy (copy)')", state="detached")
    slot(page, "val_acc").locator("button[aria-label='Delete panel']").click()
    page.wait_for_selector(".panel-title:text-is('val_acc')", state="detached")
    slot(page, "Loss and accuracy").locator("select[aria-label='Panel size']").select_option("Wide")
    built = panels_shown(page)
    assert built == [
        ("Favourites", [("Loss and accuracy", "acc|loss", "true")]),
        (
            "grad_norm",
            [("grad_norm/l1", "grad_norm/l1", "false"), ("grad_norm/l2", "grad_norm/l2", "false")],
        ),
        ("Charts", [("acc", "acc", "false"), ("loss", "loss", "false")]),
    ]
    path = tmp_path / "panels-built.png"
    page.screenshot(path=str(path), full_page=True)
    shot(page, "panels-01-built")

    page.once("dialog", lambda d: d.accept("arranged"))
    page.click(".views-btn")
    page.click(".view-save-as")
    page.wait_for_function("new URLSearchParams(location.search).get('view')")
    vid = page.evaluate("new URLSearchParams(location.search).get('view')")

    page.reload()
    assert panels_shown(page) == built
    assert slot(page, "Loss and accuracy").get_attribute("data-w") == "2"
    ctx.close()
    assert not errors, errors

    # A new context: no localStorage, only the view's link.
    ctx2, page2, errors2 = new_page(browser, panels_server)
    page2.goto(f"{WS}?view={vid}")
    page2.wait_for_selector(".ws-panels[data-layout='custom']")
    assert panels_shown(page2) == built
    shot(page2, "panels-02-reopened")
    ctx2.close()
    assert not errors2, errors2


def test_search_full_screen_and_expressions(browser, panels_server):
    ctx, page, errors = new_page(browser, panels_server)
    page.goto(WS)
    page.wait_for_selector(".ws-slot .panel[data-state='drawn']")
    page.fill(".panel-search", "grad_norm/.*")
    page.wait_for_function("document.querySelectorAll('.ws-slot').length === 2")
    assert page.eval_on_selector_all(".ws-section", "els => els.map(s => s.dataset.section)") == [
        "grad_norm"
    ]
    page.fill(".panel-search", "")
    page.wait_for_function("document.querySelectorAll('.ws-slot').length === 5")

    slot(page, "loss").locator("button[aria-label='Full screen']").click()
    full = page.locator("dialog.panel-full")
    full.locator(".panel[data-state='drawn']").wait_for()
    assert full.locator(".panel-plot canvas").bounding_box()["height"] > 500
    # A zoom in full screen zooms the workspace's panels too.
    fbox = full.locator(".u-over").bounding_box()
    page.mouse.move(fbox["x"] + fbox["width"] * 0.2, fbox["y"] + 20)
    page.mouse.down()
    page.mouse.move(fbox["x"] + fbox["width"] * 0.5, fbox["y"] + 40, steps=5)
    page.mouse.up()
    full.locator(".panel[data-zoomed='true']").wait_for()
    page.keyboard.press("Escape")
    full.wait_for(state="detached")
    page.wait_for_selector(".ws-slot[data-panel='acc'] .panel[data-zoomed='true']")
    page.locator(".ws-slot[data-panel='acc'] .u-over").dblclick()
    page.wait_for_selector(".ws-slot[data-panel='acc'] .panel[data-zoomed='false']")

    # An expression and a regex in one panel; a bad expression says what is wrong.
    slot(page, "acc").locator("button[aria-label='Edit panel']").click()
    drawer = page.locator("dialog.panel-drawer")
    drawer.locator("textarea[aria-label='Y expressions']").fill("acc / val_acc\nloss *")
    drawer.locator(".editor-error:text('The expression ends too early')").wait_for()
    drawer.locator("textarea[aria-label='Y expressions']").fill("acc / val_acc")
    drawer.locator("input[aria-label='Metric regex']").fill("grad_norm/.*")
    drawer.locator("input[aria-label='Legend template']").fill("${run:name} lr=${config:lr}")
    page.keyboard.press("Escape")
    drawer.wait_for(state="detached")
    panel = page.locator(".ws-slot[data-panel='acc'] .panel")
    page.wait_for_function(
        "document.querySelector(\".ws-slot[data-panel='acc'] .panel\").dataset.runs === '12'"
    )
    assert panel.get_attribute("data-metrics") == "acc|grad_norm/l1|grad_norm/l2|acc / val_acc"
    assert "run-0 lr=0.01" in panel.locator(".legend").inner_text()
    ctx.close()
    assert not errors, errors


def section_names(page) -> list[str]:
    return page.eval_on_selector_all(".ws-section", "els => els.map(s => s.dataset.section)")


def test_synced_cursor_and_zoom_and_section_tools(browser, panels_server):
    ctx, page, errors = new_page(browser, panels_server)
    page.goto(WS)
    page.wait_for_function(
        "document.querySelectorAll(\".ws-slot .panel[data-state='drawn']\").length === 5"
    )
    # Hovering one panel moves the cursor of every other panel on the same x axis.
    box = slot(page, "loss").locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    slot(page, "loss").locator(".panel-tip").wait_for()
    other = slot(page, "acc").locator(".u-cursor-x")
    page.wait_for_function(
        "el => el.getBoundingClientRect().left > 0 && getComputedStyle(el).display !== 'none'",
        arg=other.element_handle(),
    )
    cursor_x = other.bounding_box()["x"] - slot(page, "acc").locator(".u-over").bounding_box()["x"]
    assert abs(cursor_x - box["width"] * 0.5) < 5
    assert slot(page, "acc").locator(".panel-tip").count() == 0  # values only where hovered

    # Zooming one panel zooms them all.
    page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + 20)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + 40, steps=5)
    page.mouse.up()
    page.wait_for_function(
        "[...document.querySelectorAll('.ws-slot .panel')].every(p => p.dataset.zoomed === 'true')"
    )
    page.mouse.dblclick(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_function(
        "[...document.querySelectorAll('.ws-slot .panel')].every(p => p.dataset.zoomed === 'false')"
    )

    # Drag a panel onto another: it goes before it.
    slot(page, "val_acc").locator(".ws-drag").drag_to(slot(page, "acc").locator(".panel-title"))
    page.wait_for_function(
        "[...document.querySelectorAll(\".ws-section[data-section='Charts'] .panel-title\")]"
        ".map(t => t.textContent).join() === 'val_acc,acc,loss'"
    )

    # Sections: rename, pin (pinned first), move, collapse.
    assert section_names(page) == ["grad_norm", "Charts"]
    charts = page.locator(".ws-section[data-section='Charts']")
    page.once("dialog", lambda d: d.accept("Training"))
    charts.locator("button[aria-label='Rename section']").click()
    training = page.locator(".ws-section[data-section='Training']")
    training.wait_for()
    training.locator("button[aria-label='Move section up']").click()
    page.wait_for_function("document.querySelector('.ws-section').dataset.section === 'Training'")
    page.locator(".ws-section[data-section='grad_norm'] button[aria-label='Pin section']").click()
    page.wait_for_function("document.querySelector('.ws-section').dataset.section === 'grad_norm'")
    assert section_names(page) == ["grad_norm", "Training"]
    training.locator("button.section-head").click()
    training.locator(".ws-slot").first.wait_for(state="detached")
    assert training.locator(".count").inner_text() == "3"
    ctx.close()
    assert not errors, errors


def test_a_layout_prepared_as_in_the_docs_opens_from_its_link(browser, tmp_path: Path):
    root = tmp_path / "rb"
    for i in range(2):
        w = RunWriter(root, "me", "tune", f"t{i}", name=f"tune-{i}", config={"lr": 0.1 * (i + 1)})
        w.history([(s, {"train/loss": 1 / (s + 1), "val/loss": 1.2 / (s + 1)}) for s in range(10)])
        w.finish(exit_code=0)
    srv = Server(root)
    try:
        script = block(WEB, "bash", '"name": "losses"').replace(
            "localhost:8765", f"127.0.0.1:{srv.port}"
        )
        link = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
        assert "/me/tune?view=" in link
        ctx, page, errors = new_page(browser, srv)
        page.goto(link)
        page.wait_for_selector(".ws-panels[data-layout='custom']")
        assert panels_shown(page) == [("Losses", [("Both losses", "train/loss|val/loss", "true")])]
        panel = page.locator(".ws-slot[data-panel='p1']")
        assert panel.get_attribute("data-w") == "2"
        assert "tune-0 lr=0.1" in panel.locator(".legend").inner_text()
        shot(page, "panels-03-docs")
        ctx.close()
        assert not errors, errors
    finally:
        srv.stop()


def test_a_panel_is_resized_by_dragging_its_corner(browser, panels_server):
    ctx, page, errors = new_page(browser, panels_server)
    page.goto(WS)
    page.wait_for_function(
        "document.querySelectorAll(\".ws-slot .panel[data-state='drawn']\").length === 5"
    )
    loss = slot(page, "grad_norm/l1")  # the first row: the drag stays on screen
    before = loss.bounding_box()
    handle = loss.locator(".ws-resize").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    # Dragged about one cell right and one down: the outline shows 2×2 before release.
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + before["width"] * 0.9, y + before["height"] * 0.9, steps=8)
    ghost = loss.locator(".ws-resize-ghost")
    assert (ghost.get_attribute("data-w"), ghost.get_attribute("data-h")) == ("2", "2")
    shot(page, "panels-resize-dragging")
    page.mouse.up()
    page.wait_for_function(
        "el => el.dataset.w === '2' && el.dataset.h === '2'", arg=loss.element_handle()
    )
    loss.locator(".panel[data-state='drawn']").wait_for()
    after = loss.bounding_box()
    assert after["width"] > 1.8 * before["width"] and after["height"] > 1.6 * before["height"]
    assert ghost.count() == 0
    assert page.locator(".ws-panels").get_attribute("data-layout") == "custom"
    # A click on the corner alone changes nothing.
    handle = loss.locator(".ws-resize").bounding_box()
    page.mouse.click(handle["x"] + 5, handle["y"] + 5)
    assert (loss.get_attribute("data-w"), loss.get_attribute("data-h")) == ("2", "2")
    shot(page, "panels-resize-done")
    ctx.close()
    assert not errors, errors


def test_the_panels_series_are_asked_once_at_boot(browser, panels_server):
    """The boot code asks for the first screens of panels' series with the runs page,
    and the panels find them in the cache only if they build the same query keys: a
    key asked twice means they did not."""
    ctx, page, errors = new_page(browser, panels_server)
    asked: list[str] = []

    def on_request(req) -> None:
        if req.url.endswith("/series/batch"):
            asked.extend(req.post_data_json["keys"])
        elif "/series?" in req.url:
            asked.append(req.url)

    page.on("request", on_request)
    page.goto(f"{WS}?runs=3")
    page.wait_for_function(
        "document.querySelectorAll(\".ws-slot .panel[data-state='drawn']\").length === 5"
    )
    assert sorted(asked) == sorted(["loss", "acc", "val_acc", "grad_norm/l1", "grad_norm/l2"])
    # Drawn from what the server sent: a line per run.
    assert page.locator(".ws-slot .panel[data-runs='3']").count() == 5
    ctx.close()
    assert not errors, errors
