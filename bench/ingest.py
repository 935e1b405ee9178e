"""Team server ingest benchmark: shipped runs into PostgreSQL through the HTTP API.

    RUNBASE_TEST_POSTGRES_URL=postgresql+psycopg://... .venv/bin/python bench/ingest.py \\
        [--rows 100000] [--runs 1000] [--threads 8]

1. One large run: ``--rows`` HISTORY records of 10 floats (1,000,000 points by
   default) posted in pieces of 4 MiB to a ``runbase server`` subprocess; the
   clock runs from the first post to the last ack, which comes after the bytes
   are stored and indexed (target >= 1,000,000 points/s).
2. Many small runs: ``--runs`` runs of START, 10 rows of 3 keys and EXIT, sent
   from ``--threads`` threads, first one post per run, then ``--per-post`` runs to a
   post (``POST /api/v1/ingest``, as ``runbase sync`` sends them) (target >= 500 runs/s).
3. With ``--servers 2``, the same against two server processes (the clients split
   between them), for the scaling.

Both go through the whole server: HTTP, the API key, the per-run advisory lock,
the bytes' insert and the indexer. Each figure is printed with its target.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import msgspec

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not

from runbase.records import Kind, SegmentWriter  # noqa: E402
from tests.pgscratch import scratch_schema  # noqa: E402
from tests.team.conftest import TeamServer, bootstrap  # noqa: E402

_enc = msgspec.msgpack.Encoder()
PIECE = 4 * 1024 * 1024
OCTETS = {"content-type": "application/octet-stream"}
MSGPACK = {"content-type": "application/msgpack"}


def segment_bytes(tmp: Path, name: str, records: list) -> bytes:
    path = tmp / f"{name}.rbr"
    w = SegmentWriter(str(path))
    for rec in records:
        w.append(_enc.encode(rec))
    w.close()
    return path.read_bytes()


def start(run_id: str, t: float) -> list:
    payload = {"id": run_id, "name": run_id, "config": {"lr": 0.1}, "host": "bench", "pid": 1}
    return [Kind.START, t, {**payload, "pid_start": 1, "start_time": t, "tags": []}]


def ship(c: httpx.Client, run_id: str, data: bytes) -> None:
    at = 0
    while at < len(data):
        r = c.post(
            f"/api/v1/ingest/bench/proj/{run_id}/1-1.rbr",
            params={"offset": at},
            content=data[at : at + PIECE],
            headers=OCTETS,
        )
        r.raise_for_status()
        at = r.json()["acked"]


APP = "runbase-bench-ingest"  # the server's PostgreSQL connections, to find their backends


class Cpu:
    """CPU seconds used by the server processes and their PostgreSQL backends: on a
    machine shared with other work, what the figures would be with the cores free."""

    def __init__(self, servers: list[TeamServer], admin_url: str) -> None:
        self.pids = [s.proc.pid for s in servers]
        self.admin = admin_url.replace("postgresql+psycopg://", "postgresql://")

    def _backends(self) -> list[int]:
        import psycopg

        with psycopg.connect(self.admin) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s", (APP,)
            ).fetchall()
        return [int(r[0]) for r in rows]

    @staticmethod
    def _used(pid: int) -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> dict[int, float]:
        return {pid: self._used(pid) for pid in [*self.pids, *self._backends()]}

    def since(self, before: dict[int, float]) -> tuple[float, float]:
        """(server CPU s, PostgreSQL backends' CPU s) since ``before``."""
        now = self.snapshot()
        used = {pid: t - before.get(pid, 0.0) for pid, t in now.items()}
        server = sum(used.get(pid, 0.0) for pid in self.pids)
        return server, sum(used.values()) - server


def bench_large(server: TeamServer, key: str, tmp: Path, rows: int, cpu: Cpu) -> float:
    rng = random.Random(0)
    keys = [f"m{i}" for i in range(10)]
    t = time.time()
    recs = [start("big", t)]
    recs += [
        [Kind.HISTORY, t + i * 0.01, [i, {k: rng.random() for k in keys}]] for i in range(rows)
    ]
    recs.append([Kind.EXIT, t + rows, {"exit_code": 0}])
    data = segment_bytes(tmp, "big", recs)
    with server.client(key) as c:
        before = cpu.snapshot()
        t0 = time.perf_counter()
        ship(c, "big", data)
        seconds = time.perf_counter() - t0
        used = cpu.since(before)
        run = c.get("/api/v1/projects/bench/proj/runs/big").json()
        assert run["history_rows"] == rows and run["state"] == "finished", run
    points = rows * len(keys)
    rate = points / seconds
    print(f"large run: {points:,} points, {len(data) / 1e6:.1f} MB in {seconds:.2f} s: "
          f"{rate:,.0f} points/s (target >= 1,000,000)")  # fmt: skip
    print(f"  CPU per million points: server {used[0] / points * 1e6:.2f} s, its PostgreSQL "
          f"backends {used[1] / points * 1e6:.2f} s")  # fmt: skip
    return rate


def small_runs(tmp: Path, prefix: str, n: int) -> list[tuple[str, bytes]]:
    t = time.time()
    payloads = []
    for i in range(n):
        recs = [start(f"{prefix}{i}", t)]
        recs += [[Kind.HISTORY, t + s, [s, {"a": s, "b": 0.5 * s, "c": "x"}]] for s in range(10)]
        recs.append([Kind.EXIT, t + 11, {"exit_code": 0}])
        payloads.append((f"{prefix}{i}", segment_bytes(tmp, f"{prefix}{i}", recs)))
    return payloads


def bench_small(
    servers: list[TeamServer], key: str, tmp: Path, n: int, threads: int, per_post: int, cpu: Cpu
) -> float:
    """``per_post`` 1: a post per run (its own route); more: that many runs a post."""
    prefix = f"p{per_post}x{len(servers)}s"
    payloads = small_runs(tmp, prefix, n)
    clients = [servers[i % len(servers)].client(key) for i in range(threads)]
    groups = [payloads[i : i + per_post] for i in range(0, n, per_post)]

    def send(i: int) -> None:
        c = clients[i % threads]
        if per_post == 1:
            ship(c, *groups[i][0])
            return
        body = msgspec.msgpack.encode([("bench", "proj", r, "1-1.rbr", 0, d) for r, d in groups[i]])
        r = c.post("/api/v1/ingest", content=body, headers=MSGPACK)
        r.raise_for_status()
        assert all(p["status"] == 200 for p in r.json()["pieces"]), r.text

    before = cpu.snapshot()
    t0 = time.perf_counter()
    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(send, range(len(groups))))
    seconds = time.perf_counter() - t0
    used = cpu.since(before)
    got = clients[0].get("/api/v1/projects/bench/proj/runs", params={"search": prefix, "limit": 1})
    assert got.json()["total"] >= n, got.text
    for c in clients:
        c.close()
    rate = n / seconds
    how = "a post per run" if per_post == 1 else f"{per_post} runs a post"
    print(f"small runs, {how}, {len(servers)} server process(es), {threads} client threads: "
          f"{n} runs in {seconds:.2f} s: {rate:,.0f} runs/s (target >= 500)")  # fmt: skip
    print(f"  CPU per run: server {used[0] / n * 1e3:.1f} ms, its PostgreSQL backends "
          f"{used[1] / n * 1e3:.1f} ms")  # fmt: skip
    return rate


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--per-post", type=int, default=100)
    ap.add_argument("--servers", type=int, default=1, help="1, or 2 for the scaling")
    ap.add_argument("--skip-large", action="store_true")
    args = ap.parse_args()
    url = os.environ.get("RUNBASE_TEST_POSTGRES_URL")
    if not url:
        sys.exit("set RUNBASE_TEST_POSTGRES_URL to a PostgreSQL database to benchmark against")
    with tempfile.TemporaryDirectory() as d, scratch_schema(url) as db_url:
        tmp = Path(d)
        app_url = f"{db_url}&application_name={APP}"
        servers = [TeamServer(app_url, tmp / "records").wait() for _ in range(args.servers)]
        cpu = Cpu(servers, url)
        server = servers[0]
        print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        try:
            key = bootstrap(server, admin="bench")
            if not args.skip_large:
                bench_large(server, key, tmp, args.rows, cpu)
            bench_small(servers, key, tmp, args.runs, args.threads, 1, cpu)
            bench_small(servers, key, tmp, args.runs, args.threads, args.per_post, cpu)
            print(f"load average after: {os.getloadavg()[0]:.1f}")
        finally:
            for s in servers:
                s.stop()


if __name__ == "__main__":
    main()
