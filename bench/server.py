"""Web app latency: the runs table at 10,000 runs, a 1,000,000-step series, and
the browser drawing a workspace of 20 visible runs.

    .venv/bin/python bench/server.py [--dir DIR] [--runs 10000] [--steps 1000000] [--repeat 30]

Fills a store (kept in --dir when given, so a second run skips the fill), indexes
it, starts ``runbase ui`` on a free loopback port and prints median/p95 latency.
Targets: runs page <= 150 ms, value suggestions <= 150 ms, series <= 50 ms, workspace draw <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from runbase.records import Kind  # noqa: E402
from runbase.store import open_store  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, STATIC_INDEX, Server  # noqa: E402
from tests.web.fill import RunWriter  # noqa: E402

ENTITY = "bench"
PROJECT = "many"
BIG_PROJECT = "big"
N_METRICS = 10


def fill(root: Path, n_runs: int, n_steps: int) -> None:
    rng = random.Random(0)
    t0 = time.time() - n_runs * 10
    for i in range(n_runs):
        cfg = {f"c{j:02d}": rng.random() for j in range(18)}
        cfg["optimizer"] = rng.choice(["adam", "sgd", "adamw"])
        cfg["layers"] = rng.randint(1, 12)
        w = RunWriter(
            root,
            ENTITY,
            PROJECT,
            f"run{i:05d}",
            name=f"run-{i:05d}",
            config=cfg,
            tags=[rng.choice(["a", "b", "c"])],
            start_time=t0 + i * 10,
        )
        # A few history rows: the 10 summary keys are the metrics' last values.
        for step in range(3):
            w.log(step, {f"m{k}": rng.random() for k in range(N_METRICS)})
        w.finish(0)
        if (i + 1) % 2000 == 0:
            print(f"  {i + 1} runs written", flush=True)
    w = RunWriter(
        root,
        ENTITY,
        BIG_PROJECT,
        "big",
        name="big",
        config={"lr": 0.1},
        start_time=time.time() - n_steps,
    )
    keys = [f"m{k}" for k in range(N_METRICS)]
    for step in range(n_steps):
        w.t += 1.0
        w.emit(Kind.HISTORY, [step, {k: (step % 1000) * 0.001 + j for j, k in enumerate(keys)}])
        if (step + 1) % 200_000 == 0:
            print(f"  {step + 1} steps written", flush=True)
    w.finish(0)


def stats(name: str, samples: list[float], target_ms: float) -> dict[str, float]:
    s = sorted(samples)
    med = statistics.median(s) * 1000
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000
    ok = "ok" if p95 <= target_ms else "OVER TARGET"
    print(
        f"{name:<52} median {med:8.1f} ms   p95 {p95:8.1f} ms   (target {target_ms:.0f} ms: {ok})"
    )
    return {"median_ms": med, "p95_ms": p95}


def timed_get(client: httpx.Client, url: str, params: dict, repeat: int, vary=None) -> list[float]:
    """Latency of ``repeat`` GETs; ``vary(i, params)`` changes each request (cache misses)."""
    out = []
    for i in range(repeat):
        p = vary(i, dict(params)) if vary else params
        t = time.perf_counter()
        r = client.get(url, params=p)
        out.append(time.perf_counter() - t)
        r.raise_for_status()
    return out


def browser_draw(server_url: str, repeat: int) -> list[float]:
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = b.new_context(viewport={"width": 1400, "height": 1000})
        page = ctx.new_page()
        url = f"{server_url}/{ENTITY}/{PROJECT}?runs=20&sort=-summary.m0"
        for _ in range(repeat + 1):
            page.goto("about:blank")
            page.goto(url)
            # Drawn: 20 runs in the table and every panel on screen holding a canvas.
            page.wait_for_function(
                """() => {
                    const vis = document.querySelector('.vis-count');
                    if (!vis || !vis.textContent.startsWith('20 of')) return false;
                    const panels = [...document.querySelectorAll('.panel')].filter(p => {
                        const r = p.getBoundingClientRect();
                        return r.top < innerHeight && r.bottom > 0;
                    });
                    const done = p => ['drawn', 'empty'].includes(p.dataset.state);
                    return panels.length > 0 && panels.every(done);
                }""",
                timeout=30_000,
            )
            out.append(page.evaluate("performance.now()") / 1000)
        shots = REPO / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "bench-workspace-10k.png"), full_page=True)
        page.goto(f"{server_url}/{ENTITY}/{BIG_PROJECT}")
        page.wait_for_selector(".panel[data-state='drawn']", timeout=30_000)
        page.screenshot(path=str(shots / "bench-big-run.png"), full_page=True)
        b.close()
    return out[1:]  # the first load warms the server's caches and the browser


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--steps", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=30)
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="runbase-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "runs" / ENTITY).exists():
        print(f"filling {root}: {args.runs} runs, one run of {N_METRICS} x {args.steps} steps")
        t = time.perf_counter()
        fill(root, args.runs, args.steps)
        print(f"  written in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    store = open_store(str(root))
    store.sync()
    print(f"indexed in {time.perf_counter() - t:.1f} s")

    srv = Server(root)
    results: dict[str, dict[str, float]] = {}
    try:
        c = srv.client
        base = f"/api/v1/projects/{ENTITY}/{PROJECT}/runs"
        params = {
            "order": "-summary.m3",
            "filters": json.dumps({"config.c05": {"$gt": 0.5}}),
            "limit": 100,
        }
        total = c.get(base, params=params).json()["total"]
        print(f"runs page: {total} runs match the filter")
        results["runs_page"] = stats(
            "runs page (sort summary, filter config, 100 rows)",
            timed_get(c, base, params, args.repeat),
            150,
        )
        fields = ["config.optimizer", "tags", "state", "config.layers", "config.c05"]

        def field(i, p):
            p["field"] = fields[i % len(fields)]
            return p

        results["values"] = stats(
            "filter value suggestions (config, tags, state; 100 values)",
            timed_get(c, f"/api/v1/projects/{ENTITY}/{PROJECT}/values", {}, args.repeat, field),
            150,
        )
        series_url = f"/api/v1/projects/{ENTITY}/{BIG_PROJECT}/runs/big/series"

        def miss(i, p):
            # A different key or bucket count each time: the server's cache cannot answer.
            p["key"] = f"m{i % N_METRICS}"
            p["buckets"] = 1000 + i // N_METRICS
            return p

        results["series"] = stats(
            "series, 1,000,000 steps -> 1,000 buckets (uncached)",
            timed_get(c, series_url, {"key": "m3", "buckets": 1000}, args.repeat, miss),
            50,
        )
        results["series_cached"] = stats(
            "series, same request again (cached)",
            timed_get(c, series_url, {"key": "m3", "buckets": 1000}, args.repeat),
            50,
        )

        def zoom(i, p):
            p["x_min"] = 400_000 + i * 1000
            p["x_max"] = p["x_min"] + 10_000
            return p

        results["series_zoom"] = stats(
            "series zoomed to 10,000 steps (uncached)",
            timed_get(c, series_url, {"key": "m3", "buckets": 1000}, args.repeat, zoom),
            50,
        )
        if Path(CHROMIUM).exists() and STATIC_INDEX.exists():
            results["workspace_draw"] = stats(
                "browser: workspace with 20 visible runs drawn",
                browser_draw(srv.url, max(3, args.repeat // 6)),
                1000,
            )
        else:
            print("browser: skipped (needs /usr/bin/chromium and `make ui`)")
    finally:
        srv.stop()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
