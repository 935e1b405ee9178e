"""Store benchmark: indexing rate, runs-table query latency, chart series latency.

    .venv/bin/python bench/index.py [--runs 10000] [--points 1000000] [--postgres URL]

1. Indexing: one segment of 100k HISTORY records of 10 floats, into SQLite
   (target >= 5,000,000 points/s; PostgreSQL within 2x of SQLite); then the same
   rows read back page by page (``history_page``, what ``Run.scan_history()``
   does). The indexer loads NumPy with the first records it indexes: that one-time
   import is done before the clock starts.
2. Runs table: 10,000 runs with 20 config and 10 summary keys each; one page
   sorted by a summary column and filtered by a config value (target <= 150 ms).
3. Chart: one series of 1,000,000 points cut into 1,000 buckets, and a zoom
   into 1% of it at full resolution (target <= 50 ms each).

Record files are written with the same framing the SDK uses; each figure is the
median of several runs after one warm-up.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import msgspec

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not

from runbase.records import Kind, SegmentWriter  # noqa: E402
from runbase.records.appendlog import append_records  # noqa: E402
from runbase.records.layout import journal_path, segments_dir  # noqa: E402
from runbase.store import open_store  # noqa: E402
from runbase.store import queries as q  # noqa: E402
from tests.pgscratch import scratch_schema  # noqa: E402

_enc = msgspec.msgpack.Encoder()


def write_run(root: Path, run_id: str, records: list) -> None:
    seg_dir = segments_dir(root, "bench", "proj", run_id)
    seg_dir.mkdir(parents=True, exist_ok=True)
    name = f"{1:020d}-1.rbr"
    w = SegmentWriter(str(seg_dir / name))
    for rec in records:
        w.append(_enc.encode(rec))
    w.close()
    append_records(
        journal_path(root),
        [(Kind.JOURNAL, {"entity": "bench", "project": "proj", "run_id": run_id, "segment": name})],
    )


def start(run_id: str, t: float, config: dict | None = None) -> list:
    # pid 0 never names a live writer: the run reads as finished/crashed at once.
    return [
        Kind.START,
        t,
        {
            "id": run_id,
            "name": run_id,
            "config": config or {},
            "host": "bench",
            "pid": 0,
            "pid_start": 0,
            "start_time": t,
            "tags": [],
        },
    ]


def timed(fn, repeat: int = 7) -> float:
    fn()
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def bench_indexing(tmp: Path, url: str | None, quiet: bool = False) -> float:
    import runbase.store.indexing.write_history  # noqa: F401 - loaded lazily by the indexer

    root = tmp / "index"
    rng = random.Random(1)
    keys = [f"metric_{i}" for i in range(10)]
    t = time.time()
    recs = [start("big", t)]
    recs += [
        [Kind.HISTORY, t + i * 0.01, [i, {k: rng.random() for k in keys}]] for i in range(100_000)
    ]
    recs.append([Kind.EXIT, t + 2000, {"exit_code": 0}])
    write_run(root, "big", recs)
    store = open_store(url or root, root=root)
    report = store.sync()
    points = 100_000 * 10
    rate = points / report.seconds
    if not quiet:
        target = "within 2x of SQLite" if url else ">= 5,000,000"
        print(
            f"indexing: {points:,} points in {report.seconds:.3f} s = {rate:,.0f} points/s "
            f"(target {target})"
        )
        scan = timed(lambda: scan_all(store, ("bench", "proj", "big")), repeat=3)
        print(
            f"scan_history: the same {points:,} points read back a page of 1,000 rows at a "
            f"time in {scan:.3f} s = {points / scan:,.0f} points/s"
        )
    store.close()
    return rate


def scan_all(store, run: tuple[str, str, str]) -> int:
    """Every row of ``run``, page by page, as ``Run.scan_history()`` reads them."""
    rows, start = 0, 0
    while start is not None:
        page = q.history_page(store, run, start_row=start, limit=1000, exact=True)
        rows += len(page.rows)
        start = page.next_row
    return rows


def bench_runs_table(tmp: Path, n_runs: int, url: str | None) -> float:
    root = tmp / "table"
    rng = random.Random(2)
    t = time.time() - n_runs
    t0 = time.perf_counter()
    for i in range(n_runs):
        config = {f"param_{j}": rng.choice([0.1, 0.01, 0.001]) for j in range(18)}
        config["optimizer"] = rng.choice(["adam", "sgd", "adamw"])
        config["seed"] = i
        summary = {f"score_{j}": rng.random() for j in range(10)}
        write_run(
            root,
            f"run{i:05d}",
            [
                start(f"run{i:05d}", t + i, config),
                [Kind.HISTORY, t + i + 0.5, [0, summary]],
                [Kind.EXIT, t + i + 1, {"exit_code": 0}],
            ],
        )
    written = time.perf_counter() - t0
    store = open_store(url or root, root=root)
    report = store.sync()
    print(
        f"runs table: wrote {n_runs:,} runs in {written:.1f} s, indexed in "
        f"{report.seconds:.1f} s ({n_runs / report.seconds:,.0f} runs/s)"
    )

    def query():
        page = q.query_runs(
            store,
            "bench",
            "proj",
            filters={"config.optimizer": "adam"},
            order="-summary.score_3",
            limit=50,
        )
        assert page.total > 0 and len(page.runs) == 50

    latency = timed(query)
    print(
        f"runs table: filter config.optimizer=adam, sort -summary.score_3, page of 50 of "
        f"{n_runs:,}: {latency * 1000:.1f} ms (target <= 150)"
    )
    sync_cost = timed(store.sync)
    print(f"sync with nothing new ({n_runs:,} runs): {sync_cost * 1000:.1f} ms")

    return latency


def bench_series(tmp: Path, n_points: int, url: str | None) -> tuple[float, float]:
    root = tmp / "series"
    t = time.time()
    rng = random.Random(3)
    recs = [start("long", t)]
    recs += [[Kind.HISTORY, t + i * 0.001, [i, {"loss": rng.random()}]] for i in range(n_points)]
    recs.append([Kind.EXIT, t + n_points, {"exit_code": 0}])
    write_run(root, "long", recs)
    store = open_store(url or root, root=root)
    store.sync()
    path = ("bench", "proj", "long")
    full = timed(lambda: q.series(store, path, "loss", buckets=1000))
    lo, hi = n_points * 0.5, n_points * 0.51
    zoom = timed(lambda: q.series(store, path, "loss", buckets=1000, x_min=lo, x_max=hi))
    by_time = timed(lambda: q.series(store, path, "loss", x="_runtime", buckets=1000))
    print(f"chart: {n_points:,} points -> 1,000 buckets: {full * 1000:.1f} ms (target <= 50)")
    print(
        f"chart: zoom to 1% ({int(hi - lo):,} points, full resolution): {zoom * 1000:.1f} ms "
        f"(target <= 50)"
    )
    print(f"chart: same series against _runtime: {by_time * 1000:.1f} ms")
    return full, zoom


@contextmanager
def fresh_database(url: str | None) -> Iterator[str | None]:
    """For PostgreSQL, a schema of its own (dropped afterwards), so runs never mix."""
    if url is None:
        yield None
        return
    with scratch_schema(url) as scratch:
        yield scratch


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--postgres", help="index into this PostgreSQL URL instead of SQLite")
    args = parser.parse_args()
    parts = (
        (bench_indexing, ()),
        (bench_series, (args.points,)),
        (bench_runs_table, (args.runs,)),
    )
    for part, extra in parts:
        with tempfile.TemporaryDirectory() as tmp, fresh_database(args.postgres) as url:
            part(Path(tmp), *extra, url)


if __name__ == "__main__":
    main()
