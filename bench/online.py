"""Online vs offline log() cost: the shipper must cost log() nothing.

Starts the reference ingest server (tests/sdk/ship_server.py) on loopback, then logs
N steps of 10 float scalars in a fresh process twice, offline and online, and prints
log() latency on the caller's thread (median, p99) for each against the targets
(median at most 3 us, p99 at most 30 us), with the online run's finish() time
(waiting for the server to confirm every byte).

    .venv/bin/python bench/online.py [--steps N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"log_median_us": 3.0, "log_p99_us": 30.0}
KEY = "bench-key"

CHILD = r"""
import json, sys, time
import runbase
n = int(sys.argv[1])
run = runbase.init(project="bench-online", entity="bench", settings=runbase.Settings(
    silent=True, disable_system_metrics=True, console="off"))
pc = time.perf_counter_ns
times = []
for s in range(n):
    row = {f"m{k}": s * 0.001 + k for k in range(10)}
    t0 = pc()
    run.log(row)
    times.append(pc() - t0)
t0 = time.perf_counter()
run.finish()
t_finish = time.perf_counter() - t0
times.sort()
shipped = run.url.startswith("http://127.0.0.1:" + sys.argv[2])
print(json.dumps({"log_median_us": times[n // 2] / 1e3, "log_p99_us": times[int(n * 0.99)] / 1e3,
                  "finish_s": t_finish, "online": shipped}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _child(steps: int, port: int, env: dict[str, str]) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(steps), str(port)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", type=int, default=100_000)
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = subprocess.Popen(
            [sys.executable, str(ROOT / "tests/sdk/ship_server.py"), "--dir", f"{tmp}/server"]
            + ["--port", str(port), "--key", KEY],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == "ready"
            base = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "RUNBASE_"))}
            base.update(RUNBASE_DIR=f"{tmp}/store", HOME=tmp)
            offline = _child(args.steps, port, {**base, "RUNBASE_MODE": "offline"})
            online_env = {**base, "RUNBASE_BASE_URL": f"http://127.0.0.1:{port}"}
            online = _child(args.steps, port, {**online_env, "RUNBASE_API_KEY": KEY})
        finally:
            server.kill()
            server.wait()
    assert online.pop("online"), "the online run did not reach the server"
    offline.pop("online")
    print(f"log() of 10 floats, {args.steps} steps (target: median <= 3 us, p99 <= 30 us)")
    for name, res in (("offline", offline), ("online", online)):
        marks = "  ".join(
            f"{k} {v:.2f}{' OK' if v <= TARGETS[k] else ' OVER'}"
            for k, v in res.items()
            if k in TARGETS
        )
        print(f"  {name:8s} {marks}  finish_s {res['finish_s']:.3f}")


if __name__ == "__main__":
    main()
