"""What a group row's aggregates cost now that they cover every run of the group:
``GET groups/aggregates`` for the columns a runs table draws (10 config keys, 3
summary keys, state, runtime), over one group of a project of N runs.

    .venv/bin/python bench/group_aggs.py [--runs 10000] [--repeat 15]

Each column is one GROUP BY of the group's runs; answers are cached for 10 s while
the project does not change, so the figure is a cold request (the cache is
bypassed with a different filter each time, matching the same runs).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from runbase.store import open_store  # noqa: E402
from tests.web.conftest import Server  # noqa: E402
from tests.web.fill import RunWriter  # noqa: E402

API = "/api/v1/projects/bench/aggs"
COLUMNS = [f"config.k{j}" for j in range(10)] + [
    "summary.loss",
    "summary.acc",
    "summary.epoch",
    "state",
    "runtime",
]


def fill(root: Path, n: int) -> None:
    for i in range(n):
        cfg = {"opt": ["adam", "sgd"][i % 2], **{f"k{j}": (i * (j + 1)) % 97 for j in range(10)}}
        w = RunWriter(root, "bench", "aggs", f"r{i:05d}", config=cfg, journal=False)
        w.history([(0, {"loss": 1 / (i + 1), "acc": i / n, "epoch": i % 10})])
        w.finish(0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "rb"
        t0 = time.perf_counter()
        fill(root, args.runs)
        with open_store(root) as store:  # index before the server's first answer
            store.sync()
        srv = Server(root)
        try:
            while srv.client.get(f"{API}/runs").json().get("total") != args.runs:
                time.sleep(0.5)
            print(f"{args.runs} runs written and indexed in {time.perf_counter() - t0:.0f} s")
            times = []
            for i in range(args.repeat):
                params = {
                    "columns": ",".join(COLUMNS),
                    # A new cache key each time, matching the same runs.
                    "filters": json.dumps({"config.opt": "adam", "id": {"$ne": f"none{i}"}}),
                }
                t = time.perf_counter()
                r = srv.client.get(f"{API}/groups/aggregates", params=params)
                times.append((time.perf_counter() - t) * 1000)
                assert r.status_code == 200 and r.json()["runs"] == args.runs // 2, r.text
            print(
                f"groups/aggregates, {len(COLUMNS)} columns over a group of {args.runs // 2} runs: "
                f"median {statistics.median(times):.0f} ms, min {min(times):.0f} ms"
            )
        finally:
            srv.stop()


if __name__ == "__main__":
    main()
