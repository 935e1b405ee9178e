"""``Run.scan_history()`` streams a run of any length in the memory of one page, and
``Run.logs()`` pages and filters in the store: long runs written as record files,
read through ``runbase.Api`` over SQLite and PostgreSQL."""

from __future__ import annotations

import sys
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import runbase
from runbase.api.backend import LocalBackend
from runbase.records import Kind
from tests.store.recordkit import Records, private_schema

LENGTHS = (20_000, 200_000)


def _write_long_run(records: Records, rows: int) -> None:
    seg = records.start(f"long{rows}", project="scan")
    for i in range(rows):
        values: dict[str, Any] = {"loss": 1.0 / (i + 1), "acc": i / rows}
        if i % 1000 == 0:
            values["val/acc"] = i / 1000
        seg.log(i, values, t=1000.0 + i)
    seg.add(Kind.OUTPUT, [[1000.0 + i, "stdout", f"line {i}"] for i in range(2500)])
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """An Api over two long runs, ``me/scan/long20000`` and ``me/scan/long200000``."""
    root = tmp_path_factory.mktemp("scan")
    records = Records(root)
    for rows in LENGTHS:
        _write_long_run(records, rows)
    if request.param == "sqlite":
        yield runbase.Api(root=root)
        return
    with private_schema() as url:
        backend = LocalBackend(root, url)
        yield runbase.Api(root=Path("/nonexistent"), backend=backend)
        backend._store().close()


def _peak_while_scanning(run: Any, **kw: Any) -> tuple[int, int]:
    """(rows, peak bytes allocated) while iterating ``scan_history`` past its first page."""
    rows = run.scan_history(**kw)
    next(rows)  # the first page indexes the store and warms SQLAlchemy's caches
    tracemalloc.start()
    try:
        count = 1 + sum(1 for _ in rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return count, peak


def test_scan_history_memory_stays_flat_however_long_the_run(api):
    short, long = (api.run(f"me/scan/long{n}") for n in LENGTHS)
    n_short, peak_short = _peak_while_scanning(short)
    n_long, peak_long = _peak_while_scanning(long)
    assert (n_short, n_long) == LENGTHS
    # One page of 1,000 rows at a time: the same peak for 10x the rows, a few MB at most.
    assert peak_long < 4_000_000, peak_long
    assert peak_long < 1.5 * peak_short + 500_000, (peak_short, peak_long)
    # Holding the whole history (what scan_history did before) takes far more:
    # its row dicts alone, without their values, are ten times the peak.
    whole = long.history(pandas=False)
    assert len(whole) == n_long
    assert sum(map(sys.getsizeof, whole)) > 10 * peak_long


def test_scan_history_keys_and_step_range(api):
    run = api.run("me/scan/long200000")
    assert list(run.scan_history(keys=["val/acc"], min_step=150_000, max_step=153_001)) == [
        {"val/acc": 150.0},
        {"val/acc": 151.0},
        {"val/acc": 152.0},
        {"val/acc": 153.0},
    ]
    rows = list(run.scan_history(min_step=99_998, max_step=100_002, page_size=3))
    assert [r["_step"] for r in rows] == [99_998, 99_999, 100_000, 100_001]
    assert rows[2] == {
        "_step": 100_000,
        "_timestamp": 101_000.0,
        "_runtime": rows[2]["_runtime"],
        "acc": 0.5,
        "loss": 1.0 / 100_001,
        "val/acc": 100.0,
    }
    _, peak = _peak_while_scanning(run, keys=["val/acc"], page_size=10)
    assert peak < 1_000_000, peak
    with pytest.raises(ValueError, match="page_size"):
        run.scan_history(page_size=0)


def test_logs_page_and_filter_in_the_store(api):
    run = api.run("me/scan/long20000")
    pages = [run.logs(offset=o, limit=1000) for o in range(0, 3000, 1000)]
    assert [len(p) for p in pages] == [1000, 1000, 500]
    assert [ln["line"] for p in pages for ln in p] == [f"line {i}" for i in range(2500)]
    assert pages[0][0] == {"time": 1000.0, "stream": "stdout", "line": "line 0"}
    assert [ln["line"] for ln in run.logs(search="LINE 249")] == [
        "line 249",
        *(f"line {i}" for i in range(2490, 2500)),
    ]
    assert [ln["line"] for ln in run.logs(search="line 1", offset=2, last=2)] == [
        "line 1998",
        "line 1999",
    ]
    assert run.logs(stream="stderr") == []
