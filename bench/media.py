"""Media panels: a workspace of 20 runs x 8 image keys x 1,000 steps.

    .venv/bin/python bench/media.py [--dir DIR] [--runs 20] [--keys 8] [--steps 1000] [--repeat 20]

Fills a store (kept in --dir when given, so a second run skips the fill) with
history rows holding image pointers as the SDK writes them, and a small PNG for
every pointer (a few distinct images: the SDK names each file by step and
content, so the files are many but their bytes repeat). Then starts
``runbase ui`` on a free loopback port and measures:

(a) opening the media section, over HTTP, as the app does: the keys of the
    first 20 runs, then every key's steps and images at the last step in one
    request (media/first)                                         target < 1 s
(b) a slider move, over HTTP: one key of 20 runs at a new step,
    then those of its 20 images that did not come inline          target < 150 ms
(c) in Chromium (when built): the workspace opened until every media panel on
    screen shows its images, and a slider move until the panel
    shows the new step's images                                   < 1 s / < 150 ms
"""

from __future__ import annotations

import argparse
import hashlib
import io
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

from runbase.records.layout import files_dir  # noqa: E402
from runbase.store import open_store  # noqa: E402
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, STATIC_INDEX, Server  # noqa: E402
from tests.web.fill import RunWriter  # noqa: E402

ENTITY = "bench"
PROJECT = "media"
DISTINCT = 16  # distinct images per key


def pngs() -> list[bytes]:
    from PIL import Image

    rng = random.Random(0)
    out = []
    for _ in range(DISTINCT):
        colour = tuple(rng.randrange(256) for _ in range(3))
        buf = io.BytesIO()
        Image.new("RGB", (32, 32), colour).save(buf, format="PNG")
        out.append(buf.getvalue())
    return out


def fill(root: Path, n_runs: int, n_keys: int, n_steps: int) -> None:
    images = [(b, hashlib.sha256(b).hexdigest()) for b in pngs()]
    for i in range(n_runs):
        w = RunWriter(root, ENTITY, PROJECT, f"run{i:02d}", name=f"run-{i:02d}")
        files = files_dir(root, ENTITY, PROJECT, w.run_id)
        for step in range(n_steps):
            row: dict[str, object] = {"loss": 1.0 / (step + 1)}
            for k in range(n_keys):
                data, sha = images[(step + k + i) % DISTINCT]
                path = f"media/images/img{k}_{step}_{sha[:20]}.png"
                target = files / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
                row[f"img{k}"] = {"_type": "image-file", "path": path, "sha256": sha,
                                  "size": len(data), "format": "png", "width": 32,
                                  "height": 32, "caption": f"step {step}"}  # fmt: skip
            w.log(step, row)
        w.finish(0)
        print(f"  run {i + 1}/{n_runs} written", flush=True)


def stats(name: str, samples: list[float], target_ms: float) -> dict[str, float]:
    s = sorted(samples)
    med = statistics.median(s) * 1000
    p95 = s[min(len(s) - 1, int(round(0.95 * (len(s) - 1))))] * 1000
    ok = "ok" if p95 <= target_ms else "OVER TARGET"
    print(
        f"{name:<58} median {med:7.1f} ms   p95 {p95:7.1f} ms", f"(target {target_ms:.0f} ms: {ok})"
    )
    return {"median_ms": med, "p95_ms": p95}


def open_section(c: httpx.Client, runs: str) -> float:
    """The keys of the first runs, then every key's first view in one request."""
    base = f"/api/v1/projects/{ENTITY}/{PROJECT}/media"
    t = time.perf_counter()
    n = len(runs.split(","))
    keys = c.get(f"{base}/keys", params={"first": n, "order": "-created_at"}).json()["keys"]
    first = c.get(f"{base}/first", params={"key": [k["key"] for k in keys], "runs": runs})
    first.raise_for_status()
    return time.perf_counter() - t


def slider_move(c: httpx.Client, runs: str, key: str, step: int) -> tuple[float, float]:
    """(the route alone, the route and its images)."""
    base = f"/api/v1/projects/{ENTITY}/{PROJECT}/media"
    t = time.perf_counter()
    body = c.get(base, params={"key": key, "runs": runs, "step": step}).json()
    route = time.perf_counter() - t
    for item in body["items"]:
        for f in item["files"]:
            if not f["inline"]:  # small images came inside the answer
                c.get(f["url"]).raise_for_status()
    return route, time.perf_counter() - t


# Every media panel on screen done, and each of its images loaded.
_SHOWN = """() => {
  const panels = [...document.querySelectorAll('.media-panel')].filter(p => {
    const r = p.getBoundingClientRect();
    return r.top < innerHeight && r.bottom > 0;
  });
  const ready = p => p.dataset.state === 'drawn' &&
    [...p.querySelectorAll('img')].every(i => i.complete && i.naturalWidth > 0);
  return panels.length > 0 && panels.every(ready);
}"""
# The first media panel shows step STEP for every run, images loaded.
_MOVED = """(step) => {
  const p = document.querySelector('.media-panel');
  if (!p || p.dataset.step !== String(step) || p.dataset.state !== 'drawn') return false;
  const imgs = [...p.querySelectorAll('img')];
  return imgs.length > 0 && imgs.every(i => i.complete && i.naturalWidth > 0) &&
    [...p.querySelectorAll('.media-run')].every(r => r.dataset.step === String(step));
}"""


def browser(url: str, repeat: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    opens: list[float] = []
    moves: list[float] = []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        ctx = b.new_context(viewport={"width": 1400, "height": 1000}, bypass_csp=True)
        page = ctx.new_page()
        for _ in range(repeat + 1):
            page.goto("about:blank")
            page.goto(f"{url}/{ENTITY}/{PROJECT}?runs=20")
            page.locator(".media-panel").first.scroll_into_view_if_needed()
            page.wait_for_function(_SHOWN, timeout=30_000)
            # From the navigation's start: the page's own clock.
            opens.append(page.evaluate("performance.now()") / 1000)
        slider = page.locator(".media-panel input[type=range]").first
        stops = int(slider.get_attribute("max") or 0)
        slider.focus()
        for i in range(repeat):
            t = time.perf_counter()
            page.keyboard.press("ArrowLeft")
            page.wait_for_function(_MOVED, arg=stops - 1 - i, timeout=10_000, polling="raf")
            moves.append(time.perf_counter() - t)
        shots = REPO / "test-artifacts" / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "bench-media.png"))
        b.close()
    return opens[1:], moves


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", type=Path)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keys", type=int, default=8)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    root = args.dir or Path(tempfile.mkdtemp(prefix="runbase-bench-media-"))
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "runs" / ENTITY).exists():
        print(f"filling {root}: {args.runs} runs x {args.keys} image keys x {args.steps} steps")
        t = time.perf_counter()
        fill(root, args.runs, args.keys, args.steps)
        print(f"  written in {time.perf_counter() - t:.1f} s")
    t = time.perf_counter()
    open_store(str(root)).sync()
    print(f"indexed in {time.perf_counter() - t:.1f} s")
    srv = Server(root)
    results: dict[str, dict[str, float]] = {}
    rng = random.Random(1)
    try:
        c = srv.client
        runs = ",".join(f"run{i:02d}" for i in range(args.runs))
        results["open_http"] = stats(
            f"(a) open: keys + steps + last images of {args.keys} keys",
            [open_section(c, runs) for _ in range(args.repeat)],
            1000,
        )
        moves = [slider_move(c, runs, f"img{rng.randrange(args.keys)}", rng.randrange(args.steps))
                 for _ in range(args.repeat)]  # fmt: skip
        results["slider_route"] = stats(
            f"(b) slider: media at a new step, {args.runs} runs", [m[0] for m in moves], 150
        )
        results["slider_images"] = stats(
            f"(b) slider: that and its {args.runs} images", [m[1] for m in moves], 150
        )
        if Path(CHROMIUM).exists() and STATIC_INDEX.exists():
            opens, slides = browser(srv.url, max(3, args.repeat // 4))
            results["browser_open"] = stats("(c) browser: workspace media shown", opens, 1000)
            results["browser_slider"] = stats("(c) browser: slider move shown", slides, 150)
        else:
            print("browser: skipped (needs /usr/bin/chromium and `make ui`)")
    finally:
        srv.stop()
    print(json.dumps(results))


if __name__ == "__main__":
    main()
