"""Read-side benchmark: what a fresh process pays to read runs back, and the indexing rate.

    .venv/bin/python bench/read.py [--repeat 7] [--postgres URL]

Each fresh-process figure is the median over ``--repeat`` child processes, timed
inside the child from before ``import runbase`` to the answer (the interpreter's
own start, ~15 ms, is not counted). Runs are logged by the SDK in a child process
first; figures (d) and (e) start every child from a copy of the logged folder, so
nothing is indexed or cached yet. With ``--postgres`` the store is that database
(a scratch schema each time; the record files stay local).

(a) ``import runbase; runbase.Api()``                            target <= 30 ms
(b) ``Api()`` and the first ``runs()`` page, store current       (reported)
(c) full history of one run, 10k steps x 10 keys, indexed        (reported)
(d) first read after logging, 20k x 10, indexing included        target <= 0.15 s
(e) first read after logging, 5k steps x 500 keys                (reported)
(f) indexing rate, 100k records x 10 floats                      target >= 5 M points/s
    (PostgreSQL: within 2x of SQLite)

(d) and (e) are timed twice: ``Api().run(p).history()`` (one run: read from its
record files, see docs/store.md) and ``Api().runs(p)`` (the store: created and
indexed in that process).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "src"))  # this checkout's runbase, installed or not
sys.path.insert(0, str(REPO / "bench"))

from index import bench_indexing  # noqa: E402
from index import fresh_database as database  # noqa: E402

LOG = r"""
import sys, runbase
steps, width = int(sys.argv[1]), int(sys.argv[2])
settings = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
run = runbase.init(project="bench", id="r1", settings=settings)
keys = [f"metric_{i}" for i in range(width)]
for s in range(steps):
    run.log({k: s * 0.001 + i for i, k in enumerate(keys)})
run.finish()
"""

# Each prints {"s": seconds from before `import runbase` to the answer, ...}.
CHILD = {
    "api": """
import runbase
api = runbase.Api(**KW)
""",
    "runs": """
import runbase
api = runbase.Api(**KW)
page = api.runs("bench")
assert len(page) == 1
""",
    "history": """
import runbase
rows = runbase.Api(**KW).run("bench/r1").history(pandas=False)
assert len(rows) == ROWS
""",
    "history_call": """
import runbase
run = runbase.Api(**KW).run("bench/r1")
t1 = time.perf_counter()
rows = run.history(pandas=False)
out["call"] = time.perf_counter() - t1
assert len(rows) == ROWS
""",
    "history_indexed_call": """
import runbase
api = runbase.Api(**KW)
run = next(iter(api.runs("bench")))
t1 = time.perf_counter()
rows = run.history(pandas=False)
out["first"] = time.perf_counter() - t1
t1 = time.perf_counter()
rows = run.history(pandas=False)
out["call"] = time.perf_counter() - t1
assert len(rows) == ROWS
""",
}


def child_source(kind: str, rows: int, url: str | None) -> str:
    kw = f"overrides={{'store': {url!r}}}" if url else ""
    body = CHILD[kind].replace("KW", f"dict({kw})").replace("ROWS", str(rows))
    return (
        "import json, time\nout = {}\nt0 = time.perf_counter()\n"
        + body
        + "\nout['s'] = time.perf_counter() - t0\nprint(json.dumps(out))\n"
    )


def env_for(root: Path) -> dict[str, str]:
    env = dict(os.environ, RUNBASE_DIR=str(root), PYTHONPATH=str(REPO / "src"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed package has its bytecode
    return env


def run_child(source: str, root: Path) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", source], env=env_for(root), capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"child failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def log_run(root: Path, steps: int, width: int) -> None:
    subprocess.run(
        [sys.executable, "-c", LOG, str(steps), str(width)], env=env_for(root), check=True
    )


def median_of(repeat: int, once, *args) -> dict[str, float]:
    """Medians of ``once(*args)``'s figures over ``repeat`` calls, after one warm-up
    (bytecode caches, the page cache)."""
    once(*args)
    samples = [once(*args) for _ in range(repeat)]
    return {k: statistics.median(s[k] for s in samples) for k in samples[0]}


def in_child(kind: str, rows: int, url: str | None, root: Path) -> dict[str, float]:
    return run_child(child_source(kind, rows, url), root)


def fresh_copy(logged: Path, tmp: Path, url: str | None, kind: str, rows: int) -> dict:
    """One child on a copy of ``logged`` with no store yet (a new scratch schema)."""
    where = tmp / "copy"
    shutil.rmtree(where, ignore_errors=True)
    shutil.copytree(logged, where)
    with database(url) as scratch:
        return run_child(child_source(kind, rows, scratch), where)


def show(label: str, seconds: float, target: str = "") -> None:
    print(f"{label}: {seconds * 1000:8.1f} ms  {target}")


def current_store(n: int, medium: Path, url: str | None) -> None:
    """(a), (b), (c): a store that has indexed everything already."""
    with database(url) as scratch:
        in_child("runs", 0, scratch, medium)  # index it once
        show("(a) import runbase; Api()", median_of(n, in_child, "api", 0, scratch, medium)["s"],
             "(target <= 30 ms)")  # fmt: skip
        b = median_of(n, in_child, "runs", 0, scratch, medium)
        show("(b) Api() + first runs() page, store current", b["s"])
        c = median_of(n, in_child, "history_call", 10_000, scratch, medium)
        show("(c) full history, 10k x 10: Api().run(p).history(), whole", c["s"])
        show("    of which history() (read from the run's files)", c["call"])
        c = median_of(n, in_child, "history_indexed_call", 10_000, scratch, medium)
        show("    through the store (after runs()): history()", c["call"])
        show("    the first such call (loads NumPy and the query)", c["first"])


def first_reads(n: int, tmp: Path, url: str | None, small: Path, wide: Path) -> None:
    """(d), (e): the first read after logging, nothing indexed yet."""
    for label, logged, rows, target in (
        (
            "(d) first read after logging, 20k x 10",
            small,
            20_000,
            "(target <= 150 ms, and trackio 0.43: 140 ms)",
        ),
        ("(e) first read after logging, 5k x 500", wide, 5_000, ""),
    ):
        d = median_of(n, fresh_copy, logged, tmp, url, "history", rows)
        show(f"{label}, run(p).history()", d["s"], target)
        d = median_of(n, fresh_copy, logged, tmp, url, "runs", rows)
        show(f"{label}, runs(p) (indexes)", d["s"])


def indexing_rate(url: str | None) -> None:
    """(f): 100k records x 10 floats (bench/index.py's figure), median of 3."""
    rates = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as tmp_name, database(url) as scratch:
            rates.append(bench_indexing(Path(tmp_name), scratch, quiet=True))
    target = "(target: within 2x of SQLite)" if url else "(target >= 5,000,000)"
    print(f"(f) indexing: {statistics.median(rates):,.0f} points/s {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--postgres", help="the store in this PostgreSQL database")
    args = parser.parse_args()
    url, n = args.postgres, args.repeat
    print(f"store: {'PostgreSQL' if url else 'SQLite'}; medians of {n} fresh processes")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        small, wide, medium = tmp / "20k", tmp / "wide", tmp / "10k"
        log_run(small, 20_000, 10)
        log_run(wide, 5_000, 500)
        log_run(medium, 10_000, 10)
        current_store(n, medium, url)
        first_reads(n, tmp, url, small, wide)
    indexing_rate(url)


if __name__ == "__main__":
    main()
