"""The runs table in Debian's Chromium against a real server: moving runs to
another project, and pinning a baseline run whose numbers the other rows show
their difference from. The project is this module's own."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .conftest import Server, open_page, shot
from .fill import RunWriter

WS = "/team/acts"
API = "/api/v1/projects/team/acts"


@pytest.fixture(scope="module")
def acts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-acts")
    for i in range(6):
        w = RunWriter(root, "team", "acts", f"a{i}", name=f"act-{i}", config={"lr": 0.1 * (i + 1)})
        w.history([(s, {"acc": 0.5 + 0.05 * i + 0.01 * s}) for s in range(4)])
        w.finish(exit_code=0)
    for rid in ("old", "a3"):
        RunWriter(root, "team", "archive", rid, name=f"archived-{rid}").finish(exit_code=0)
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture()
def apage(browser, acts_server: Server) -> Iterator[object]:
    yield from open_page(browser, acts_server)


def test_pin_baseline_shows_deltas(apage, acts_server):
    page = apage
    page.goto(f"{WS}?sort=name")
    row = page.locator(".rt-row[data-run-id='a1']")
    row.hover()
    row.locator(".pin-base").click()
    page.wait_for_function("location.search.includes('base=a1')")
    # The baseline row is pinned at the top, above the sorted rows.
    page.wait_for_selector(".rt-baseline[data-baseline='a1'] .rt-row.rt-base")
    # Other rows show their difference from it: a3's lr 0.4 is +0.2 over a1's 0.2.
    cell = page.locator(".rt-canvas .rt-row[data-run-id='a3'] .rt-config")
    cell.locator(".delta.up").wait_for()
    assert cell.locator(".delta").inner_text() == "+0.2"
    assert "+100%" in (cell.get_attribute("title") or "")
    down = page.locator(".rt-canvas .rt-row[data-run-id='a0'] .rt-summary .delta.down")
    assert down.first.inner_text().startswith("−")
    # The baseline itself shows no delta.
    assert page.locator(".rt-baseline .delta").count() == 0
    shot(page, "table-actions-00-baseline")
    # It stays pinned at the top while the table scrolls.
    page.evaluate("document.querySelector('.rt-scroll').scrollTop = 60")
    top = page.evaluate(
        """() => document.querySelector('.rt-baseline').getBoundingClientRect().top -
                 document.querySelector('.rt-header').getBoundingClientRect().bottom"""
    )
    assert abs(top) < 3, top
    # Saved with the view: a saved view opens with the same baseline.
    r = acts_server.client.post(
        f"{API}/views", json={"name": "vs a1", "state": {"params": {"base": "a1"}}}
    )
    vid = r.json()["id"]
    page.goto(f"{WS}?view={vid}")
    page.wait_for_selector(".rt-baseline[data-baseline='a1']")
    # Unpinning clears it.
    page.locator(".rt-baseline .pin-base").click()
    page.wait_for_selector(".rt-baseline", state="detached")
    assert page.locator(".delta").count() == 0


def test_move_runs_to_another_project(apage, acts_server):
    page = apage
    page.goto(f"{WS}?sort=name")
    page.wait_for_selector(".rt-row[data-run-id='a5']")
    for rid in ("a4", "a5"):
        page.locator(f".rt-canvas .rt-row[data-run-id='{rid}'] input[type=checkbox]").check()
    page.click(".move-runs")
    # The existing projects of the entity are offered.
    page.wait_for_selector(".move-hint:text('archive')")
    page.fill(".move-target", "archive")
    shot(page, "table-actions-01-move-dialog")
    page.click(".move-go")
    page.wait_for_selector(".move-msg:text('Moved 2 runs to')")
    page.wait_for_selector(".rt-row[data-run-id='a5']", state="detached")
    page.wait_for_selector(".run-count:text('4 runs')")
    shot(page, "table-actions-02-moved")
    # The message links to the target project, where the runs are, with their ids.
    page.click(".move-msg a")
    page.wait_for_url("**/team/archive")
    page.wait_for_selector(".rt-row[data-run-id='a5']")
    page.click(".rt-row[data-run-id='a5'] .run-link")
    page.wait_for_url("**/team/archive/runs/a5")
    # A run id the target already has: the server's message, and nothing moves.
    page.goto(f"{WS}?sort=name")
    page.locator(".rt-canvas .rt-row[data-run-id='a3'] input[type=checkbox]").check()
    page.click(".move-runs")
    page.fill(".move-target", "archive")
    page.click(".move-go")
    page.wait_for_selector(".move-msg:text(\"team/archive already has a run 'a3'\")")
    assert acts_server.client.get(f"{API}/runs/a3").status_code == 200
