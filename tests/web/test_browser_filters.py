"""The filter builder and the runs table's columns in Debian's Chromium, against a real server.

Every operator the runs API has, value suggestions from the data, the server's
complaint shown next to the filter, and the internal fields as readable columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Server, make_store, open_page, shot
from .test_browser import open_workspace


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # Its own store: other browser tests add runs and edit tags on the shared one.
    root: Path = tmp_path_factory.mktemp("filters")
    make_store(root)
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture()
def page(browser, own_server: Server) -> Iterator[object]:
    yield from open_page(browser, own_server)


def add_filter(page, field: str, op: str, value: str | None = None) -> None:
    page.click(".add-filter")
    row = page.locator(".filter-row").last
    row.locator(".f-field").fill(field)
    row.locator(".f-field").dispatch_event("change")
    row.locator(".f-op").select_option(op)
    if value is not None:
        row.locator(".f-value").fill(value)
        row.locator(".f-value").dispatch_event("change")


def wait_count(page, text: str) -> None:
    page.wait_for_function(f"document.querySelector('.run-count')?.textContent === {text!r}")


def test_every_operator_filters_the_table(page):
    open_workspace(page)
    add_filter(page, "config.optimizer", "in", "adam, sgd")
    wait_count(page, "8 runs")
    add_filter(page, "name", "regex", "run-0[0-5]$")
    wait_count(page, "4 runs")  # run-00, 01, 03, 04 (02 and 05 use adamw)
    add_filter(page, "tags", "not in", "fast")
    wait_count(page, "2 runs")
    shot(page, "filters-01-operators")
    page.goto("/team/vision")
    page.wait_for_selector(".rt-row[data-run-id]")
    for _ in range(page.locator(".filter-row").count()):
        page.locator(".filter-row button.icon").first.click()
    wait_count(page, "12 runs")
    add_filter(page, "notes", "exists")
    wait_count(page, "1 run")
    assert page.locator(".filter-row .f-value").last.is_hidden()
    page.locator(".filter-row .f-op").last.select_option("not exists")
    wait_count(page, "11 runs")
    page.locator(".filter-row .f-field").last.fill("max:train/acc")
    page.locator(".filter-row .f-field").last.dispatch_event("change")
    page.locator(".filter-row .f-op").last.select_option(">")
    page.locator(".filter-row .f-value").last.fill("0.5")
    page.locator(".filter-row .f-value").last.dispatch_event("change")
    page.wait_for_function("!document.querySelector('.run-count')?.textContent.startsWith('11')")


def test_values_are_suggested_from_the_data(page):
    open_workspace(page)
    add_filter(page, "config.optimizer", "=")
    value = page.locator(".filter-row .f-value").last
    list_id = value.get_attribute("list")
    page.wait_for_selector(f"datalist#{list_id} option", state="attached")
    options = page.eval_on_selector_all(f"datalist#{list_id} option", "os => os.map(o => o.value)")
    assert sorted(options) == ["adam", "adamw", "sgd"]
    add_filter(page, "tags", "=")
    tags_list = page.locator(".filter-row .f-value").last.get_attribute("list")
    page.wait_for_selector(f"datalist#{tags_list} option", state="attached")
    tags = page.eval_on_selector_all(f"datalist#{tags_list} option", "os => os.map(o => o.value)")
    assert tags == ["sweep", "baseline", "fast"]


def test_a_wrong_filter_says_what_is_wrong_not_no_runs(page):
    open_workspace(page)
    add_filter(page, "tags", "<", "3")
    box = page.wait_for_selector(".filter-error")
    assert "tags support" in box.inner_text() and "not $gt/$lt" in box.inner_text()
    assert page.locator(".rt-empty").count() == 0
    assert page.locator(".error-box").count() == 0  # not a page-wide "Bad request"
    shot(page, "filters-02-error")
    page.locator(".filter-row .f-op").last.select_option("=")
    page.wait_for_selector(".filter-error", state="detached")
    # A filter that is valid but matches nothing says so, and why it might.
    page.locator(".filter-row .f-value").last.fill("nosuchtag")
    page.locator(".filter-row .f-value").last.dispatch_event("change")
    empty = page.wait_for_selector(".rt-empty")
    assert "No runs match the filters" in empty.inner_text()


def test_internal_fields_and_min_max_columns_are_readable(page):
    open_workspace(page, "?sort=name")
    assert page.locator(".rt-h[data-col='runtime']").inner_text() == "Runtime"
    # Columns off screen are not drawn: scroll sideways until Step is.
    for _ in range(20):
        if page.locator(".rt-h[data-col='step']").count():
            break
        page.eval_on_selector(".rt-scroll", "s => { s.scrollLeft += 300; }")
        page.wait_for_timeout(100)
    headers = page.eval_on_selector_all(".rt-h", "hs => hs.map(h => h.textContent)")
    assert "Step" in headers and "Last logged" in headers
    row = page.locator(".rt-row[data-run-id='r00']")
    cols = page.eval_on_selector_all(".rt-h", "hs => hs.map(h => h.dataset.col)")
    cells = row.locator(".rt-cell")
    offset = cells.count() - len(cols)  # the checkbox and eye cells come first
    step = cells.nth(offset + cols.index("step")).inner_text()
    assert step == "119"
    stamp = cells.nth(offset + cols.index("updated")).inner_text()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", stamp), stamp
    # min and max columns of one metric differ by a badge that is never cut off
    page.eval_on_selector(".rt-scroll", "s => { s.scrollLeft = s.scrollWidth; }")
    mn = page.locator(".rt-h[data-col='min.train/loss']")
    mx = page.locator(".rt-h[data-col='max.train/loss']")
    mn.wait_for()
    assert mn.locator(".col-kind").inner_text() == "min"
    assert mx.locator(".col-kind").inner_text() == "max"
    assert mn.get_attribute("title").startswith("train/loss (min)")
    shot(page, "filters-03-columns")
