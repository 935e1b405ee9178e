"""Comparing runs in Debian's Chromium against a real server: the run comparer
(reached from the runs table's Compare button) highlights the rows where two
runs differ and can show only those, a baseline run shows the others' numbers
as differences, the workspace's System section draws the runs' system metrics,
colour by a config value recolours the charts, the scatter, bar and
summary-value panels draw the runs' config/summary, and the example of
docs/web.md ("Comparing runs") shows what it says.

The project is this module's own (its own RUNBASE_DIR and server)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from runbase.records import Kind
from tests.docs import block, page

from .conftest import REPO, Server, shot
from .fill import RunWriter

WEB = page("web.md")

WS = "/team/cmp"
RUNS = [
    # id, name, config, final accuracy
    ("c1", "alpha", {"lr": 0.1, "opt": "adam", "batch": 32}, 0.71),
    ("c2", "beta", {"lr": 0.01, "opt": "adam", "batch": 64}, 0.88),
    ("c3", "gamma", {"lr": 0.001, "opt": "sgd", "batch": 32}, 0.93),
]


@pytest.fixture(scope="module")
def cmp_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-compare")
    for i, (rid, name, config, acc) in enumerate(RUNS):
        w = RunWriter(root, "team", "cmp", rid, name=name, config=config, start_time=1.7e9 + i)
        w.history([(s, {"loss": 1.0 / (s + 1 + i), "acc": acc * s / 4}) for s in range(5)])
        for k in range(8):
            sample = {"cpu": 20.0 + 5 * i + k, "memory_percent": 30.0 + i, "gpu.0.gpu": 50.0 + k}
            w.emit(Kind.SYSTEM, sample, t=w.t + k * 10)
        w.finish(exit_code=0)
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture()
def cpage(browser, cmp_server: Server) -> Iterator[object]:
    ctx = browser.new_context(
        viewport={"width": 1400, "height": 1000}, base_url=cmp_server.url, bypass_csp=True
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def rows_shown(page) -> dict[str, bool]:
    """Each field row of the comparer: whether it is highlighted as differing."""
    return dict(
        page.eval_on_selector_all(
            ".cmp-table tr[data-field]",
            "els => els.map(e => [e.dataset.field, e.classList.contains('differs')])",
        )
    )


def test_compare_button_opens_the_comparer_with_differences_highlighted(cpage):
    page = cpage
    page.goto(WS)
    page.wait_for_selector(".rt-row[data-run-id='c1']")
    assert page.locator(".compare-runs").is_disabled()
    page.locator(".rt-row[data-run-id='c1'] input[type=checkbox]").check()
    page.locator(".rt-row[data-run-id='c2'] input[type=checkbox]").check()
    page.click(".compare-runs")
    page.wait_for_url(re.compile(r"/team/cmp/compare\?runs=c1,c2$"))
    page.wait_for_selector(".cmp-table tr[data-field='config.lr']")
    heads = page.eval_on_selector_all(".cmp-run a", "els => els.map(e => e.textContent)")
    assert heads == ["alpha", "beta"]
    shown = rows_shown(page)
    assert shown["config.lr"] is True and shown["config.batch"] is True
    assert shown["config.opt"] is False
    assert shown["summary.acc"] is True
    lr = page.locator(".cmp-table tr[data-field='config.lr']")
    assert lr.locator("td").all_inner_texts() == ["0.1", "0.01"]
    # The highlight is visible: a background, unlike an equal row's.
    bg = "e => getComputedStyle(e.querySelector('td')).backgroundColor"
    same = page.locator(".cmp-table tr[data-field='config.opt']").evaluate(bg)
    assert lr.evaluate(bg) != same
    shot(page, "compare-runs")

    page.check(".cmp-only-diff")
    page.wait_for_function("!document.querySelector(\"tr[data-field='config.opt']\")")
    assert set(rows_shown(page)) == {"config.batch", "config.lr", "summary.acc", "summary.loss"}
    assert "diff=1" in page.url
    assert page.locator(".cmp-count").inner_text() == "2 runs · 4 of 5 fields differ"


def test_baseline_run_shows_differences_and_unknown_runs_are_named(cpage):
    page = cpage
    page.goto(f"{WS}/compare?runs=c1,c3,nope")
    page.wait_for_selector(".cmp-table tr[data-field='config.lr']")
    assert "nope" in page.locator(".cmp-missing-note").inner_text()
    page.locator(".cmp-run[data-run='c1'] .cmp-base-btn").click()
    page.wait_for_selector(".cmp-run.baseline[data-run='c1']")
    acc = page.locator(".cmp-table tr[data-field='summary.acc'] td").all_inner_texts()
    assert acc[0] == "0.71" and acc[1].replace("\n", " ").startswith("0.93")
    assert (
        page.locator(".cmp-table tr[data-field='summary.acc'] .cmp-delta").inner_text() == "+0.22"
    )
    # Leaving a run out keeps the others.
    page.locator(".cmp-run[data-run='c3'] .cmp-remove").click()
    page.wait_for_function("document.querySelectorAll('.cmp-run').length === 1")
    assert "runs=c1" in page.url


def test_comparer_without_runs_says_how_to_pick_them(cpage):
    page = cpage
    page.goto(f"{WS}/compare")
    assert "Select runs in the runs table" in page.locator(".cmp-empty").inner_text()


def test_workspace_system_section_draws_each_runs_system_metrics(cpage):
    page = cpage
    page.goto(WS)
    page.wait_for_selector(".rt-row[data-run-id='c1']")
    page.locator(".ws-system").scroll_into_view_if_needed()
    page.wait_for_selector(".ws-system .panel[data-key='cpu'][data-state='drawn']")
    keys = page.eval_on_selector_all(
        ".ws-system .panel[data-key]", "els => els.map(e => e.dataset.key)"
    )
    assert keys == ["cpu", "gpu.0.gpu", "memory_percent"]
    cpu = page.locator(".ws-system .panel[data-key='cpu']")
    assert cpu.get_attribute("data-runs") == "3"
    assert cpu.get_attribute("data-points") == "8"
    shot(page, "compare-system-section")


def legend_colors(page, key: str) -> dict[str, str]:
    """The colour each run has in a line panel's legend."""
    return dict(
        page.eval_on_selector_all(
            f".panel[data-key='{key}'] .legend-item",
            "els => els.map(e => [e.title, e.querySelector('.legend-swatch').style.background])",
        )
    )


SWATCHES = (
    "[...document.querySelectorAll(\".panel[data-key='loss'] .legend-swatch\")]"
    ".map(e => e.style.background)"
)


def test_colour_runs_by_a_config_value(cpage):
    page = cpage
    page.goto(WS)
    page.wait_for_selector(".panel[data-key='loss'][data-state='drawn']")
    own = legend_colors(page, "loss")
    assert len(set(own.values())) == 3
    page.select_option(".colorby-select", "opt")
    page.wait_for_selector(".colorby-entry[data-value='sgd']")
    assert page.eval_on_selector_all(".colorby-entry", "els => els.map(e => e.dataset.value)") == [
        "adam",
        "sgd",
    ]
    page.wait_for_function(f"{SWATCHES}.length === 3 && new Set({SWATCHES}).size === 2")
    by_opt = legend_colors(page, "loss")
    assert by_opt["alpha"] == by_opt["beta"] != by_opt["gamma"]
    # A number spanning decades: a gradient on a log scale.
    page.select_option(".colorby-select", "lr")
    page.wait_for_selector(".colorby-legend[data-min='0.001'][data-max='0.1']")
    assert "(log)" in page.locator(".colorby-legend").inner_text()
    page.wait_for_function(f"new Set({SWATCHES}).size === 3")
    shot(page, "compare-colour-by")
    # The choice stays with the project in this browser.
    page.reload()
    page.wait_for_selector(".colorby-legend[data-min='0.001']")
    page.select_option(".colorby-select", "")
    page.wait_for_function("!document.querySelector('.colorby-legend')")


def test_comparing_runs_example_runs_as_documented(browser, tmp_path: Path) -> None:
    root = tmp_path / "rb"
    root.mkdir()
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = block(WEB, "python", 'project="compare"')
    subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True,
                   timeout=120)  # fmt: skip
    link = re.search(r"`http://localhost:8765(/me/compare/compare\?[^`]*)`", WEB)
    assert link, "docs/web.md names the comparer's link"
    srv = Server(root)
    ctx = browser.new_context(base_url=srv.url, bypass_csp=True)
    try:
        page = ctx.new_page()
        page.goto(link.group(1))
        page.wait_for_selector(".cmp-table tr[data-field='summary.val/acc']")
        shown = rows_shown(page)
        assert shown["config.lr"] and shown["summary.val/acc"]
        assert not shown["config.opt"] and not shown["config.epochs"]
        delta = page.locator("tr[data-field='summary.val/acc'] .cmp-delta").inner_text()
        assert delta == "+0.18"
    finally:
        ctx.close()
        srv.stop()


def add_panel(page, kind: str):
    """Add a panel of ``kind`` from the workspace's menu; the editor opens on it."""
    page.click(".add-panel-button")
    page.click(f".add-panel-menu [data-kind='{kind}']")
    return page.locator("dialog.panel-drawer")


def test_scatter_panel_shows_a_point_per_run_and_names_the_hovered_one(cpage):
    page = cpage
    page.goto(WS)
    page.wait_for_selector(".panel[data-key='loss'][data-state='drawn']")
    drawer = add_panel(page, "scatter")
    # The pickers list the project's config and summary fields.
    options = drawer.locator(".scatter-x option").evaluate_all("os => os.map(o => o.value)")
    assert {"config.lr", "config.opt", "summary.acc", "summary.loss"} <= set(options)
    drawer.locator(".scatter-x").select_option("config.lr")
    drawer.locator(".scatter-y").select_option("summary.acc")
    drawer.locator(".scatter-logx").check()
    drawer.locator("button:text('Done')").click()
    panel = page.locator(".panel[data-kind='scatter']")
    page.wait_for_selector(".panel[data-kind='scatter'][data-state='drawn']")
    assert panel.get_attribute("data-points") == "3"
    assert panel.locator(".panel-title").inner_text() == "summary.acc vs config.lr"
    # Hovering gamma's point names it and its values.
    panel.scroll_into_view_if_needed()
    over = panel.locator(".u-over")
    box = over.bounding_box()
    assert box
    found = ""
    # lr 0.001 is the smallest: its point is near the left edge (the axis pads a tenth of a decade).
    spots = [
        (x, y)
        for x in range(0, int(box["width"] * 0.15), 6)
        for y in range(0, int(box["height"]), 6)
    ]
    for x, y in spots:
        page.mouse.move(box["x"] + x, box["y"] + y)
        found = panel.locator(".scatter-hover").inner_text()
        if found:
            break
    assert found.startswith("gamma: config.lr 0.001, summary.acc 0.93"), found
    shot(page, "compare-scatter-panel")


def test_bar_and_summary_value_panels(cpage):
    page = cpage
    page.goto(WS)
    page.wait_for_selector(".panel[data-key='loss'][data-state='drawn']")
    drawer = add_panel(page, "bar")
    drawer.locator(".bar-field").select_option("summary.acc")
    drawer.locator(".bar-sort").select_option("desc")
    drawer.locator("button:text('Done')").click()
    page.wait_for_selector(".panel[data-kind='bar'][data-state='drawn']")
    bars = page.locator(".panel[data-kind='bar'] .bar-row")
    assert bars.locator(".bar-name").all_inner_texts() == ["gamma", "beta", "alpha"]
    assert bars.locator(".bar-value").all_inner_texts() == ["0.93", "0.88", "0.71"]

    drawer = add_panel(page, "scalar")
    drawer.locator(".scalar-field").select_option("config.batch")
    drawer.locator(".scalar-agg").select_option("mean")
    drawer.locator("button:text('Done')").click()
    big = page.locator(".panel[data-kind='scalar'] .scalar-big")
    assert big.inner_text() == "42.667"
    assert page.locator(".panel[data-kind='scalar'] .scalar-of").inner_text() == "mean of 3 runs"
    shot(page, "compare-bar-scalar-panels")
