"""Console lines paged and filtered by the database (``queries.logs``, ``log_page``,
``log_pages``), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from runbase.records import Kind
from runbase.store import queries as q

RUN = "me/proj/talk"
ODD = ["100% done", "50%_off", "back\\slash", "Ошибка: диск", "ОШИБКА снова", "Straße", "tab\there"]


def _line(i: int) -> tuple[str, str]:
    if i % 10 == 9:
        return "stderr", f"Warning {i}: loss is NaN"
    return "stdout", f"step {i}"


@pytest.fixture
def talk(records, store):
    """A run that printed 2,000 lines (every tenth to stderr), then a few odd ones."""
    seg = records.start("talk")
    for start in range(0, 2000, 500):  # several OUTPUT records, as the SDK batches them
        seg.add(Kind.OUTPUT, [[1000.0 + i, *_line(i)] for i in range(start, start + 500)])
    seg.add(Kind.OUTPUT, [[3000.0, "stdout", text] for text in ODD])
    seg.close()
    store.sync()
    return store


def _texts(lines) -> list[str]:
    return [ln.line for ln in lines]


def test_offset_and_limit_page_through_every_line_in_order(talk):
    everything = _texts(q.logs(talk, RUN))
    assert everything == [_line(i)[1] for i in range(2000)] + ODD
    pages = [_texts(q.logs(talk, RUN, offset=o, limit=300)) for o in range(0, 2100, 300)]
    assert [len(p) for p in pages] == [300] * 6 + [2007 - 1800]
    assert [ln for p in pages for ln in p] == everything
    assert _texts(q.logs(talk, RUN, last=3)) == ODD[-3:]
    assert q.logs(talk, RUN, last=0) == [] and q.logs(talk, RUN, offset=5000) == []
    first = q.logs(talk, RUN, limit=1)[0]
    assert (first.time, first.stream, first.line) == (1000.0, "stdout", "step 0")


def test_search_and_stream_filter_before_paging(talk):
    warned = q.logs(talk, RUN, stream="stderr")
    assert _texts(warned) == [f"Warning {i}: loss is NaN" for i in range(9, 2000, 10)]
    assert _texts(q.logs(talk, RUN, search="WARNING 1", offset=1, limit=2)) == [
        "Warning 109: loss is NaN",  # the second and third of 19, 109, 119, ...
        "Warning 119: loss is NaN",
    ]
    assert _texts(q.logs(talk, RUN, search="step 19", stream="stdout", last=2)) == [
        "step 1997",
        "step 1998",
    ]
    assert _texts(q.logs(talk, RUN, search="step 19", stream="stderr")) == []


@pytest.mark.parametrize(
    ("needle", "found"),
    [
        ("%", ["100% done", "50%_off"]),  # LIKE's wildcards are plain characters
        ("0%_", ["50%_off"]),
        ("_", ["50%_off"]),
        ("\\", ["back\\slash"]),
        ("k\\s", ["back\\slash"]),
        ("\t", ["tab\there"]),
        ("ошибка", ["Ошибка: диск", "ОШИБКА снова"]),  # case folds beyond ASCII too
        ("ОШИБКА С", ["ОШИБКА снова"]),
        ("STRASSE", []),
        ("straße", ["Straße"]),
    ],
)
def test_search_is_a_case_insensitive_substring(talk, needle, found):
    assert _texts(q.logs(talk, RUN, search=needle)) == found


def test_log_page_counts_and_pages_from_a_line(talk):
    whole = q.log_page(talk, RUN, limit=2)
    assert (whole.start, whole.end, whole.matched) == (0, 2007, 2007)
    assert _texts(whole.lines) == ODD[-2:]
    tail = q.log_page(talk, RUN, start=1995, search="step")
    assert (tail.start, tail.end, tail.matched) == (1995, 2007, 4)
    assert _texts(tail.lines) == ["step 1995", "step 1996", "step 1997", "step 1998"]
    page = q.log_page(talk, RUN, search="warning", offset=100, limit=3)
    assert page.matched == 200
    assert _texts(page.lines) == [f"Warning {i}: loss is NaN" for i in (1009, 1019, 1029)]
    stream = q.log_page(talk, RUN, start=1990, stream="stderr")
    assert stream.matched == 1 and _texts(stream.lines) == ["Warning 1999: loss is NaN"]
    past = q.log_page(talk, RUN, start=2007)
    assert (past.start, past.end, past.matched, past.lines) == (2007, 2007, 0, [])


def test_log_pages_read_everything_a_page_at_a_time(talk):
    pages = list(q.log_pages(talk, RUN, page_size=600))
    assert [len(p) for p in pages] == [600, 600, 600, 207]
    assert [ln.line for p in pages for ln in p] == _texts(q.logs(talk, RUN))
    assert list(q.log_pages(talk, RUN, page_size=2007))[-1][-1].line == ODD[-1]


def test_a_run_without_output_has_no_lines(records, store):
    records.finished("quiet")
    store.sync()
    assert q.logs(store, "me/proj/quiet") == []
    assert q.log_page(store, "me/proj/quiet") == q.LogPage(0, 0, 0, [])
    assert list(q.log_pages(store, "me/proj/quiet")) == []
    with pytest.raises(q.RunNotFound):
        q.logs(store, "me/proj/nope")
