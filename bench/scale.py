"""The web app at 100,000 runs in one project (issue 15's targets).

    .venv/bin/python bench/scale.py [--dir DIR] [--runs 100000] [--repeat 20]
        [--only table|panels]

Fills a project of --runs runs, each with 18 config values and 50 metrics over 3
steps (kept in --dir when given, so a second run skips the fill and the indexing),
starts ``runbase ui`` on a free loopback port and prints median/p95 figures:

- the runs table's first page as the web app asks for it (newest first, 100 rows);
- filter and sort changes (a different filter and order each request, so no cache);
- Debian's Chromium drawing a workspace of 50 line panels with 20 visible runs
  (a viewport tall enough that every panel is on screen, so all 50 draw);
- a saved view's link against the bare project URL with the same view as default.

``--only panels`` measures only the browser's parts (the workspace and the saved view).
Targets: first page <= 150 ms, filter/sort changes <= 200 ms, 50 panels <= 1.5 s,
a saved view within 10% (or 30 ms) of the default one.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.server import stats, timed_get  # noqa: E402
from bench.views import median_of  # noqa: E402
from runbase.store import open_store  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, STATIC_INDEX, Server  # noqa: E402
from tests.web.fill import RunWriter  # noqa: E402

ENTITY = "bench"
PROJECT = "scale"
N_METRICS = 50
OPTIMIZERS = ["adam", "sgd", "adamw", "lion"]
VIEW_STATE = {
    "v": 1,
    "params": {"sort": "-summary.m03"},
    "columns": {"order": [], "hidden": ["user", "tags"]},
    "eye": {},
    "groupEye": {},
    "colors": {},
}


def fill(root: Path, n_runs: int) -> None:
    rng = random.Random(0)
    t0 = time.time() - n_runs * 10
    for i in range(n_runs):
        cfg: dict[str, object] = {f"c{j:02d}": rng.random() for j in range(18)}
        cfg["optimizer"] = rng.choice(OPTIMIZERS)
        cfg["layers"] = rng.randint(1, 12)
        w = RunWriter(
            root,
            ENTITY,
            PROJECT,
            f"r{i:06d}",
            name=f"run-{i:06d}",
            config=cfg,
            tags=[rng.choice(["a", "b", "c"])],
            start_time=t0 + i * 10,
        )
        for step in range(3):
            w.log(step, {f"m{k:02d}": rng.random() / (step + 1) for k in range(N_METRICS)})
        w.finish(0)
        if (i + 1) % 10_000 == 0:
            print(f"  {i + 1} runs written", flush=True)


def table_figures(srv: Server, repeat: int) -> dict[str, dict[str, float]]:
    c = srv.client
    base = f"/api/v1/projects/{ENTITY}/{PROJECT}/runs"
    first = {"order": "-created_at", "limit": 100}
    first_ms = timed_get(c, base, first, repeat)
    out = {"first_page": stats("runs table, first page (newest 100)", first_ms, 150)}
    orders = ["-summary.m07", "summary.m11", "config.c03", "-config.layers", "name", "-summary.m42"]
    filters = [
        {"config.optimizer": {"$in": ["adam", "lion"]}},
        {"config.c05": {"$gt": 0.5}},
        {"tags": "b"},
        {"summary.m01": {"$lt": 0.3}},
        {"config.layers": {"$gte": 6}, "config.optimizer": "sgd"},
    ]

    def change(i: int, p: dict) -> dict:
        # A new (filter, order) pair each request: what a user does, never a cache hit.
        p["order"] = orders[i % len(orders)]
        f = dict(filters[(i // len(orders)) % len(filters)])
        f["config.c00"] = {"$gt": (i % 97) / 1000}
        p["filters"] = json.dumps(f)
        return p

    changes = timed_get(c, base, dict(first), repeat, change)
    out["filter_sort"] = stats("runs table, a new filter and sort each time", changes, 200)
    return out


def draw_50_panels(url: str, repeat: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for _ in range(repeat + 1):
            ctx = b.new_context(viewport={"width": 1600, "height": 9000})
            page = ctx.new_page()
            page.goto(f"{url}/{ENTITY}/{PROJECT}?runs=20")
            page.wait_for_function(
                """(n) => {
                    const vis = document.querySelector('.vis-count');
                    if (!vis || !vis.textContent.startsWith('20 of')) return false;
                    const panels = [...document.querySelectorAll('.panel')];
                    const done = p => ['drawn', 'empty'].includes(p.dataset.state);
                    return panels.length >= n && panels.every(done);
                }""",
                arg=N_METRICS,
                timeout=60_000,
            )
            out.append(page.evaluate("performance.now()") / 1000)
            shots = REPO / "test-artifacts" / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / "bench-scale-50-panels.png"))
            ctx.close()
        b.close()
    return out[1:]  # the first load warms the server's caches


def view_figures(srv: Server, repeat: int) -> None:
    from playwright.sync_api import sync_playwright

    ws = f"/{ENTITY}/{PROJECT}"
    views = f"/api/v1/projects{ws}/views"
    vid = srv.client.post(views, json={"name": "bench", "state": VIEW_STATE}).json()["id"]
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        link = median_of(b, srv.url, f"{ws}?view={vid}", repeat)
        srv.client.put(f"{views}/default", json={"id": vid})
        default = median_of(b, srv.url, ws, repeat)
        srv.client.delete(f"{views}/{vid}")
        b.close()
    target = max(default * 1.1, default + 30)
    ok = "ok" if link <= target else "OVER TARGET"
    print(f"{'saved view: project URL with it as default':<52} median {default:8.1f} ms")
    name = "saved view: its link ?view=<id>"
    print(f"{name:<52} median {link:8.1f} ms   (target {target:.0f} ms: {ok})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--runs", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument(
        "--only", choices=["table", "panels"], help="only the table's, or the browser's, figures"
    )
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="runbase-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "runs" / ENTITY / PROJECT).exists():
        print(f"filling {root}: {args.runs} runs of {N_METRICS} metrics")
        t = time.perf_counter()
        fill(root, args.runs)
        print(f"  written in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    open_store(str(root)).sync()
    print(f"indexed in {time.perf_counter() - t:.1f} s")
    srv = Server(root)
    try:
        results = {} if args.only == "panels" else table_figures(srv, args.repeat)
        if args.only == "table":
            pass
        elif Path(CHROMIUM).exists() and STATIC_INDEX.exists():
            draws = draw_50_panels(srv.url, max(3, args.repeat // 4))
            results["panels_50"] = stats("browser: 50 line panels, 20 runs drawn", draws, 1500)
            view_figures(srv, max(5, args.repeat // 2))
        else:
            print("browser: skipped (needs /usr/bin/chromium and `make ui`)")
    finally:
        srv.stop()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
