"""Parameter analysis at a few thousand runs: the importance route (a random
forest over every run) and the browser opening the analysis panels and brushing.

    .venv/bin/python bench/analysis.py [--dir DIR] [--runs 3000] [--repeat 5]

Fills a store (kept in --dir when given), starts ``runbase ui`` and prints
median/p95. Targets: importance <= 2 s (cached <= 50 ms); panels drawn after opening <= 3 s;
a brush drag answered (lines redrawn, count updated) <= 250 ms.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from server import stats  # noqa: E402

from runbase.store import open_store  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, Server  # noqa: E402
from tests.web.fill import RunWriter  # noqa: E402

ENTITY, PROJECT = "bench", "analysis"
PARAMS = ["lr", "dropout", "layers", "opt", "batch", "wd", "warmup", "seed"]


def fill(root: Path, n: int) -> None:
    rng = random.Random(0)
    t0 = time.time() - n * 10
    for i in range(n):
        cfg = {
            "lr": 10 ** rng.uniform(-5, -1), "dropout": rng.random(), "layers": rng.randint(1, 12),
            "opt": rng.choice(["adam", "sgd", "adamw"]), "batch": rng.choice([16, 32, 64, 128]),
            "wd": rng.random() * 0.1, "warmup": rng.randint(0, 1000), "seed": i,
        }  # fmt: skip
        w = RunWriter(root, ENTITY, PROJECT, f"r{i:05d}", config=cfg, start_time=t0 + i * 10)
        loss = cfg["dropout"] + abs(cfg["layers"] - 6) * 0.1 + rng.gauss(0, 0.05)
        w.log(0, {"loss": loss})
        w.finish(0)


def browser(url: str, n: int, repeat: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    opened, brushed = [], []
    drawn = f".pc-panel[data-state='drawn'][data-runs='{n}']"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        page = b.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True).new_page()
        for i in range(repeat + 1):
            page.goto("about:blank")
            t = time.perf_counter()
            page.goto(url)
            page.wait_for_selector(drawn, timeout=60_000)
            if i:
                opened.append(time.perf_counter() - t)
            box = page.locator(".pc-brush[data-axis='dropout'] .overlay").bounding_box()
            x, y = box["x"] + box["width"] / 2, box["y"]
            page.mouse.move(x, y + box["height"] * 0.1)
            page.mouse.down()
            t = time.perf_counter()
            page.mouse.move(x, y + box["height"] * (0.3 + 0.05 * i))
            page.wait_for_function(
                "() => { const p = document.querySelector('.pc-panel');"
                " return p.dataset.shown !== p.dataset.runs; }"
            )
            brushed.append(time.perf_counter() - t)
            page.mouse.up()
        shots = REPO / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "bench-analysis.png"), full_page=True)
        b.close()
    return opened, brushed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--runs", type=int, default=3000)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="runbase-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "runs" / ENTITY).exists():
        print(f"filling {root}: {args.runs} runs")
        fill(root, args.runs)
    open_store(str(root)).sync()
    srv = Server(root)
    try:
        url = f"/api/v1/projects/{ENTITY}/{PROJECT}/importance"
        srv.client.post(url, json={"metric": "loss", "params": ["lr"]})  # imports scikit-learn
        fits, hits = [], []
        for i in range(args.repeat):
            # Another parameter order each time: the server's cache cannot answer.
            body = {"metric": "loss", "params": PARAMS[i:] + PARAMS[:i]}
            for out in (fits, hits):
                t = time.perf_counter()
                r = srv.client.post(url, json=body)
                out.append(time.perf_counter() - t)
                r.raise_for_status()
        top = r.json()["params"][:2]
        print("most important:", [(p["name"], round(p["importance"], 3)) for p in top])
        stats(f"importance, {args.runs} runs x {len(PARAMS)} params (fit)", fits, 2000)
        stats("importance, same request again (cached)", hits, 50)
        page = f"{srv.url}/{ENTITY}/{PROJECT}?an=1&am=loss&ap={quote(json.dumps(PARAMS))}"
        opened, brushed = browser(page, args.runs, args.repeat)
        stats(f"analysis panels drawn, {args.runs} runs (page load)", opened, 3000)
        stats("brush drag answered (redraw + count)", brushed, 250)
    finally:
        srv.stop()


if __name__ == "__main__":
    main()
