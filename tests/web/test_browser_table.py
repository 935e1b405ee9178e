"""The runs table in Debian's Chromium against a real server: grouping with a
chosen aggregate and band, pinning and dragging columns, renaming a run in
place and tagging two runs at once. The project is this module's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import Server, open_page, shot
from .fill import RunWriter

WS = "/team/tbl"
API = "/api/v1/projects/team/tbl"


@pytest.fixture(scope="module")
def table_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-table")
    for i in range(8):
        opt, lr = ["adam", "sgd"][i % 2], [0.01, 0.1][(i // 2) % 2]
        w = RunWriter(root, "team", "tbl", f"t{i}", name=f"run-{i}", config={"opt": opt, "lr": lr})
        w.history([(s, {"loss": (1 + i) / (s + 1)}) for s in range(6)])
        w.finish(exit_code=0)
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture()
def tpage(browser, table_server: Server) -> Iterator[object]:
    yield from open_page(browser, table_server)


def header_ids(page) -> list[str]:
    return page.eval_on_selector_all(".rt-h[data-col]", "els => els.map(e => e.dataset.col)")


def test_group_lines_aggregate_and_band(tpage):
    page = tpage
    page.goto(WS)
    page.wait_for_selector(".rt-row[data-run-id]")
    page.select_option(".group-select", "config.opt")
    page.wait_for_selector(".rt-row.rt-group")
    groups = page.eval_on_selector_all(
        ".rt-group .group-value", "els => els.map(e => e.textContent)"
    )
    assert groups == ["adam", "sgd"]
    # A second level: each optimiser's runs grouped again by learning rate.
    page.select_option(".group-level-2", "config.lr")
    page.wait_for_function("location.search.includes('group=config.opt%2Cconfig.lr')")
    page.click(".rt-group[data-group='\"sgd\"']")
    page.wait_for_selector(".rt-subgroup")
    subs = page.eval_on_selector_all(
        ".rt-subgroup .group-value", "els => els.map(e => e.textContent)"
    )
    counts = page.eval_on_selector_all(
        ".rt-subgroup .group-count", "els => els.map(e => e.textContent)"
    )
    assert subs == ["0.01", "0.1"] and counts == ["2 runs", "2 runs"]
    # Expanding a subgroup shows exactly its runs: sgd (odd ids) with lr 0.1.
    page.click(".rt-subgroup[data-group='0.1']")
    page.wait_for_selector(".rt-row.in-group[data-run-id]")
    shown = page.eval_on_selector_all(
        ".rt-row.in-group[data-run-id]", "els => els.map(e => e.dataset.runId).sort()"
    )
    assert shown == ["t3", "t7"], shown
    shot(page, "table-00-two-level-groups")
    page.select_option(".group-agg", "median")
    page.select_option(".group-band", "std")
    page.wait_for_function("location.search.includes('band=std')")
    assert "agg=median" in page.url
    page.wait_for_selector(".uplot")
    # The choice comes back with the URL.
    page.reload()
    page.wait_for_selector(".rt-row.rt-group")
    assert page.locator(".group-agg").input_value() == "median"
    assert page.locator(".group-band").input_value() == "std"
    shot(page, "table-01-grouped-median-std")


def test_pin_and_drag_columns(tpage):
    page = tpage
    page.goto(WS)
    page.wait_for_selector(".rt-row[data-run-id]")
    lr = page.locator(".rt-h[data-col='config.lr']")
    lr.hover()
    lr.locator(".col-menu-btn").click()
    page.click(".col-menu .pin-right")
    page.wait_for_selector(".rt-h[data-col='config.lr'][data-pinned='right']")
    assert header_ids(page)[-1] == "config.lr"
    # Pinned right: on the scroller's right edge, and the cells with it.
    edge = page.evaluate(
        """() => {
          const s = document.querySelector('.rt-scroll').getBoundingClientRect();
          const h = document.querySelector(".rt-h[data-col='config.lr']").getBoundingClientRect();
          return Math.abs(s.right - h.right);
        }"""
    )
    assert edge < 24, edge
    page.drag_and_drop(".rt-h[data-col='created_at']", ".rt-h[data-col='state']")
    page.wait_for_function(
        "[...document.querySelectorAll('.rt-h[data-col]')].map(e => e.dataset.col)"
        ".indexOf('created_at') === 1"
    )
    page.reload()
    page.wait_for_selector(".rt-h[data-col='config.lr'][data-pinned='right']")
    assert header_ids(page)[:3] == ["name", "created_at", "state"]
    shot(page, "table-02-pinned-and-moved")
    lr = page.locator(".rt-h[data-col='config.lr']")
    lr.hover()
    lr.locator(".col-menu-btn").click()
    page.click(".col-menu .unpin")
    page.wait_for_selector(".rt-h[data-col='config.lr']:not([data-pinned])")


def test_rename_and_bulk_tag(tpage, table_server):
    page = tpage
    page.goto(f"{WS}?sort=name")
    row = page.locator(".rt-row[data-run-id='t3']")
    row.hover()
    row.locator(".rename-btn").click()
    box = page.locator(".rename-input")
    box.fill("a much longer name for run three that the table must not cut off silently")
    box.press("Enter")
    page.wait_for_selector(".rt-row[data-run-id='t3'] .run-link:text('a much longer name')")
    got = table_server.client.get(f"{API}/runs/t3").json()
    assert got["name"].startswith("a much longer name")
    # The full name is in the cell's tooltip.
    tip = row.locator(".name-cell").get_attribute("title")
    assert tip is not None and tip.startswith(got["name"])
    # An empty name is refused with a message.
    row.hover()
    row.locator(".rename-btn").click()
    page.locator(".rename-input").fill(" ")
    page.locator(".rename-input").press("Enter")
    assert "cannot be empty" in (page.locator(".rename-input").get_attribute("title") or "")
    page.locator(".rename-input").press("Escape")

    for rid in ("t0", "t1"):
        page.locator(f".rt-row[data-run-id='{rid}'] input[type=checkbox]").check()
    page.click(".tag-runs")
    page.fill(".tag-input", "best")
    page.click(".tag-add")
    page.wait_for_selector(".tag-msg:text('Tagged 2 runs')")
    page.wait_for_selector(".rt-row[data-run-id='t1'] .tag:text('best')")
    shot(page, "table-03-renamed-and-tagged")
    for rid, tags in (("t0", ["best"]), ("t1", ["best"]), ("t2", [])):
        assert table_server.client.get(f"{API}/runs/{rid}").json()["tags"] == tags
