"""The table, histogram and chart panels in Debian's Chromium, over runs that
logged a 100,000-row table, a histogram over 50 steps and every wandb.plot chart
(``make_media_runs.py``). Screenshots go to test-artifacts/screenshots."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, Server, shot

BIG = ".table-panel[data-key=big] .run-table"
PAGE = os.environ.get("RUNBASE_TEST_MEDIA_PAGE", "/team/media/runs/tab1/media")
CHARTS = ["line", "scatter", "bar", "hist", "series", "pr", "roc", "cm"]

# Counts the canvas pixels that are not blank (transparent or white).
INK = """(c) => {
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4)
    if (d[i + 3] > 0 && (d[i] < 240 || d[i + 1] < 240 || d[i + 2] < 240)) n++;
  return n;
}"""


@pytest.fixture(scope="module")
def media_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("media-ui")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = Path(__file__).with_name("make_media_runs.py")
    subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture()
def mpage(browser, media_server: Server) -> Iterator[object]:
    ctx = browser.new_context(
        viewport={"width": 1400, "height": 1000}, base_url=media_server.url, bypass_csp=True
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(15_000)
    pg.goto(PAGE)
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def panel(pg, kind: str, key: str):
    loc = pg.locator(f'.panel[data-kind="{kind}"][data-key="{key}"]')
    loc.scroll_into_view_if_needed()
    return loc


def first_cell(table, col: int) -> str:
    return table.locator("tbody tr[data-index] td").nth(col).inner_text()


def test_table_sorts_searches_and_pages_100k_rows(mpage):
    t = panel(mpage, "table", "big").locator(".run-table")
    mpage.locator('.table-panel[data-key="big"] .run-table[data-state="drawn"]').wait_for()
    assert t.get_attribute("data-total") == "100000"
    assert first_cell(t, 2) == "item-000000"
    score = t.locator('th[data-col="score"] .th-sort')
    score.click()  # ascending
    t.locator('th[data-col="score"][aria-sort="ascending"]').wait_for()
    score.click()  # descending: the highest score first
    t.locator('th[data-col="score"][aria-sort="descending"]').wait_for()
    mpage.wait_for_function(
        "(s) => document.querySelector(s)?.innerText === '0.99999'",
        arg=".table-panel[data-key=big] tbody tr[data-index] td:nth-child(4)",
    )
    shot(mpage, "media-table-sorted")
    t.locator(".table-search").fill("item-09999")
    mpage.locator('.table-panel[data-key="big"] .run-table[data-total="10"]').wait_for()
    assert first_cell(t, 2).startswith("item-09999")
    t.locator(".table-search").fill("")
    mpage.wait_for_function("(s) => document.querySelector(s).dataset.total === '100000'", arg=BIG)
    started = time.monotonic()
    t.locator('[data-page="last"]').click()
    mpage.locator(f'{BIG}[data-offset="99800"][data-state="drawn"]').wait_for()
    assert time.monotonic() - started < 3
    shot(mpage, "media-table-last-page")


def test_table_image_cells_are_thumbnails(mpage):
    t = panel(mpage, "table", "samples")
    img = t.locator("img.cell-thumb").first
    img.wait_for()
    mpage.wait_for_function("() => document.querySelector('img.cell-thumb')?.naturalWidth === 32")
    assert img.get_attribute("height") == "48"


def test_histogram_heatmap_draws_and_the_slider_picks_a_step(mpage):
    p = panel(mpage, "histogram", "weights")
    h = p.locator('.run-histogram[data-state="drawn"]')
    h.wait_for()
    assert h.get_attribute("data-steps") == "50" and h.get_attribute("data-step") == "49"
    assert p.locator("canvas.heatmap").evaluate(INK) > 1000
    before = p.locator("canvas.hist-slice").evaluate("(c) => c.toDataURL()")
    p.locator('input[type="range"]').fill("5")
    mpage.wait_for_function(
        "() => document.querySelector('.histogram-panel .run-histogram').dataset.step === '5'"
    )
    assert p.locator("canvas.hist-slice").evaluate("(c) => c.toDataURL()") != before
    shot(mpage, "media-histogram")


def test_each_plot_kind_draws(mpage):
    for key in CHARTS:
        p = panel(mpage, "chart", key)
        p.locator('.run-chart[data-state="drawn"]').wait_for()
        canvases = p.locator("canvas")
        ink = max(canvases.nth(i).evaluate(INK) for i in range(canvases.count()))
        assert ink > 200, f"chart {key} drew almost nothing"
    p = panel(mpage, "chart", "cm")
    assert p.locator(".run-chart").get_attribute("data-draw") == "matrix"
    assert p.locator("canvas").get_attribute("data-cells") == "9"
    shot(mpage, "media-charts")


def test_charts_take_their_own_title_and_show_their_table_on_demand(mpage):
    line = panel(mpage, "chart", "line")
    line.locator('.run-chart[data-state="drawn"]').wait_for()
    assert line.locator(".panel-title").inner_text() == "Sine"
    # A chart's table is no panel of its own: the chart opens it.
    assert mpage.locator('.panel[data-kind="table"][data-key="line_table"]').count() == 0
    assert mpage.locator('.panel[data-kind="table"][data-key="samples"]').count() == 1
    line.get_by_label("show data").check()
    data = line.locator('.chart-data[data-key="line_table"] .run-table[data-state="drawn"]')
    data.wait_for()
    assert data.get_attribute("data-total") == "60"
    shot(mpage, "media-chart-data")


def test_workspace_tabs_offer_only_the_runs_that_logged_the_key(mpage):
    mpage.goto("/team/media")
    weights = panel(mpage, "histogram", "weights")
    weights.locator('.run-histogram[data-state="drawn"]').wait_for()
    tabs = weights.locator(".run-tab").evaluate_all("(ts) => ts.map((t) => t.dataset.run)")
    assert sorted(tabs) == ["tab1", "tab2"]
    big = panel(mpage, "table", "big")
    big.locator('.run-table[data-state="drawn"]').wait_for()
    assert big.locator(".run-tab").count() == 0  # only tab1 logged it: no tabs to pick
