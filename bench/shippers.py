"""200 runs shipping at once to one team server, from one load generator.

    RUNBASE_TEST_POSTGRES_URL=postgresql+psycopg://... .venv/bin/python bench/shippers.py \\
        [--runs 200] [--seconds 60] [--rate 10] [--page-runs 1000] [--nice 10]

Starts ``runbase server`` (a subprocess, PostgreSQL) and fills a project with
``--page-runs`` finished runs. Then measures the runs page of that project (20 reads:
median, p95) before and while ``--runs`` runs ship at once from this process: each
is the SDK's own online sink (``ShippingSegment``: the segment file plus its shipper
thread, posting new bytes once a second), logging ``--rate`` rows of 10 floats a
second for ``--seconds``. Prints the shippers' errors (target: none), the server's
peak RSS (bounded: sampled every second), the runs page before and during (target:
unchanged p95), and checks every run arrived whole and finished.

The page is read from a process of its own: read from the load generator's process,
each read would also wait for the GIL behind 200 shipper threads, which a person's
browser does not. ``--nice`` lowers the load generator's priority (the server, its
PostgreSQL backends and the reader keep theirs): on one small machine the generator
otherwise takes the cores a team server has to itself when its clients are other
machines. ``--nice 0`` measures all of them competing.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import msgspec

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not

from bench.ingest import APP, MSGPACK, Cpu, small_runs, start  # noqa: E402
from runbase.records import Kind  # noqa: E402
from runbase.sdk.ship.credentials import Target  # noqa: E402
from runbase.sdk.ship.protocol import Ack, Client  # noqa: E402
from runbase.sdk.ship.sink import ShippingSegment  # noqa: E402
from tests.pgscratch import scratch_schema  # noqa: E402
from tests.team.conftest import TeamServer, bootstrap  # noqa: E402

if TYPE_CHECKING:
    from multiprocessing import Queue
    from multiprocessing.synchronize import Event

_enc = msgspec.msgpack.Encoder()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


POSTS = [0]  # the shippers' posts, counted as they are sent


def _counted(post: Callable[..., Ack]) -> Callable[..., Ack]:
    def counting(*args: object) -> Ack:
        POSTS[0] += 1  # a lost increment now and then (threads) is noise here
        return post(*args)

    return counting


Client.post = _counted(Client.post)  # type: ignore[method-assign]


def page_latency(c: httpx.Client, n: int = 20) -> list[float]:
    """``n`` reads of the runs page, in ms."""
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        r = c.get("/api/v1/projects/bench/page/runs", params={"limit": 50, "order": "-created_at"})
        times.append((time.perf_counter() - t0) * 1e3)
        r.raise_for_status()
        time.sleep(0.05)
    return times


def reader(url: str, key: str, stop: Event, out: Queue[list[float]]) -> None:
    """Reads of the runs page, 10 a second, until ``stop``: their times, in ms."""
    times: list[float] = []
    with httpx.Client(base_url=url, timeout=30, headers={"authorization": f"Bearer {key}"}) as c:
        while not stop.wait(0.5):
            times.extend(page_latency(c, 10))
    out.put(times)


def median_p95(times: list[float]) -> tuple[float, float]:
    """The same figures for the reads before and during the load (all reads pooled)."""
    s = sorted(times) or [0.0]
    return s[len(s) // 2], s[min(len(s) - 1, int(len(s) * 0.95))]


def fill(c: httpx.Client, tmp: Path, n: int) -> None:
    runs = small_runs(tmp, "page", n)
    for i in range(0, n, 200):
        body = [("bench", "page", r, "1-1.rbr", 0, d) for r, d in runs[i : i + 200]]
        c.post("/api/v1/ingest", content=msgspec.msgpack.encode(body), headers=MSGPACK)


def generate(target: Target, root: Path, runs: int, seconds: float, rate: float) -> list[str]:
    """Log ``runs`` online runs at once; the shippers' errors."""
    sinks = []
    for i in range(runs):
        seg = root / "runs/bench/load" / f"live{i}" / "segments"
        seg.mkdir(parents=True)
        sink = ShippingSegment(str(seg / "1-1.rbr"), target, heartbeat=15.0, finish_timeout=120)
        sink.append(_enc.encode(start(f"live{i}", time.time())))
        sink.start(0)
        sinks.append(sink)
    step, t0 = 0, time.time()
    while time.time() - t0 < seconds:
        now = time.time()
        for sink in sinks:
            row = {f"m{k}": step * 0.001 + k for k in range(10)}
            sink.append(_enc.encode([Kind.HISTORY, now, [step, row]]))
        step += 1
        time.sleep(max(0.0, t0 + step / rate - time.time()))
    errors = []
    for sink in sinks:
        sink.append(_enc.encode([Kind.EXIT, time.time(), {"exit_code": 0}]))
        sink.close()
        if sink.shipper.refused or sink.shipper.last_error or sink.shipper.unsent():
            errors.append(f"{sink.shipper.run}: {sink.shipper.refused or sink.shipper.last_error}")
    print(f"  {runs} runs logged {step} rows of 10 floats each ({runs * step * 10:,} points)")
    return errors


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=200)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--rate", type=float, default=10.0, help="rows a second per run")
    ap.add_argument("--page-runs", type=int, default=1000)
    ap.add_argument(
        "--posts-only", action="store_true", help="no page reads during the load: CPU a post"
    )
    ap.add_argument("--nice", type=int, default=10, help="the load generator's niceness")
    ap.add_argument(
        "--split",
        action="store_true",
        help="ship to a second server process, read from the first (ingest routed apart)",
    )
    args = ap.parse_args()
    url = os.environ.get("RUNBASE_TEST_POSTGRES_URL")
    if not url:
        sys.exit("set RUNBASE_TEST_POSTGRES_URL to a PostgreSQL database to benchmark against")
    with tempfile.TemporaryDirectory() as d, scratch_schema(url) as db_url:
        tmp = Path(d)
        # Named, so that the CPU of the server's PostgreSQL backends can be told apart.
        server = TeamServer(f"{db_url}&application_name={APP}", tmp / "records").wait()
        servers = [server]
        try:
            key = bootstrap(server, admin="bench")
            if args.split:
                servers.append(TeamServer(f"{db_url}&application_name={APP}", tmp / "r2").wait())
            run(servers, key, tmp, args, Cpu(servers, url))
        finally:
            for s in servers:
                s.stop()


def read_in_process(url: str, key: str) -> Callable[[], list[float]]:
    """Start reading the runs page in a process of its own; the call that stops it
    returns the reads' times."""
    mp = multiprocessing.get_context("spawn")
    stop, out = mp.Event(), mp.Queue()
    proc = mp.Process(target=reader, args=(url, key, stop, out), daemon=True)
    proc.start()

    def finish() -> list[float]:
        stop.set()
        times: list[float] = out.get(timeout=60)
        proc.join(10)
        return times

    return finish


def _own_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def run(
    servers: list[TeamServer], key: str, tmp: Path, args: argparse.Namespace, meter: Cpu
) -> None:
    """``servers[0]`` serves the reads; the shippers post to the last one."""
    server = servers[0]
    with server.client(key) as c:
        fill(c, tmp, args.page_runs)
        where = "a second server process" if len(servers) > 1 else "the same server process"
        print(f"{args.runs} runs shipping at once to {where} "
              f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; "
              f"load generator at nice {args.nice})")  # fmt: skip
        stop_reading = read_in_process(server.url, key)
        time.sleep(6.0)
        before = median_p95(stop_reading())
        rss = [sum(rss_mb(s.proc.pid) for s in servers)]
        done = threading.Event()

        def watch() -> None:
            while not done.wait(1.0):
                rss.append(sum(rss_mb(s.proc.pid) for s in servers))

        watcher = threading.Thread(target=watch)
        watcher.start()
        stop_reading = read_in_process(server.url, key) if not args.posts_only else list
        os.nice(args.nice)  # this process only: the server and the reader started before
        target = Target(servers[-1].url, key)
        cpu0, posts0, own0, t0 = meter.snapshot(), POSTS[0], _own_cpu(), time.monotonic()
        errors = generate(target, tmp / "client", args.runs, args.seconds, args.rate)
        (cpu, pg), posts = meter.since(cpu0), POSTS[0] - posts0
        own, wall = _own_cpu() - own0, time.monotonic() - t0
        during = stop_reading()
        done.set()
        watcher.join()
        runs = c.get("/api/v1/projects/bench/load/runs", params={"limit": 500}).json()["runs"]
        finished = sum(r["state"] == "finished" for r in runs)
        rows = {r["history_rows"] for r in runs}
    med, p95 = median_p95(during)
    print(f"  shipper errors: {len(errors)} (target 0){': ' + errors[0] if errors else ''}")
    print(f"  runs finished on the server: {finished}/{args.runs}, rows per run {sorted(rows)}")
    print(f"  server RSS: {rss[0]:.0f} MB before, peak {max(rss):.0f} MB during, "
          f"{rss[-1]:.0f} MB at the end")  # fmt: skip
    print(f"  runs page ({args.page_runs} runs, 50 a page): before median {before[0]:.0f} ms "
          f"p95 {before[1]:.0f} ms; during median {med:.0f} ms p95 {p95:.0f} ms "
          f"({len(during)} reads; target: p95 unchanged)")  # fmt: skip
    reads = "" if args.posts_only else " and the page reads"
    print(f"  server CPU: {cpu:.1f} s for {posts:,} one-run posts{reads}: "
          f"{cpu / max(posts, 1) * 1e3:.2f} ms a post")  # fmt: skip
    cores = (os.cpu_count() or 1) * wall
    pg_post = pg / max(posts, 1) * 1e3
    print(f"  CPU while loaded ({wall:.0f} s x {os.cpu_count()} cores = {cores:.0f} s): "
          f"server {cpu / cores:.0%}, its PostgreSQL backends {pg / cores:.0%} ({pg_post:.2f} "
          f"ms a post), load generator {own / cores:.0%}; rest: reader, other work")  # fmt: skip
    print(f"  load average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
