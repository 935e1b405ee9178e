"""Reports in Debian's Chromium against a real server: a report is written (markdown
and a panel grid over a saved view's runs), survives a reload, opens from its URL in
a new browser context, and exports to one HTML file holding the text and a PNG of
the chart. A ``<script>`` (or an ``onerror``) in the markdown never runs, in the
page or in the exported file.

The project is this module's own (its own RUNBASE_DIR and server)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import Server, shot
from .fill import RunWriter

P = "/team/rp"
API = "/api/v1/projects/team/rp"
FILTER = {"rows": [{"field": "config.lr", "op": ">=", "value": "0.03"}], "any": False}
MARKDOWN = """# Findings

A **higher lr** learns faster.

<script>window.__pwned = 1</script>
<img src="x" onerror="window.__pwned = 2">

A [link that runs](javascript:window.__pwned=3) stays text.
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-reports")
    for i in range(5):
        w = RunWriter(root, "team", "rp", f"r{i}", name=f"lr-{i}", config={"lr": 0.01 * (i + 1)})
        w.history([(s, {"loss": 1.0 / (s + 1 + i)}) for s in range(20)])
        w.finish(exit_code=0)
    srv = Server(root)
    state = {"v": 1, "params": {"f": json.dumps(FILTER)}, "columns": {}, "eye": {}}
    r = srv.client.post(f"{API}/views", json={"name": "high lr", "state": state})
    assert r.status_code == 200, r.text
    yield srv
    srv.stop()


def new_page(browser, server: Server):
    ctx = browser.new_context(
        viewport={"width": 1300, "height": 1000}, base_url=server.url, accept_downloads=True
    )
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(15_000)
    return ctx, pg, errors


def block_tool(page, block: str, tool: str) -> None:
    """The block's toolbar shows on hover, as for a user."""
    page.hover(f".report-block[data-block='{block}']")
    page.click(f".report-block[data-block='{block}'] .{tool}")


def drawn_chart(page, grid: str = "grid1") -> dict:
    block = f".report-block[data-block='{grid}']"
    page.wait_for_selector(f"{block} .panel[data-state=drawn] canvas")
    panel = page.locator(f"{block} .panel")
    return {
        "key": panel.get_attribute("data-key"),
        "runs": panel.get_attribute("data-runs"),
        "legend": page.locator(f"{block} .legend-name").all_inner_texts(),
    }


def add_filtered_grid(page) -> None:
    """A second grid over the project's runs with lr <= 0.02, built with the filter builder."""
    page.click(".add-panels")
    page.wait_for_selector(".report-block[data-block='grid2'] .panels-editor")
    editor = page.locator(".panels-editor")
    editor.locator(".add-filter").click()
    editor.locator(".f-field").fill("config.lr")
    editor.locator(".f-field").press("Tab")
    editor.locator(".f-op").select_option("<=")
    editor.locator(".f-value").fill("0.02")
    editor.locator(".f-value").press("Tab")
    editor.locator("input[aria-label=Metric]").fill("loss")
    editor.locator(".block-done").click()
    page.wait_for_selector(".panels-editor", state="detached")


def shows_text_not_script(page) -> None:
    page.wait_for_selector(".markdown h1")
    assert page.locator(".markdown h1").inner_text() == "Findings"
    assert page.locator(".markdown strong").inner_text() == "higher lr"
    page.wait_for_timeout(300)  # an onerror would have fired by now
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".markdown script, .markdown [onerror]").count() == 0
    assert page.locator(".markdown a[href^='javascript']").count() == 0


def test_write_reload_share_export(browser, server, tmp_path: Path):
    ctx, page, errors = new_page(browser, server)
    page.goto(P)  # from the project's workspace, through its header
    page.click(".project-nav a[data-nav='reports']")
    page.wait_for_selector(".empty-note")
    page.fill("input[aria-label='New report title']", "Learning-rate study")
    page.click("form.report-new button[type=submit]")
    page.wait_for_selector(".md-editor textarea")
    url = page.url.split("?")[0]
    page.fill(".md-editor textarea", MARKDOWN)
    assert page.locator(".md-preview h1").inner_text() == "Findings"  # the live preview
    page.click(".md-editor .block-done")
    shows_text_not_script(page)

    page.click(".add-panels")
    page.wait_for_selector(".panels-editor")
    page.select_option(".panels-editor select[aria-label=Runs]", label="Saved view: high lr")
    page.fill(".panels-editor input[aria-label=Metric]", "loss")
    page.click(".panels-editor .grid-add button")
    assert page.locator(".grid-panels li").all_inner_texts() == ["Line plot of loss remove"]
    page.click(".panels-editor .block-done")
    expected = {"key": "loss", "runs": "3", "legend": ["lr-4", "lr-3", "lr-2"]}
    assert drawn_chart(page) == expected  # the view's filter: lr >= 0.03
    caption = page.locator(".report-grid-caption").first.inner_text()
    assert 'saved view "high lr"' in caption
    add_filtered_grid(page)
    filtered = {"key": "loss", "runs": "2", "legend": ["lr-1", "lr-0"]}
    assert drawn_chart(page, "grid2") == filtered
    caption = page.locator(".report-block[data-block='grid2'] .report-grid-caption").inner_text()
    assert "where config.lr <= 0.02" in caption

    # Reorder: the grid moves above the text and back, saved each time.
    block_tool(page, "grid1", "block-up")
    expect(page.locator(".report-block").first).to_have_attribute("data-type", "panels")
    saved = server.client.get(f"{API}/reports/{url.rsplit('/', 1)[1]}").json()
    assert [b["type"] for b in saved["blocks"]] == ["panels", "markdown", "panels"]
    block_tool(page, "grid1", "block-down")
    expect(page.locator(".report-block").first).to_have_attribute("data-type", "markdown")

    page.reload()
    shows_text_not_script(page)
    assert drawn_chart(page) == expected
    assert drawn_chart(page, "grid2") == filtered
    page.click(".report-copy")
    assert url in page.locator(".report-copied").inner_text()
    shot(page, "report")

    # Shared: the URL alone, in a new browser context, shows the same report.
    ctx2, page2, errors2 = new_page(browser, server)
    page2.goto(url)
    assert page2.locator(".report-title").input_value() == "Learning-rate study"
    shows_text_not_script(page2)
    assert drawn_chart(page2) == expected
    assert drawn_chart(page2, "grid2") == filtered
    ctx2.close()

    with page.expect_download() as dl:
        page.click(".report-export")
    out = tmp_path / dl.value.suggested_filename
    dl.value.save_as(out)
    assert out.name == "Learning-rate-study.html"
    html = out.read_text()
    assert "<h1>Findings</h1>" in html and "<strong>higher lr</strong>" in html
    assert html.count('<img alt="loss" src="data:image/png;base64,') == 2
    assert "lr-4" in html and 'http-equiv="Content-Security-Policy"' in html
    assert "<script" not in html and "onerror" not in html and 'href="javascript' not in html

    # The file as a reader opens it: no network, the chart's image decodes, nothing runs.
    page.goto(out.as_uri())
    # (Polled from here: the file's CSP forbids the eval Playwright's waits use.)
    for _ in range(50):
        widths = page.eval_on_selector_all("figure img", "is => is.map(i => i.naturalWidth)")
        if widths and min(widths) > 0:
            break
        page.wait_for_timeout(100)
    assert len(widths) == 2 and min(widths) > 100
    assert page.evaluate("window.__pwned") is None
    shot(page, "report-export")
    assert errors == [] and errors2 == []
    ctx.close()


def test_missing_report_says_so(browser, server):
    ctx, page, errors = new_page(browser, server)
    page.goto(f"{P}/reports/000000000000")
    assert "no report '000000000000'" in page.locator(".error-box").inner_text()
    ctx.close()


def test_a_stale_page_does_not_overwrite_someone_elses_save(browser, server):
    made = server.client.post(
        f"{API}/reports",
        json={"title": "Shared", "blocks": [{"type": "markdown", "id": "md1", "text": "Mine"}]},
    ).json()
    ctx, page, errors = new_page(browser, server)
    page.goto(f"{P}/reports/{made['id']}")
    page.wait_for_selector(".markdown p")
    # Someone else saves the report after this page loaded it.
    theirs = [{"type": "markdown", "id": "md1", "text": "Theirs"}]
    server.client.put(f"{API}/reports/{made['id']}", json={"blocks": theirs})
    page.click(".add-markdown")  # this page's save starts from the older version
    alert = page.locator(".error-box")
    assert "changed by someone else" in alert.inner_text()
    expect(page.locator(".markdown p")).to_have_text("Theirs")
    saved = server.client.get(f"{API}/reports/{made['id']}").json()
    assert saved["blocks"] == theirs
    page.click(".crumbs a:has-text('Reports')")  # the list links to it
    page.wait_for_selector(f".reports-table tr[data-report='{made['id']}']")
    assert "Shared" in page.locator(".reports-table tbody").inner_text()
    assert errors == []
    ctx.close()
