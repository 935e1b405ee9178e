"""A run read straight from its record files (``runbase.store.fromfiles``) is exactly what
the store gives once it has indexed them: the run (state, config, summary with its
aggregates, metadata, metrics) and its history, whatever keys and samples are asked."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from recordkit import Records

from runbase.records import Kind
from runbase.records.appendlog import append_edits
from runbase.store import fromfiles, open_store
from runbase.store import queries as q

_enc = msgspec.msgpack.Encoder()

KEYS = st.sampled_from(["loss", "acc", "lr", "a.b", "_step", "", "k" * 600, "x\x00", 3])
VALUES = st.one_of(
    st.floats(),
    st.integers(-(2**63), 2**64 - 1),
    st.sampled_from([math.nan, math.inf, -0.0, True, None, "text", [1, {"a": 2}], {"b": [3]}]),
    st.sampled_from([b"bytes", {1: 2}]),  # not JSON-like: stored as null
)
SPECS = st.sampled_from(["min", "max", "mean", "first", "last", "min,max,mean", "none", "bogus"])


# The strategies segment_records draws from, built once: a strategy made inside the
# loop is built and checked again on every draw (most of the drawing time).
FIRST_STEP = st.integers(0, 3)
SAME_KEYS = st.lists(KEYS, max_size=3, unique=True)
LENGTH = st.integers(0, 50)
KIND = st.sampled_from([Kind.HISTORY] * 8 + [Kind.METRIC, Kind.SUMMARY, Kind.CONFIG])
STEP_UP = st.sampled_from([0, 1, 1, 1, 2])
ROW = st.dictionaries(KEYS, VALUES, max_size=3)
METRIC_NAME = st.sampled_from(["loss", "acc", "l*"])
CHANGES = st.dictionaries(KEYS, VALUES, max_size=2)


@st.composite
def segment_records(draw: st.DrawFn) -> list[tuple[int, Any]]:
    """The records after a segment's START: mostly HISTORY, some that change the run."""
    out: list[tuple[int, Any]] = []
    step = draw(FIRST_STEP)
    same = {k: draw(VALUES) for k in draw(SAME_KEYS)}
    for _ in range(draw(LENGTH)):
        kind = draw(KIND)
        if kind == Kind.HISTORY:
            step += draw(STEP_UP)
            values = dict(same) if draw(st.booleans()) else {}
            values.update(draw(ROW))
            out.append((kind, [step, values]))
        elif kind == Kind.METRIC:
            out.append((kind, {"name": draw(METRIC_NAME), "summary": draw(SPECS)}))
        else:
            out.append((kind, {"set": draw(CHANGES), "del": []}))
    return out


RUNS = st.tuples(
    st.lists(segment_records(), min_size=1, max_size=2),
    st.sampled_from([None, 0, 1]),  # the last segment's EXIT code, or none (crashed)
    st.lists(st.sampled_from(["name", "summary", "config", "delete"]), max_size=2),
)


def answers(run: Any, rows: list[Any]) -> bytes:
    return _enc.encode([msgspec.structs.asdict(run) if run is not None else None, rows])


@pytest.mark.timeout(900)
def test_a_run_read_from_its_files_is_what_the_store_gives(tmp_path: Path):
    records = Records(tmp_path)
    store = open_store(tmp_path)
    ids = iter(range(10**6))

    @settings(
        max_examples=80,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=RUNS)
    def check(case: tuple[list[list[tuple[int, Any]]], int | None, list[str]]) -> None:
        segments, exit_code, edits = case
        run_id = f"r{next(ids)}"
        for i, recs in enumerate(segments):
            seg = records.start(run_id, resumed=i > 0, config={"lr": 0.1, "seed": i})
            for kind, payload in recs:
                seg.add(kind, payload)
            if exit_code is not None or i < len(segments) - 1:
                seg.add(Kind.EXIT, {"exit_code": exit_code or 0})
            seg.close()
        for edit in edits:
            kind, payload = {
                "name": (Kind.INFO, {"name": "renamed", "tags": ["t"]}),
                "summary": (Kind.SUMMARY, {"set": {"loss": -1.0, "new": "s"}, "del": ["acc"]}),
                "config": (Kind.CONFIG, {"set": {"lr": 0.2}, "del": ["seed"]}),
                "delete": (Kind.DELETE, {"deleted": True}),
            }[edit]
            append_edits(tmp_path, "me", "proj", run_id, [(kind, payload)])
        store.sync()
        found = fromfiles.read_run(tmp_path, "me", "proj", run_id)
        indexed = q.get_run(store, "me", "proj", run_id, exact=True)
        if indexed is None:
            assert found is None
            return
        assert found is not None
        path = f"me/proj/{run_id}"
        for keys, samples in [(None, None), (["loss"], None), (None, 4), (["loss", "acc"], 2)]:
            want = q.history(store, path, keys=keys, samples=samples, exact=True)
            got = found.history(keys, samples)
            assert answers(found.run, got) == answers(indexed, want), (keys, samples)

    try:
        check()
    finally:
        store.close()


def test_a_big_run_is_left_to_the_store(tmp_path: Path, monkeypatch):
    Records(tmp_path).finished("r", rows=5)
    assert fromfiles.read_run(tmp_path, "me", "proj", "r") is not None
    monkeypatch.setattr(fromfiles, "MAX_BYTES", 100)
    assert fromfiles.read_run(tmp_path, "me", "proj", "r") is None
    assert fromfiles.read_run(tmp_path, "me", "proj", "missing") is None
    assert fromfiles.read_run(tmp_path, "me", "proj", "../proj") is None
