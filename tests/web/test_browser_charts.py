"""Chart readability in Chromium: hover values, legends, run colours."""

from __future__ import annotations

import time

from .conftest import shot
from .fill import RunWriter
from .test_browser import wait_panels_drawn


def ensure_project(server, store_dir, project: str, runs: dict[str, int]) -> None:
    """Runs named after their ids, each logging ``loss`` for ``steps`` steps."""
    if server.client.get(f"/api/v1/projects/team/{project}").status_code == 200:
        return
    for run_id, steps in runs.items():
        w = RunWriter(store_dir, "team", project, run_id, name=run_id)
        w.history([(s, {"loss": 1.0 + s * 0.01 + len(run_id)}) for s in range(steps)])
        w.finish(0)
    deadline = time.monotonic() + 15
    while server.client.get(f"/api/v1/projects/team/{project}").json().get("run_count") != len(
        runs
    ):
        assert time.monotonic() < deadline
        time.sleep(0.3)


def hover_names(page, key: str, frac: float) -> list[str]:
    panel = page.locator(f".panel[data-key='{key}']")
    box = panel.locator(".u-over").bounding_box()
    page.mouse.move(0, 0)
    page.mouse.move(box["x"] + box["width"] * frac, box["y"] + box["height"] * 0.5)
    tip = panel.locator(".panel-tip")
    tip.wait_for(state="visible")
    return tip.locator(".tip-name").all_inner_texts()


def test_tooltip_shows_nothing_for_runs_that_ended_or_have_not_started(page, server, store_dir):
    # Regression: a run that had ended showed its last value at every later x.
    ensure_project(server, store_dir, "lengths", {"long": 100, "short": 30})
    page.goto("/team/lengths?sort=name")
    page.wait_for_selector(".panel[data-key='loss'][data-state='drawn'][data-runs='2']")
    assert sorted(hover_names(page, "loss", 0.1)) == ["long", "short"]
    assert hover_names(page, "loss", 0.8) == ["long"]
    shot(page, "15-tooltip-after-a-run-ended")


def test_legend_names_each_line_in_its_colour_on_every_page(page, server, store_dir):
    page.goto("/team/vision?sort=name")
    wait_panels_drawn(page, 3)
    legend = page.locator(".panel[data-key='train/loss'] .legend")
    names = legend.locator(".legend-name").all_inner_texts()
    assert names == [f"run-{i:02d}" for i in range(10)]
    # Ten lines: compact chips, all named.
    assert "compact" in legend.get_attribute("class")
    colour = page.eval_on_selector(
        ".rt-row[data-run-id='r03'] .eye .dot", "e => getComputedStyle(e).borderColor"
    )
    swatch = legend.locator(".legend-item").nth(3).locator(".legend-swatch")
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") == colour
    # The run page draws the run in the same colour.
    page.locator(".rt-row[data-run-id='r03'] .run-link").click()
    page.locator(".tab[data-tab='charts']").click()
    page.wait_for_selector(".panel[data-key='train/loss'][data-state='drawn']")
    run_swatch = page.locator(".panel[data-key='train/loss'] .legend-swatch").first
    assert run_swatch.evaluate("e => getComputedStyle(e).backgroundColor") == colour
    assert page.locator(".panel[data-key='train/loss'] .legend-name").all_inner_texts() == [
        "run-03"
    ]


def test_twenty_drawn_runs_get_twenty_colours(page, server, store_dir):
    ensure_project(server, store_dir, "twenty", {f"t{i:02d}": 5 for i in range(25)})
    page.goto("/team/twenty?sort=name&runs=20")
    page.wait_for_selector(".panel[data-key='loss'][data-state='drawn'][data-runs='20']")
    colours = page.eval_on_selector_all(
        ".rt-row[data-run-id] .eye.on .dot", "els => els.map(e => getComputedStyle(e).borderColor)"
    )
    assert len(colours) == 20 and len(set(colours)) == 20
    shot(page, "16-twenty-runs")
