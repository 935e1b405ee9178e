"""``$regex`` (the runs search) on both backends: RE2 syntax checked up front,
linear-time matching on SQLite, a statement timeout on PostgreSQL."""

from __future__ import annotations

import time

import pytest

from runbase.store import Store, queries
from runbase.store.db.engine import read_only_engine
from runbase.store.queries import runs as runquery
from tests.store.recordkit import backend_store

from .fill import RunWriter

SLOW_NAME = "a" * 30 + "!"


def _filled(backend: str, tmp_path):
    RunWriter(tmp_path, "e", "p", "slow", name=SLOW_NAME, tags=["evil"]).finish(0)
    RunWriter(tmp_path, "e", "p", "big", name="big", notes="x" * 1_000_000).finish(0)
    with backend_store(backend, tmp_path) as s:
        s.sync()
        yield s


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path):
    yield from _filled(request.param, tmp_path)


@pytest.fixture
def pg_store(tmp_path):
    yield from _filled("postgresql", tmp_path)


def names(store, pattern: str, field: str = "name") -> list[str]:
    res = queries.query_runs(store, "e", "p", filters={field: {"$regex": pattern}})
    return sorted(r.name for r in res.runs)


def test_backtracking_patterns_run_in_linear_time(store):
    t = time.monotonic()
    assert names(store, "(a+)+$") == []
    assert names(store, "(x+x+)+y", "notes") == []
    assert time.monotonic() - t < 2
    assert names(store, "^(a+)+!$") == [SLOW_NAME]
    assert names(store, "^ev", "tags") == [SLOW_NAME]
    groups = queries.group_counts(store, "e", "p", "state", filters={"name": {"$regex": "^a+!"}})
    assert groups.total == 1


def test_a_read_only_sqlite_store_also_matches_in_linear_time(tmp_path):
    """A store opened read-only (a read-only folder or file) uses the same RE2 matcher."""
    for s in _filled("sqlite", tmp_path):
        s.close()
    ro = Store(read_only_engine(tmp_path / "store.db"), tmp_path)
    try:
        t = time.monotonic()
        assert names(ro, "(a+)+$") == [] and names(ro, "(x+x+)+y", "notes") == []
        assert time.monotonic() - t < 2
        assert names(ro, "^(a+)+!$") == [SLOW_NAME]
    finally:
        ro.close()


@pytest.mark.parametrize("pattern", ["(?=a)", "(a)\\1", "(?<!b)a", "a" * 3000])
def test_patterns_outside_re2_are_value_errors(store, pattern):
    with pytest.raises(ValueError, match="regular expression"):
        names(store, pattern)


def test_postgres_reports_patterns_it_cannot_use(store):
    if store.engine.dialect.name != "postgresql":
        assert names(store, "(?i:A)+!") == [SLOW_NAME]  # RE2 has group flags
        return
    with pytest.raises(ValueError, match="PostgreSQL cannot use this pattern"):
        names(store, "(?i:A)+!")


def test_postgres_gives_up_on_a_slow_regex(pg_store, monkeypatch):
    store = pg_store  # SQLite matches with RE2, whose time is linear: nothing to give up on
    monkeypatch.setattr(runquery, "REGEX_TIMEOUT_MS", 1)
    with pytest.raises(ValueError, match="took more than 0.001 s"):
        for _ in range(20):  # one scan of a megabyte takes well over a millisecond
            names(store, "x*y", "notes")
    monkeypatch.undo()
    assert names(store, "^big$") == ["big"]  # the timeout was the transaction's only
