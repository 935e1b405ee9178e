"""The web app in Debian's Chromium (headless), against a real server.

Each test drives the UI the way a user would and checks what the page shows;
screenshots land in test-artifacts/screenshots/ for a person to look at.
"""

from __future__ import annotations

import json
import re
import time
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from runbase.records import Kind

from .conftest import shot
from .fill import RunWriter

WS = "/team/vision"


def open_workspace(page, query: str = "") -> None:
    page.goto(WS + query)
    page.wait_for_selector(".rt-row[data-run-id]")
    page.wait_for_function("document.querySelector('.run-count')?.textContent.includes('run')")


def names_in_table(page) -> list[str]:
    rows = page.query_selector_all(".rt-row[data-run-id]")
    rows.sort(key=lambda r: float(r.evaluate("e => parseFloat(e.style.top)")))
    return [r.query_selector(".run-link").inner_text() for r in rows]


def series_params(req) -> dict | None:
    """The x axis and range a panels' series request asks for: ``/series?...``, or
    ``/series/batch`` (the panels that ask at the same moment share it); None for others."""
    if "/series/batch" in req.url:
        body = json.loads(req.post_data or "{}")
        return {k: body.get(k) for k in ("x", "x_min", "x_max")}
    if re.search(r"/series\?", req.url):
        q = {k: v[0] for k, v in parse_qs(urlparse(req.url).query).items()}
        num = {k: float(q[k]) if k in q else None for k in ("x_min", "x_max")}
        return {"x": q.get("x", "_step"), **num}
    return None


def series_with_x(x: str):
    return lambda req: (series_params(req) or {}).get("x") == x


def wait_panels_drawn(page, min_panels: int = 1) -> None:
    page.wait_for_function(
        """n => {
            const ps = [...document.querySelectorAll('.panel')].filter(p => {
                const r = p.getBoundingClientRect();
                return r.top < innerHeight && r.bottom > 0;
            });
            const done = p => ['drawn', 'empty'].includes(p.dataset.state);
            return ps.length >= n && ps.every(done);
        }""",
        arg=min_panels,
    )


def test_projects_page_lists_projects_and_links(page):
    page.goto("/")
    page.wait_for_selector(".projects-table")
    row = page.locator("tr[data-project='team/vision']")
    assert row.locator("td").nth(2).inner_text() == "12"
    shot(page, "01-projects")
    row.locator("a").click()
    page.wait_for_url(re.compile(r"/team/vision$"))
    page.wait_for_selector(".rt-row[data-run-id]")


def test_workspace_table_sort_and_charts(page):
    open_workspace(page)
    assert page.locator(".run-count").inner_text() == "12 runs"
    # Default order: newest first.
    assert names_in_table(page)[0] == "run-11"
    # Sort by the summary column of train/loss, ascending then descending.
    header = page.locator(".rt-h[data-col='summary.train/loss']")
    header.click()
    page.wait_for_function("location.search.includes('sort=')")
    page.wait_for_timeout(300)
    desc = names_in_table(page)
    header.click()
    page.wait_for_timeout(500)
    asc = names_in_table(page)
    assert asc == list(reversed(desc))
    assert "summary.train" in page.url
    # Sections by prefix, panels drawn for the 10 runs charted by default.
    wait_panels_drawn(page, 3)
    sections = page.eval_on_selector_all(".chart-section", "els => els.map(e => e.dataset.section)")
    assert sections[:2] == ["train", "val"] and "Charts" in sections
    assert page.locator(".vis-count").inner_text().startswith("10 of 12")
    drawn = page.locator(".panel[data-key='train/loss']")
    assert drawn.get_attribute("data-runs") == "10"
    shot(page, "02-workspace")


def test_filter_search_and_reload_keeps_view(page):
    open_workspace(page)
    page.click(".add-filter")
    row = page.locator(".filter-row").last
    row.locator(".f-field").fill("config.lr")
    row.locator(".f-field").dispatch_event("change")
    row.locator(".f-op").select_option(">=")
    row.locator(".f-value").fill("0.03")
    row.locator(".f-value").dispatch_event("change")
    page.wait_for_function("document.querySelector('.run-count').textContent === '6 runs'")
    page.click(".add-filter")
    row2 = page.locator(".filter-row").last
    row2.locator(".f-field").fill("state")
    row2.locator(".f-field").dispatch_event("change")
    row2.locator(".f-value").fill("finished")
    row2.locator(".f-value").dispatch_event("change")
    page.wait_for_function("document.querySelector('.run-count').textContent === '5 runs'")
    page.fill(".search", "run-0[0-4]")
    page.wait_for_function("document.querySelector('.run-count').textContent === '3 runs'")
    shot(page, "03-workspace-filtered")
    page.reload()
    page.wait_for_function("document.querySelector('.run-count')?.textContent === '3 runs'")
    assert page.locator(".search").input_value() == "run-0[0-4]"
    assert page.locator(".filter-row").count() == 2


def test_bad_filter_shows_a_clear_error(page):
    open_workspace(page)
    page.click(".add-filter")
    row = page.locator(".filter-row").last
    row.locator(".f-field").fill("bogus")
    row.locator(".f-field").dispatch_event("change")
    row.locator(".f-value").fill("1")
    row.locator(".f-value").dispatch_event("change")
    # The server's 400 is shown under the filter rows, where the mistake was made.
    box = page.wait_for_selector(".filter-error")
    assert "bogus" in box.inner_text()
    page.fill(".search", "(")
    page.wait_for_function(
        "document.querySelector('.filter-error')?.textContent.includes('regular expression')"
    )
    shot(page, "04-bad-filter")


def test_eye_toggle_colour_x_axis_smoothing_log(page):
    open_workspace(page, "?sort=name")
    wait_panels_drawn(page, 3)
    assert page.locator(".vis-count").inner_text().startswith("10 of")
    # Hide the first run, show the 12th.
    page.locator(".rt-row[data-run-id='r00'] .eye").click()
    page.wait_for_function("document.querySelector('.vis-count').textContent.startsWith('9 of')")
    page.locator(".rt-row[data-run-id='r11'] .eye").click()
    page.wait_for_function("document.querySelector('.vis-count').textContent.startsWith('10 of')")
    assert page.locator(".rt-row[data-run-id='r00'] .eye").get_attribute("aria-pressed") == "false"
    # The choice survives a reload (localStorage).
    page.reload()
    page.wait_for_selector(".rt-row[data-run-id='r00']")
    assert page.locator(".rt-row[data-run-id='r00'] .eye").get_attribute("aria-pressed") == "false"
    wait_panels_drawn(page, 3)
    # X axis: wall time, then another metric; smoothing; log scale.
    with page.expect_request(series_with_x("_timestamp")):
        page.select_option(".x-select", "_timestamp")
    wait_panels_drawn(page, 3)
    with page.expect_request(series_with_x("train/acc")):
        page.select_option(".x-select", "train/acc")
    assert page.locator(".panel[data-key='train/acc']").count() == 0
    page.select_option(".x-select", "_step")
    page.locator(".smoothing").fill("0.8")
    page.wait_for_function("location.search.includes('smooth=0.8')")
    # A click, not page.check(): the box follows the URL, and the router applies
    # URL changes in a transition, so it may read unchecked for a frame after the click.
    page.click(".logy")
    page.wait_for_function("location.search.includes('logy=1')")
    page.wait_for_function("document.querySelector('.logy').checked")
    wait_panels_drawn(page, 3)
    shot(page, "05-workspace-smoothed-log")


def test_hover_zoom_and_reset(page):
    open_workspace(page)
    wait_panels_drawn(page, 3)
    panel = page.locator(".panel[data-key='train/loss']")
    box = panel.locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tip = panel.locator(".panel-tip")
    tip.wait_for(state="visible")
    assert tip.locator(".tip-row").count() == 10
    shot(page, "06-hover")
    with page.expect_request(lambda r: (series_params(r) or {}).get("x_min") is not None) as req:
        page.mouse.move(box["x"] + box["width"] * 0.2, box["y"] + 20)
        page.mouse.down()
        page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + 40, steps=5)
        page.mouse.up()
    asked = series_params(req.value)
    lo, hi = asked["x_min"], asked["x_max"]
    assert 10 < lo < hi < 70
    page.wait_for_selector(".panel[data-key='train/loss'][data-zoomed='true'][data-state='drawn']")
    # Double-click shows the whole range again (the unzoomed data is still cached).
    page.mouse.dblclick(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    page.wait_for_selector(".panel[data-key='train/loss'][data-zoomed='false'][data-state='drawn']")


def test_columns_hide_reorder_and_group(page):
    open_workspace(page)
    page.click(".columns-btn")
    page.fill(".col-search", "optimizer")
    item = page.locator(".col-item[data-col='config.optimizer']")
    item.locator("input[type=checkbox]").uncheck()
    assert page.locator(".rt-h[data-col='config.optimizer']").count() == 0
    item.locator("input[type=checkbox]").check()
    assert page.locator(".rt-h[data-col='config.optimizer']").count() == 1
    page.fill(".col-search", "")
    before = page.eval_on_selector_all(".rt-h[data-col]", "els => els.map(e => e.dataset.col)")
    page.locator(".col-item[data-col='runtime'] .up").click()
    after = page.eval_on_selector_all(".rt-h[data-col]", "els => els.map(e => e.dataset.col)")
    assert after.index("runtime") == before.index("runtime") - 1
    assert after[0] == "name"  # Name stays first (pinned); it has no move buttons
    assert page.locator(".col-item[data-col='name'] .up").count() == 0
    page.click(".columns-btn")


def group_values(page) -> list[str]:
    return page.eval_on_selector_all(
        ".rt-row.rt-group .group-value", "els => els.map(e => e.textContent)"
    )


def hover_names(page, tip, box, tries: int = 20) -> list[str]:
    """The tooltip's line names at the middle of a chart. A chart redrawn when fresher
    data arrives drops its hover until the mouse moves, so move it and look again."""
    names: list[str] = []
    for i in range(tries):
        page.mouse.move(box["x"] + box["width"] * 0.5 + i % 2, box["y"] + box["height"] * 0.5)
        try:
            tip.wait_for(state="visible", timeout=500)
            names = tip.locator(".tip-name").all_inner_texts()
        except Exception:
            continue
        if names:
            return names
    return names


def test_grouping_collapses_expands_and_draws_group_means(page, server):
    open_workspace(page, "?sort=name")
    page.select_option(".group-select", "config.optimizer")
    page.wait_for_function("location.search.includes('group=config.optimizer')")
    page.wait_for_selector(".rt-row.rt-group")
    # Groups start collapsed: one header per group with its count, no run rows.
    assert group_values(page) == ["adam", "adamw", "sgd"]
    counts = page.eval_on_selector_all(
        ".rt-group .group-count", "els => els.map(e => e.textContent)"
    )
    assert counts == ["4 runs"] * 3
    assert page.locator(".rt-row[data-run-id]").count() == 0
    assert page.locator(".max-runs").locator("xpath=..").inner_text().startswith("Groups drawn")
    # Expand adamw: its four runs appear under its header, in the user's sort.
    page.locator(".rt-group[data-group='\"adamw\"']").click()
    page.wait_for_function("document.querySelectorAll('.rt-row.in-group').length === 4")
    assert names_in_table(page) == ["run-02", "run-05", "run-08", "run-11"]
    # One line per group: the mean of its runs, with a min-max band.
    wait_panels_drawn(page, 3)
    panel = page.locator(".panel[data-key='train/loss']")
    page.wait_for_function(
        "document.querySelector(\".panel[data-key='train/loss']\").dataset.mode === 'groups'"
    )
    assert panel.get_attribute("data-runs") == "3"
    assert page.locator(".vis-count").inner_text().startswith("3 of 3 groups")
    shot(page, "07-grouped")
    box = panel.locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.5)
    tip = panel.locator(".panel-tip")
    tip.wait_for(state="visible")
    names = tip.locator(".tip-name").all_inner_texts()
    assert names == ["adam (4 runs)", "adamw (4 runs)", "sgd (4 runs)"]
    shot(page, "07b-grouped-hover")
    # The drawn value is the mean of the group's runs at that step.
    step = int(float(tip.locator(".tip-x").inner_text().split(":")[1]))
    shown = float(tip.locator(".tip-row").nth(1).locator(".tip-val").inner_text())
    ids = ["r02", "r05", "r08", "r11"]
    series = server.client.get(
        "/api/v1/projects/team/vision/series",
        params={"key": "train/loss", "runs": ",".join(ids)},
    ).json()["series"]
    ys = [s["y"][s["x"].index(step)] for s in series]
    assert len(ys) == 4
    assert shown == pytest.approx(sum(ys) / 4, rel=1e-3)
    # Leaving a run out of its group, and hiding a group, change the lines.
    page.mouse.move(0, 0)
    page.locator(".rt-row[data-run-id='r02'] .eye").click()
    expect(page.locator(".rt-row[data-run-id='r02'] .eye")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.locator(".rt-group[data-group='\"sgd\"'] .group-eye").click()
    page.wait_for_selector(".panel[data-key='train/loss'][data-runs='2'][data-state='drawn']")
    expect(page.locator(".vis-count")).to_contain_text("2 of 3 groups")
    assert hover_names(page, tip, box) == ["adam (4 runs)", "adamw (3 of 4 runs)"]
    # Collapse again.
    page.locator(".rt-group[data-group='\"adamw\"']").click()
    page.wait_for_function("document.querySelectorAll('.rt-row.in-group').length === 0")
    # A reload keeps the grouping (URL) and the eyes (localStorage).
    page.reload()
    page.wait_for_selector(".rt-row.rt-group")
    assert (
        page.locator(".rt-group[data-group='\"sgd\"'] .group-eye").get_attribute("aria-pressed")
        == "false"
    )


def test_name_column_stays_pinned_when_scrolled_right(page):
    open_workspace(page, "?sort=-max:train/acc")
    scroller = page.locator(".rt-scroll")
    wide = scroller.evaluate("e => e.scrollWidth - e.clientWidth")
    assert wide > 500  # the table is much wider than the page
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    page.wait_for_timeout(100)
    # The sorted column (far right) and the run names are both in view.
    sbox = scroller.bounding_box()
    sorted_h = page.locator(".rt-h.sorted").bounding_box()
    assert sbox["x"] < sorted_h["x"] < sbox["x"] + sbox["width"]
    first = page.locator(".rt-row[data-run-id]").first
    link = first.locator(".run-link")
    lbox = link.bounding_box()
    assert sbox["x"] < lbox["x"] < sbox["x"] + 120
    # Nothing covers the name: it is the element at its own position.
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y)?.closest('.run-link')?.textContent",
        [lbox["x"] + 5, lbox["y"] + lbox["height"] / 2],
    )
    assert hit == link.inner_text()
    head = page.locator(".rt-h[data-col='name']").bounding_box()
    assert abs(head["x"] - lbox["x"]) < 40
    shot(page, "13-table-scrolled-right")


def test_eye_on_for_a_run_whose_row_is_not_loaded_draws_it(page, server, store_dir):
    # 130 runs: the table loads rows 100 at a time, so run 120 sits on the second page.
    if server.client.get("/api/v1/projects/team/many").status_code != 200:
        for i in range(130):
            w = RunWriter(store_dir, "team", "many", f"m{i:03d}", name=f"m-{i:03d}")
            w.history([(s, {"loss": 1.0 / (s + 1) + i * 0.01}) for s in range(5)])
            w.finish(0)
        deadline = time.monotonic() + 15
        while server.client.get("/api/v1/projects/team/many").json().get("run_count") != 130:
            assert time.monotonic() < deadline
            time.sleep(0.3)
    page.goto("/team/many?sort=name")
    page.wait_for_selector(".rt-row[data-run-id='m000']")
    page.wait_for_selector(".panel[data-key='loss'][data-state='drawn']")
    assert page.locator(".panel[data-key='loss']").get_attribute("data-runs") == "10"
    # Scroll to run 120, switch its eye on: it is drawn.
    page.locator(".rt-scroll").evaluate("e => { e.scrollTop = 115 * 30; }")
    page.locator(".rt-row[data-run-id='m120'] .eye").click()
    page.wait_for_selector(".panel[data-key='loss'][data-runs='11']")
    assert page.locator(".vis-count").inner_text().startswith("11 of 130")
    # Reloaded, only the first page of rows is loaded; run 120 is still drawn.
    page.reload()
    page.wait_for_selector(".panel[data-key='loss'][data-runs='11']")
    assert page.locator(".rt-row[data-run-id='m120']").count() == 0
    panel = page.locator(".panel[data-key='loss']")
    box = panel.locator(".u-over").bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    tip = panel.locator(".panel-tip")
    tip.wait_for(state="visible")
    assert "m-120" in tip.locator(".tip-name").all_inner_texts()
    shot(page, "14-eye-on-unloaded-row")
    page.mouse.move(0, 0)
    # Toggled off, a run of the first ten is not drawn even before its row loads.
    page.locator(".rt-row[data-run-id='m003'] .eye").click()
    page.wait_for_selector(".panel[data-key='loss'][data-runs='10']")
    # The filter still applies to toggled-on runs: a search that excludes run 120 hides it.
    page.fill(".search", "m-00")
    page.wait_for_function("document.querySelector('.run-count').textContent === '10 runs'")
    page.wait_for_selector(".panel[data-key='loss'][data-runs='9']")
    assert page.locator(".vis-count").inner_text().startswith("9 of 10")


def test_select_delete_and_export_csv(page, server, store_dir):
    for i in range(3):
        w = RunWriter(store_dir, "team", "cleanup", f"c{i}", name=f"cleanup-{i}")
        w.history([(0, {"a": i})])
        w.finish(0)
    deadline = time.monotonic() + 10
    while server.client.get("/api/v1/projects/team/cleanup").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    page.goto("/team/cleanup")
    page.wait_for_selector(".rt-row[data-run-id='c1']")
    with page.expect_download() as dl:
        page.click(".export-csv")
    text = open(dl.value.path()).read()
    assert text.count("\n") == 4 and "cleanup-2" in text
    page.locator(".rt-row[data-run-id='c1'] input[type=checkbox]").check()
    assert page.locator(".sel-count").inner_text() == "1 selected"
    page.once("dialog", lambda d: d.accept())
    page.click(".delete-runs")
    page.wait_for_function("document.querySelector('.run-count').textContent === '2 runs'")
    assert server.client.get("/api/v1/projects/team/cleanup/runs/c1").status_code == 404


def test_run_page_overview_edit_notes_and_tags(page):
    open_workspace(page, "?sort=name")
    page.locator(".rt-row[data-run-id='r04'] .run-link").click()
    page.wait_for_url(re.compile(r"/team/vision/runs/r04$"))
    page.wait_for_selector(".overview-fields")
    fields = page.locator(".overview-fields")
    assert "team/vision/r04" in fields.locator("[data-field='run-path']").inner_text()
    assert fields.locator("[data-field='state']").inner_text() == "finished"
    for f in ["author", "start-time", "duration", "host-name", "python-version", "os"]:
        assert fields.locator(f"[data-field='{f}']").inner_text().strip() not in ("", "–"), f
    page.fill(".notes-input", "tuned by hand")
    page.click(".save-notes")
    page.wait_for_function("document.querySelector('.save-status').textContent === 'Saved'")
    page.fill(".tag-input", "keeper")
    page.press(".tag-input", "Enter")
    page.wait_for_selector(".tag.editable[data-tag='keeper']")
    page.locator(".tag.editable[data-tag='fast'] .tag-x").click()
    page.wait_for_function("!document.querySelector(\".tag.editable[data-tag='fast']\")")
    page.reload()
    page.wait_for_selector(".overview-fields")
    assert page.locator(".notes-input").input_value() == "tuned by hand"
    tags = page.eval_on_selector_all(".tag.editable", "els => els.map(e => e.dataset.tag)")
    assert tags == ["sweep", "keeper"]
    page.fill(".kv-config .kv-search", "depth")
    assert page.locator(".kv-config tbody tr").count() == 1
    shot(page, "08-run-overview")


@pytest.mark.parametrize("tab", ["charts", "system", "logs", "files"])
def test_run_tabs(page, tab):
    # odd1 (team/misc) has system samples and console lines written directly.
    run = "/team/misc/runs/odd1" if tab in ("system", "logs") else "/team/vision/runs/r03"
    page.goto(f"{run}/{tab}")
    page.wait_for_selector(f".tab.active[data-tab='{tab}']")
    if tab == "charts":
        wait_panels_drawn(page, 2)
        assert page.locator(".panel[data-key='train/loss']").get_attribute("data-runs") == "1"
    elif tab == "logs":
        page.wait_for_selector(".logs .log-line")
        assert page.locator(".log-line.stderr").inner_text().endswith("Traceback: boom")
        assert page.locator("a[download]").get_attribute("href").endswith("/logs.txt")
        page.fill(".log-search", "epoch")
        page.wait_for_function("document.querySelectorAll('.log-line').length === 1")
    elif tab == "files":
        page.wait_for_selector(".files-table")
        page.locator(".files-table tr[data-path='notes.txt'] .file-open").click()
        assert page.wait_for_selector(".file-view pre").inner_text().strip() == "hello from run 3"
    else:
        page.wait_for_selector(".system-grid .panel[data-state='drawn']")
        keys = page.eval_on_selector_all(
            ".system-grid .panel", "els => els.map(e => e.dataset.key)"
        )
        assert keys == ["cpu", "memory_percent"]
    shot(page, f"09-run-{tab}")


def test_bad_urls_get_clear_pages(page):
    page.goto("/team/vision/runs/doesnotexist")
    box = page.wait_for_selector(".error-box")
    assert "Not found" in box.inner_text() and "doesnotexist" in box.inner_text()
    shot(page, "10-unknown-run")
    page.goto("/team/nosuchproject")
    box = page.wait_for_selector(".error-box")
    assert "nosuchproject" in box.inner_text()
    page.goto("/a/b/c/d/e/f")
    assert "Page not found" in page.wait_for_selector(".not-found").inner_text()
    shot(page, "11-not-found")
    page.goto("/team/vision?f=%7Bbroken")
    page.wait_for_selector(".rt-row[data-run-id]")  # an unreadable view falls back to no filter


def test_live_run_charts_grow_while_watching(page, store_dir):
    w = RunWriter(store_dir, "team", "watch", "w1", name="watched", live=True)
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(5)])
    page.goto("/team/watch")
    # The first page load also indexes the store: generous on a loaded machine.
    page.wait_for_selector(".rt-row[data-run-id='w1'] .state-running", timeout=30_000)
    page.wait_for_selector(".panel[data-key='loss'][data-points='5']", timeout=30_000)
    w.history([(s, {"loss": 1.0 / (s + 1)}) for s in range(5, 12)])
    # The page polls every 4 s: the new rows arrive without a reload.
    page.wait_for_selector(".panel[data-key='loss'][data-points='12']", timeout=15_000)
    w.finish(0)
    page.wait_for_selector(".rt-row[data-run-id='w1'] .state-finished", timeout=15_000)
    shot(page, "12-live-run")


def test_a_run_stopped_on_request_shows_killed(page, store_dir):
    k = RunWriter(store_dir, "team", "stopped", "k1", name="stopped-by-hyperband")
    k.history([(s, {"loss": 5.0 - s}) for s in range(3)])
    k.emit(Kind.EXIT, {"exit_code": 0, "stopped": "hyperband: loss"})
    page.goto("/team/stopped")
    badge = page.wait_for_selector(".rt-row[data-run-id='k1'] .state-killed", timeout=30_000)
    assert badge.inner_text() == "killed"
