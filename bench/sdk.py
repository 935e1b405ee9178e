"""SDK benchmark: 100k steps of 10 float scalars in one process.

Prints import time, init(), log() latency on the caller's thread (median, p99,
max), finish(), whole-run time, peak RSS, store size per point and the store's
indexing rate, each against the target of the core issue; then the caller-thread
cost of logging one 256x256 RGB image (media issue: at most 2 ms), and the
many-keys shape: 5,000 prebuilt rows of 500 floats (read-side issue: log() median
at most 60 us, the process's peak RSS at most W&B 0.31's 195 MB in the same shape).

    .venv/bin/python bench/sdk.py [--steps N] [--media-only] [--many-keys-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS = {
    "import_s": 0.1,
    "init_s": 0.020,
    "log_median_us": 3.0,
    "log_p99_us": 30.0,
    "finish_s": 0.1,
    "index_points_per_s": 1_000_000,
    "image_log_median_ms": 2.0,
    "image_log_p99_ms": 2.0,
    "many_log_median_us": 60.0,
    "many_peak_rss_mb": 195.0,
}

CHILD_MEDIA = r"""
import json, sys, time
import numpy as np
import runbase
n = int(sys.argv[1])
run = runbase.init(project="bench-media", settings=runbase.Settings(
    silent=True, disable_system_metrics=True, console="off"))
rng = np.random.default_rng(0)
frames = [rng.integers(0, 256, (256, 256, 3), dtype=np.uint8) for _ in range(8)]
pc = time.perf_counter_ns
both, log_only, baseline = [], [], []
for s in range(n):
    arr = frames[s % len(frames)]
    t0 = pc()
    img = runbase.Image(arr)
    t1 = pc()
    run.log({"img": img, "loss": s * 0.1})
    t2 = pc()
    both.append(t2 - t0)
    log_only.append(t2 - t1)
    time.sleep(0.03)  # a training step: the media thread encodes meanwhile
    t0 = pc()
    arr.copy()
    run.log({"loss2": s * 0.1})
    baseline.append(pc() - t0)  # the same copy and a scalar log(): the machine's own noise
    time.sleep(0.001)
t0 = time.perf_counter()
run.finish()
t_finish = time.perf_counter() - t0
first = both.pop(0) / 1e6  # loads the media modules once
log_only.pop(0)
n -= 1
both.sort(); log_only.sort(); baseline.sort()
print(json.dumps({
    "image_first_call_ms": first,
    "image_log_median_ms": both[n // 2] / 1e6, "image_log_p99_ms": both[int(n * 0.99)] / 1e6,
    "image_log_p90_ms": both[int(n * 0.9)] / 1e6,
    "image_log_only_median_ms": log_only[n // 2] / 1e6, "image_finish_s": t_finish,
    "noise_copy_and_scalar_log_p99_ms": baseline[int(n * 0.99)] / 1e6,
}))
"""

CHILD_MANY = r"""
import json, random, sys, time
import runbase
keys, steps = int(sys.argv[1]), int(sys.argv[2])
run = runbase.init(project="bench-many", settings=runbase.Settings(
    silent=True, disable_system_metrics=True, console="off"))
names = [f"metric_{i}" for i in range(keys)]
# Built before logging, as the peers' benchmark did: the rows themselves take
# ~150 MB of the peak (measure a bare interpreter holding them to see how much).
rows = [{k: random.random() for k in names} for _ in range(steps)]
pc = time.perf_counter_ns
lat = []
for row in rows:
    t = pc()
    run.log(row)
    lat.append(pc() - t)
run.finish()
lat.sort()
rss = int(next(l.split()[1] for l in open("/proc/self/status") if l.startswith("VmHWM:")))
print(json.dumps({"many_log_median_us": lat[len(lat) // 2] / 1000,
                  "many_log_p99_us": lat[int(len(lat) * 0.99)] / 1000,
                  "many_peak_rss_mb": rss / 1024}))
"""

CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
import runbase
t_import = time.perf_counter() - t0
steps = int(sys.argv[1])
capture = sys.argv[2] == "1"
settings = runbase.Settings(silent=True, disable_system_metrics=not capture,
                            console="auto" if capture else "off",
                            system_sample_interval=1.0)
t0 = time.perf_counter()
run = runbase.init(project="bench", settings=settings)
t_init = time.perf_counter() - t0
row = {f"metric_{i}": 0.0 for i in range(10)}
pc = time.perf_counter_ns
lat = [0] * steps
t_loop = time.perf_counter()
for s in range(steps):
    for i, k in enumerate(row):
        row[k] = s * 0.001 + i
    t = pc()
    run.log(row)
    lat[s] = pc() - t
t_loop = time.perf_counter() - t_loop
t0 = time.perf_counter()
run.finish()
t_finish = time.perf_counter() - t0
lat.sort()
print(json.dumps({
    "import_s": t_import, "init_s": t_init, "finish_s": t_finish, "loop_s": t_loop,
    "log_median_us": lat[len(lat) // 2] / 1000, "log_p99_us": lat[int(len(lat) * 0.99)] / 1000,
    "log_max_us": lat[-1] / 1000,
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec, so a child forked
    # from a big parent would report the parent's peak.
    "peak_rss_mb": int(next(l.split()[1] for l in open("/proc/self/status")
                            if l.startswith("VmHWM:"))) / 1024,
    "path": run.path,
}))
"""


def run_child(root: Path, steps: int, capture: bool) -> dict:
    env = dict(os.environ, RUNBASE_DIR=str(root))
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(steps), "1" if capture else "0"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["whole_run_s"] = time.perf_counter() - t0
    return result


def index_rate(root: Path, points: int) -> tuple[float, int]:
    from runbase.store import open_store

    store = open_store(root)
    t0 = time.perf_counter()
    store.sync()
    elapsed = time.perf_counter() - t0
    size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    return points / elapsed, size


def child_figures(source: str, *args: int) -> dict:
    """Run a benchmark child in a fresh store; the figures it prints."""
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, RUNBASE_DIR=tmp)
        out = subprocess.run(
            [sys.executable, "-c", source, *map(str, args)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
    return json.loads(out.stdout.strip().splitlines()[-1])


def print_figures(r: dict) -> None:
    """Each figure, with its target (an upper bound) where it has one."""
    for key, value in r.items():
        target = TARGETS.get(key)
        verdict = ""
        if target is not None:
            verdict = f"  target <= {target:g}  {'OK' if value <= target else 'MISSED'}"
        print(f"  {key:24s} {value:14.4f}{verdict}")


def media_bench(images: int) -> None:
    """Image(arr) + log() of a 256x256 RGB image, on the caller's thread."""
    r = child_figures(CHILD_MEDIA, images)
    print(f"\n{images} x runbase.Image(256x256x3 uint8) + log(), one per 30 ms step")
    print("  (percentiles leave out the first call, which loads the media modules)")
    print_figures(r)


def many_keys_bench(keys: int = 500, steps: int = 5000) -> None:
    """log() of wide rows and the logging process's peak memory."""
    r = child_figures(CHILD_MANY, keys, steps)
    print(f"\n{steps} prebuilt rows x {keys} floats, one log() each")
    print_figures(r)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--steps", type=int, default=100_000)
    ap.add_argument("--images", type=int, default=200)
    ap.add_argument("--media-only", action="store_true", help="only the image figure")
    ap.add_argument("--many-keys-only", action="store_true", help="only the 500-key figures")
    args = ap.parse_args()
    if args.media_only:
        media_bench(args.images)
        return
    if args.many_keys_only:
        many_keys_bench()
        return
    rows = []
    for capture in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            r = run_child(root, args.steps, capture)
            try:
                rate, size = index_rate(root, args.steps * 10)
                r["index_points_per_s"] = rate
                r["store_bytes_per_point"] = size / (args.steps * 10)
            except ImportError as e:
                print(f"(indexing not measured: {e})")
            r["capture"] = capture
            rows.append(r)
    for r in rows:
        label = "with console capture + system metrics" if r["capture"] else "capture off"
        print(f"\n{args.steps} steps x 10 floats, {label}")
        for key in (
            "import_s",
            "init_s",
            "log_median_us",
            "log_p99_us",
            "log_max_us",
            "finish_s",
            "loop_s",
            "whole_run_s",
            "peak_rss_mb",
            "store_bytes_per_point",
            "index_points_per_s",
        ):
            if key not in r:
                continue
            value = r[key]
            target = TARGETS.get(key)
            verdict = ""
            if target is not None:
                ok = value >= target if key == "index_points_per_s" else value <= target
                verdict = (
                    f"  target {'>=' if key == 'index_points_per_s' else '<='} {target:g}"
                    f"  {'OK' if ok else 'MISSED'}"
                )
            print(f"  {key:24s} {value:14.4f}{verdict}")
    media_bench(args.images)
    many_keys_bench()


if __name__ == "__main__":
    main()
