"""The data layer in Chromium: the change feed instead of per-page polling, and
the Logs tab fetching only new lines."""

from __future__ import annotations

import re
import time

from runbase.records import Kind

from .conftest import shot
from .fill import RunWriter
from .test_browser import open_workspace, wait_panels_drawn


def test_idle_workspace_asks_only_the_change_feed(page):
    open_workspace(page, "?sort=name")
    wait_panels_drawn(page, 3)
    page.wait_for_timeout(1000)
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if "/api/" in r.url else None)
    page.wait_for_timeout(6000)
    # Nothing changed in the store: no page refetches its runs, columns or series.
    assert seen, "the change feed is not polled"
    assert all("/api/v1/changes?since=" in u for u in seen), seen


def test_logs_tab_fetches_only_new_lines_as_the_run_prints(page, server, store_dir):
    w = RunWriter(store_dir, "team", "printer", "p1", name="printer", live=True)
    w.emit(Kind.OUTPUT, [[w.t, "stdout", f"step {i}"] for i in range(3)])
    deadline = time.monotonic() + 15
    while server.client.get("/api/v1/projects/team/printer/runs/p1").status_code != 200:
        assert time.monotonic() < deadline
        time.sleep(0.3)
    tails: list[str] = []
    page.on("request", lambda r: tails.append(r.url) if "/logs/tail" in r.url else None)
    page.goto("/team/printer/runs/p1/logs")
    page.wait_for_function("document.querySelectorAll('.log-line').length === 3")
    time.sleep(1.1)
    w.t += 2  # the writer's clock moves on, as a real run's does
    w.emit(Kind.OUTPUT, [[w.t, "stderr", "step 3 failed"]])
    page.wait_for_function("document.querySelectorAll('.log-line').length === 4", timeout=15_000)
    assert page.locator(".log-line.stderr").inner_text().endswith("step 3 failed")
    assert page.locator(".log-info").inner_text() == "4 lines"
    starts = [int(re.search(r"start=(\d+)", u).group(1)) for u in tails]
    assert starts[0] == 0 and starts[-1] == 3 and starts.count(0) == 1, tails
    shot(page, "17-logs-tail")
    w.finish(0)


CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'"


def test_app_runs_under_a_strict_content_security_policy(page):
    # No inline <script> or <style>: the pages work with only the app's own files.
    def with_csp(route):
        resp = route.fetch()
        route.fulfill(response=resp, headers={**resp.headers, "content-security-policy": CSP})

    page.route(lambda url: "/api/" not in url and "/assets/" not in url, with_csp)
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    open_workspace(page, "?sort=name")
    wait_panels_drawn(page, 3)
    page.locator(".rt-row[data-run-id='r03'] .run-link").click()
    page.wait_for_selector(".overview-fields")
    page.locator(".tab[data-tab='charts']").click()
    page.wait_for_selector(".panel[data-key='train/loss'][data-state='drawn']")
    assert page.evaluate("window.__csp") == []
