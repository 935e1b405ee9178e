"""A saved view opens as fast as the default one: time in Debian's Chromium from
``goto`` to the runs table's first rows, for the bare project URL with no saved
view, the bare URL with a default view, and a view's link (``?view=<id>``).

    .venv/bin/python bench/views.py [--runs 200] [--repeat 15]

Each open is a new browser context (no cache, no localStorage), as a colleague
opening a shared link. Target: a view's link within 10% (or 30 ms) of the bare URL
showing the same view as the project's default (the view groups rows, so the
first line, the app's own defaults, draws a different table).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from tests.web.fill import RunWriter  # noqa: E402

WS = "/bench/views"
STATE = {
    "v": 1,
    "params": {"sort": "summary.loss", "group": "config.opt"},
    "columns": {"order": [], "hidden": ["state", "user", "tags"]},
    "eye": {f"r{i:04d}": i % 3 == 0 for i in range(500)},
    "groupEye": {},
    "colors": {f"r{i:04d}": "#1f77b4" for i in range(50)},
}


def fill(root: Path, n: int) -> None:
    for i in range(n):
        w = RunWriter(root, "bench", "views", f"r{i:04d}", config={"lr": i / n, "opt": "ab"[i % 2]})
        w.history([(s, {"loss": 1 / (s + 1 + i)}) for s in range(5)])
        w.finish(exit_code=0)


def open_ms(browser, url: str, path: str) -> float:
    ctx = browser.new_context(base_url=url, viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    t = time.perf_counter()
    page.goto(path)
    page.wait_for_selector(".rt-row")
    ms = (time.perf_counter() - t) * 1000
    ctx.close()
    return ms


def median_of(browser, url: str, path: str, repeat: int) -> float:
    open_ms(browser, url, path)  # warm the server's caches
    return statistics.median(open_ms(browser, url, path) for _ in range(repeat))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="bench-views-"))
    fill(root, args.runs)
    srv = Server(root)
    try:
        with sync_playwright() as pw:
            b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            bare = median_of(b, srv.url, WS, args.repeat)
            views = f"/api/v1/projects{WS}/views"
            vid = srv.client.post(views, json={"name": "bench", "state": STATE}).json()["id"]
            link = median_of(b, srv.url, f"{WS}?view={vid}", args.repeat)
            srv.client.put(f"{views}/default", json={"id": vid})
            default = median_of(b, srv.url, WS, args.repeat)
            b.close()
    finally:
        srv.stop()
    target = max(default * 1.1, default + 30)
    print(f"project URL, no saved view   {bare:7.1f} ms (median of {args.repeat})")
    print(f"project URL, default view    {default:7.1f} ms")
    print(f"view link ?view=<id>         {link:7.1f} ms   target <= {target:.1f} ms "
          f"{'ok' if link <= target else 'OVER'}")  # fmt: skip


if __name__ == "__main__":
    main()
