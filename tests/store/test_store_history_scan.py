"""``queries.history_page``: a run's history a page of rows at a time, on SQLite and
PostgreSQL, read back against ``queries.history`` (which reads it whole)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from runbase.records import Kind
from runbase.store import queries as q

ROWS = 5000
RUN = "me/proj/long"


def _values(i: int) -> dict[str, Any]:
    row: dict[str, Any] = {"loss": 1.0 / (i + 1), "acc": i}
    if i % 100 == 0:
        row["val"] = i / 100
    if i % 7 == 0:
        row["note"] = f"at {i}"  # a string series: msgpack chunks
    if i == 3:
        row["loss"] = math.nan
    return row


@pytest.fixture
def long_run(records, store):
    """One run of 5,000 rows at steps 0, 2, 4, ...: dense, sparse and string keys."""
    seg = records.start("long")
    for i in range(ROWS):
        seg.log(2 * i, _values(i), t=1000.0 + i)
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    store.sync()
    return store


def _scan(store, limit: int, **kw: Any) -> tuple[list[dict[str, Any]], list[int | None]]:
    rows: list[dict[str, Any]] = []
    starts: list[int | None] = [0]
    while starts[-1] is not None:
        page = q.history_page(store, RUN, start_row=starts[-1], limit=limit, exact=True, **kw)
        assert len(page.rows) <= limit
        rows += page.rows
        starts.append(page.next_row)
    return rows, starts


def _same(a: list[dict[str, Any]], b: list[dict[str, Any]]) -> bool:
    # NaN != NaN: compare its spelling instead.
    return repr(a) == repr(b)


@pytest.mark.parametrize("limit", [999, 1024, 1025, 5000, 20_000])
def test_pages_add_up_to_the_whole_history(long_run, limit):
    whole = q.history(long_run, RUN, exact=True)
    rows, starts = _scan(long_run, limit)
    assert _same(rows, whole)
    # Every page but the last is ``limit`` rows: chunk boundaries never cut one short.
    assert starts[1:-1] == list(range(limit, ROWS, limit))
    assert starts[-1] is None


def test_a_page_holds_exactly_its_rows(long_run):
    page = q.history_page(long_run, RUN, start_row=1020, limit=10, exact=True)
    assert [r["_step"] for r in page.rows] == [2 * i for i in range(1020, 1030)]
    assert page.rows[0] == {
        "_step": 2040,
        "_timestamp": 2020.0,
        "_runtime": page.rows[0]["_runtime"],
        "acc": 1020,
        "loss": 1.0 / 1021,
    }
    assert page.rows[2]["note"] == "at 1022" and "note" not in page.rows[3]
    assert page.next_row == 1030
    last = q.history_page(long_run, RUN, start_row=ROWS - 2, limit=10, exact=True)
    assert [r["acc"] for r in last.rows] == [ROWS - 2, ROWS - 1] and last.next_row is None
    assert q.history_page(long_run, RUN, start_row=ROWS, limit=10).rows == []
    ones = [
        q.history_page(long_run, RUN, start_row=i, limit=1, exact=True) for i in range(1020, 1030)
    ]
    assert [p.rows for p in ones] == [[r] for r in page.rows]
    assert [p.next_row for p in ones] == list(range(1021, 1031))
    with pytest.raises(ValueError, match="limit"):
        q.history_page(long_run, RUN, limit=0)


def test_keys_keep_the_rows_holding_all_of_them_and_only_those_keys(long_run):
    rows, starts = _scan(long_run, 10, keys=["val"])
    assert rows == [{"val": i / 100} for i in range(0, ROWS, 100)]
    # Rows without "val" are skipped unread: a page starts at its next point.
    assert len(starts) == ROWS // 100 + 2  # one page per point, one to find no more
    both, _ = _scan(long_run, 1000, keys=["note", "val"])
    assert both == [{"note": f"at {i}", "val": i / 100} for i in range(0, ROWS, 700)]
    with_step, _ = _scan(long_run, 1000, keys=["_step", "val"])
    assert with_step[:2] == [{"_step": 0, "val": 0.0}, {"_step": 200, "val": 1.0}]
    missing, starts = _scan(long_run, 1000, keys=["loss", "never"])
    assert missing == [] and starts == [0, None]


def test_step_range_is_inclusive_below_and_exclusive_above(long_run):
    rows, starts = _scan(long_run, 100, min_step=9000, max_step=9010)
    assert [r["_step"] for r in rows] == [9000, 9002, 9004, 9006, 9008]
    # One page: it starts at the row of step 9000, and the next finds no more.
    assert starts == [0, 4600, None]
    odd, _ = _scan(long_run, 3, min_step=9001, max_step=9007)
    assert [r["acc"] for r in odd] == [4501, 4502, 4503]
    keyed, _ = _scan(long_run, 1000, keys=["val"], min_step=1000, max_step=2001)
    assert keyed == [
        {"val": 5.0},
        {"val": 6.0},
        {"val": 7.0},
        {"val": 8.0},
        {"val": 9.0},
        {"val": 10.0},
    ]
    assert _scan(long_run, 1000, min_step=10_000)[0] == []
    assert _scan(long_run, 1000, max_step=0)[0] == []
    below, _ = _scan(long_run, 1000, max_step=6)
    assert [r["_step"] for r in below] == [0, 2, 4]


def test_json_safe_values_unless_exact(long_run):
    page = q.history_page(long_run, RUN, start_row=3, limit=1)
    assert page.rows[0]["loss"] == "NaN"
    exact = q.history_page(long_run, RUN, start_row=3, limit=1, exact=True)
    assert math.isnan(exact.rows[0]["loss"])


def test_step_range_holds_when_steps_go_back(records, store):
    # Record files may hold a lower step after a higher one (a rewound resume).
    seg = records.start("again")
    for i in range(3000):
        seg.log(i % 1500, {"x": i})
    seg.close()
    store.sync()
    pages = []
    start: int | None = 0
    while start is not None:
        page = q.history_page(
            store, "me/proj/again", start_row=start, limit=100, min_step=3, max_step=5
        )
        pages.append(page.rows)
        start = page.next_row
    assert [r["x"] for rows in pages for r in rows] == [3, 4, 1503, 1504]
    assert len(pages) == 3  # the page of steps 3-4 in each pass, and one finding no more
