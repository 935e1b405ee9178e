"""From ``log()`` to visible through the team server's HTTP API (target: p95 <= 2 s).

    RUNBASE_TEST_POSTGRES_URL=postgresql+psycopg://... .venv/bin/python bench/visible.py \\
        [--seconds 30] [--every 0.05]

Starts ``runbase server`` (a subprocess, PostgreSQL), and a training process that
logs online to it: a row every ``--every`` seconds for ``--seconds``, each carrying
the wall time it was logged at. Meanwhile this process reads the run through
``runbase.Api(base_url=..., api_key=...)`` ten times a second; a step's latency is
the time of the first read that shows it (as the run's last step) minus the time
it was logged. Prints median, p95 and max against the target, and the load average.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not

import runbase  # noqa: E402
from tests.pgscratch import scratch_schema  # noqa: E402
from tests.team.conftest import TeamServer, bootstrap  # noqa: E402

CHILD = r"""
import sys, time
import runbase
seconds, every = float(sys.argv[1]), float(sys.argv[2])
run = runbase.init(entity="bench", project="visible", id="live", settings=runbase.Settings(
    silent=True, disable_system_metrics=True, console="off"))
end = time.time() + seconds
step = 0
while time.time() < end:
    run.log({"logged_at": time.time(), "loss": 1 / (step + 1)}, step=step)
    step += 1
    time.sleep(every)
run.finish()
print(step)
"""


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def measure(server: TeamServer, key: str, tmp: Path, seconds: float, every: float) -> list[float]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "RUNBASE_"))}
    env.update(
        RUNBASE_DIR=str(tmp / "client"), HOME=str(tmp), RUNBASE_BASE_URL=server.url,
        RUNBASE_API_KEY=key, PYTHONPATH=str(REPO / "src"),
    )  # fmt: skip
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(seconds), str(every)], env=env, stdout=subprocess.PIPE
    )
    try:
        return _follow(server, key, child)
    finally:
        child.kill()
        child.wait()


def _follow(server: TeamServer, key: str, child: subprocess.Popen[bytes]) -> list[float]:
    api = runbase.Api(base_url=server.url, api_key=key)
    logged: dict[int, float] = {}  # step -> when it was logged
    seen: dict[int, float] = {}  # step -> when a read first showed it
    last = -1
    while child.poll() is None or last < 0:
        time.sleep(0.1)
        try:
            run = api.run("bench/visible/live")
        except Exception:  # not created yet (runbase.errors.CommError or the like)
            continue
        now = time.time()
        step = run.summary.get("_step")
        if not isinstance(step, int) or step <= last:
            continue
        # Steps up to this one are visible now; their log times come from the history.
        if step > max(logged, default=-1):
            for row in run.scan_history(keys=["_step", "logged_at"], min_step=last + 1):
                logged[int(row["_step"])] = float(row["logged_at"])
        for s in range(last + 1, step + 1):
            seen[s] = now
        last = step
    return [seen[s] - logged[s] for s in seen if s in logged]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--every", type=float, default=0.05)
    args = ap.parse_args()
    url = os.environ.get("RUNBASE_TEST_POSTGRES_URL")
    if not url:
        sys.exit("set RUNBASE_TEST_POSTGRES_URL to a PostgreSQL database to benchmark against")
    with tempfile.TemporaryDirectory() as d, scratch_schema(url) as db_url:
        tmp = Path(d)
        server = TeamServer(db_url, tmp / "records").wait()
        try:
            key = bootstrap(server, admin="bench")
            load = os.getloadavg()[0]
            lat = measure(server, key, tmp, args.seconds, args.every)
        finally:
            server.stop()
    after = os.getloadavg()[0]
    print(f"log() to visible through runbase.Api over HTTP, {len(lat)} steps "
          f"(load average {load:.1f} -> {after:.1f} on {os.cpu_count()} cores):")  # fmt: skip
    print(f"  median {_pct(lat, 0.5):.2f} s  p95 {_pct(lat, 0.95):.2f} s  max {max(lat):.2f} s "
          f"(target p95 <= 2 s)")  # fmt: skip


if __name__ == "__main__":
    main()
