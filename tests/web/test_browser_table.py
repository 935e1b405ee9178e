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
    # A group row shows the mean of its runs' numbers: lr 0.01 and 0.1, two runs each.
    cell = page.locator(".rt-group[data-group='\"adam\"'] .rt-group-agg[data-col='config.lr']")
    page.wait_for_function(
        "document.querySelector(`.rt-group .rt-group-agg[data-col='config.lr']`)?.textContent"
    )
    assert cell.inner_text() == "0.055"
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


LEGEND = ".panel[data-key='loss'] .legend-item"


def legend(page) -> dict[str, str]:
    """Each line of the loss chart: its legend name and its swatch's colour."""
    return dict(
        page.eval_on_selector_all(
            LEGEND,
            "els => els.map(e => [e.title, e.querySelector('.legend-swatch').style.background])",
        )
    )


def tag(server: Server, ids: list[str], **change: list[str]) -> None:
    r = server.client.post(f"{API}/runs/tags", json={"ids": ids, **change})
    assert r.status_code == 200, r.text


def test_subgroup_eye_hides_and_colours_its_line(tpage, table_server):
    page = tpage
    # sgd's runs: t1 and t5 (lr 0.01), t3 and t7 (lr 0.1).
    tag(table_server, ["t3", "t7"], add=["fast"])
    tag(table_server, ["t5"], add=["odd"])
    page.goto(WS + "?group=config.opt%2Cconfig.lr")
    page.wait_for_selector(".rt-row.rt-group")
    # One line per leaf group: two optimisers times two learning rates.
    page.wait_for_function(f"document.querySelectorAll(`{LEGEND}`).length === 4")
    page.click(".rt-group[data-group='\"sgd\"']")
    page.wait_for_selector(".rt-subgroup .group-eye")
    sub = page.locator(".rt-subgroup[data-group='0.1']")
    eye = sub.locator(".group-eye")
    assert eye.get_attribute("aria-pressed") == "true"
    # The subgroup's dot has its line's colour.
    lines = legend(page)
    sgd01 = next(n for n in lines if n.startswith("sgd · 0.1 "))
    assert eye.locator(".dot").evaluate("e => e.style.background") == lines[sgd01]
    eye.click()
    page.wait_for_function(f"document.querySelectorAll(`{LEGEND}`).length === 3")
    assert eye.get_attribute("aria-pressed") == "false"
    names = sorted(n.split(" (")[0] for n in legend(page))
    assert names == ["adam · 0.01", "adam · 0.1", "sgd · 0.01"], names
    # Remembered: it stays hidden after a reload.
    page.reload()
    page.wait_for_selector(".rt-row.rt-group")
    page.click(".rt-group[data-group='\"sgd\"']")
    page.wait_for_selector(".rt-subgroup[data-group='0.1'] .group-eye[aria-pressed='false']")
    page.wait_for_function(f"document.querySelectorAll(`{LEGEND}`).length === 3")
    # A group row's Tags: those every run of it has, then how many only some have.
    tags = ".rt-group[data-group='{}'] .rt-group-agg[data-col='tags']"
    page.wait_for_selector(tags.format("0.1") + ":text('fast')")
    assert page.locator(tags.format('"sgd"')).inner_text() == "2 tags"
    shot(page, "table-00b-subgroup-line-hidden")
    # The top group's eye hides both of its subgroups' lines.
    page.click(".rt-group[data-group='\"sgd\"'] .group-eye")
    page.wait_for_function(f"document.querySelectorAll(`{LEGEND}`).length === 2")
    assert sorted(n.split(" (")[0] for n in legend(page)) == ["adam · 0.01", "adam · 0.1"]
    tag(table_server, ["t3", "t5", "t7"], remove=["fast", "odd"])


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
