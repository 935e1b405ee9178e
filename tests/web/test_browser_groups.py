"""Grouping in Debian's Chromium against a real server: a group row's aggregates
cover every run of a 150-run group, and with two grouping levels the charts draw
a line (and band) per leaf group, as the table nests them."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from .conftest import Server, open_page, shot
from .fill import RunWriter

WS = "/team/grp"
N = 150


@pytest.fixture(scope="module")
def grp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-groups")
    for i in range(N + 10):
        opt = "adam" if i < N else "sgd"
        lr = [0.01, 0.1][i % 2]
        w = RunWriter(root, "team", "grp", f"g{i:03d}", config={"opt": opt, "lr": lr, "x": i})
        w.history(
            [(s, {"loss": (1 + i % 7) / (s + 1) + (0.5 if lr == 0.1 else 0)}) for s in range(5)]
        )
        w.finish(exit_code=0)
    srv = Server(root)
    deadline = time.monotonic() + 60
    while srv.client.get("/api/v1/projects/team/grp/runs").json().get("total") != N + 10:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    yield srv
    srv.stop()


@pytest.fixture()
def gpage(browser, grp_server: Server) -> Iterator[object]:
    yield from open_page(browser, grp_server)


def _agg_text(page, group: str, col: str) -> str:
    sel = f".rt-group[data-group='\"{group}\"'] .rt-group-agg[data-col='{col}']"
    page.wait_for_function(f"document.querySelector(`{sel}`)?.textContent")
    return page.locator(sel).inner_text()


def test_group_row_aggregates_every_run(gpage):
    page = gpage
    page.goto(f"{WS}?group=config.opt")
    page.wait_for_selector(".rt-row.rt-group")
    assert page.locator(".rt-group[data-group='\"adam\"'] .group-count").inner_text() == "150 runs"
    # The mean of x over all 150 runs (0..149) is 74.5; the first 100 alone gave 49.5.
    assert _agg_text(page, "adam", "config.x") == "74.5"
    tip = page.locator(".rt-group[data-group='\"adam\"'] .rt-group-agg[data-col='config.x']")
    assert tip.get_attribute("title") == "mean of 150 runs: 74.5"
    assert _agg_text(page, "sgd", "config.x") == "154.5"
    page.select_option(".group-agg", "max")
    page.wait_for_function(
        "document.querySelector(`.rt-group[data-group='\"adam\"'] "
        ".rt-group-agg[data-col='config.x']`)?.textContent === '149'"
    )
    shot(page, "groups-00-aggregates-of-150-runs")


def test_charts_draw_a_line_per_leaf_group(gpage):
    page = gpage
    page.goto(f"{WS}?group=config.opt,config.lr")
    legend = page.locator(".panel[data-key='loss'] .legend")
    legend.locator(".legend-name").first.wait_for()
    page.wait_for_function(
        "document.querySelectorAll(`.panel[data-key='loss'] .legend-name`).length === 4"
    )
    names = legend.locator(".legend-name").all_inner_texts()
    # A line averages at most 200 / (lines drawn) runs of its group, and says so.
    assert names == [
        "adam · 0.01 (50 of 75 runs)",
        "adam · 0.1 (50 of 75 runs)",
        "sgd · 0.01 (5 runs)",
        "sgd · 0.1 (5 runs)",
    ], names
    assert "2 of 2 groups visualised, 4 lines" in page.locator(".vis-count").inner_text()
    shot(page, "groups-01-leaf-group-lines")
