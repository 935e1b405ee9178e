"""Chart series: bucketed min/max/last that keep spikes, raw points when few, zoom ranges."""

from __future__ import annotations

import math

import numpy as np
import pytest

from runbase.store import queries as q


@pytest.fixture
def long_run(store, records):
    seg = records.start("r1", t=1000.0)
    for i in range(5000):
        y = 1.0 if i != 1234 else 500.0  # one spike
        if i == 4000:
            y = math.nan
        seg.log(
            i * 2,
            {"y": y, "epoch": i // 100, "sparse": float(i)} if i % 10 == 0 else {"y": y},
            t=1001.0 + i,
        )
    seg.close()
    store.sync()
    return store


def test_buckets_keep_spikes(long_run):
    s = q.series(long_run, "me/proj/r1", "y", buckets=100)
    assert s.bucketed is True and s.count == 5000
    assert len(s.x) == 100
    assert max(v for v in s.max if v is not None) == 500.0
    assert min(v for v in s.min if v is not None) == 1.0
    assert s.x[-1] == 9998.0 and s.x_range == [0.0, 9998.0]
    assert s.x == sorted(s.x)


def test_few_points_come_back_raw(long_run):
    s = q.series(long_run, "me/proj/r1", "sparse", buckets=1000)
    assert s.bucketed is False and s.count == 500
    assert s.x[:3] == [0.0, 20.0, 40.0]
    assert s.last[:3] == [0.0, 10.0, 20.0] and s.min == s.last


def test_zoom_reads_a_range_at_full_resolution(long_run):
    s = q.series(long_run, "me/proj/r1", "y", buckets=1000, x_min=2400, x_max=2500)
    assert s.bucketed is False
    assert s.x[0] == 2400.0 and s.x[-1] == 2500.0 and s.count == 51
    assert s.max[(2468 - 2400) // 2] == 500.0


def test_nan_is_a_gap(long_run):
    s = q.series(long_run, "me/proj/r1", "y", buckets=10000, x_min=7990, x_max=8010)
    assert None in s.last


@pytest.mark.parametrize("x", ["_runtime", "_timestamp", "epoch"])
def test_other_x_axes(long_run, x):
    s = q.series(long_run, "me/proj/r1", "y", x=x, buckets=1000)
    if x == "epoch":
        assert s.count == 500  # only rows that have both
        assert s.x[:11] == [0.0] * 10 + [1.0]
    else:
        assert s.count == 5000
        xs = np.array(s.x)
        assert (np.diff(xs) >= 0).all()
        assert max(v for v in s.max if v is not None) == 500.0
    if x == "_runtime":
        zoom = q.series(long_run, "me/proj/r1", "y", x=x, x_min=1230, x_max=1240)
        assert zoom.bucketed is False and 500.0 in zoom.max and zoom.count == 11


def test_lower_steps_are_sorted_into_place(store, records):
    seg = records.start("r1")
    for step in [0, 1, 2, 1, 3]:
        seg.log(step, {"v": float(step * 10)})
    seg.close()
    store.sync()
    s = q.series(store, "me/proj/r1", "v")
    assert s.x == [0.0, 1.0, 1.0, 2.0, 3.0]
    assert s.last == [0.0, 10.0, 10.0, 20.0, 30.0]


def test_missing_key_and_run(long_run):
    assert q.series(long_run, "me/proj/r1", "nope").count == 0
    with pytest.raises(q.RunNotFound):
        q.series(long_run, "me/proj/zzz", "y")


def test_history_samples_and_keys(long_run):
    rows = q.history(long_run, "me/proj/r1", keys=["sparse"])
    assert len(rows) == 500 and set(rows[0]) == {"_step", "sparse"}
    sampled = q.history(long_run, "me/proj/r1", samples=10)
    assert len(sampled) == 10
    assert sampled[0]["_step"] == 0 and sampled[-1]["_step"] == 9998
    assert sampled == q.history(long_run, "me/proj/r1", samples=10)  # the same rows every time


@pytest.mark.parametrize("x", ["_step", "_timestamp", "epoch", "sparse"])
@pytest.mark.parametrize("key", ["y", "sparse", "word", "nothing"])
def test_series_of_several_runs_at_once_equal_each_alone(long_run, records, x, key):
    seg = records.start("r2", t=5000.0)
    for i in range(300):
        values = {"y": float(i % 7), "word": "a" if i % 3 else 2.0}
        if i % 4 == 0:
            values.update(sparse=float(-i), epoch=i // 30)
        seg.log(299 - i if i < 20 else i, values, t=5001.0 + i)  # some steps out of order
    seg.close()
    long_run.sync()
    together = q.series_of_runs(long_run, "me", "proj", ["r1", "r2", "nope"], key, x=x, buckets=50)
    assert set(together) == {"r1", "r2"}
    for run_id, line in together.items():
        assert line == q.series(long_run, f"me/proj/{run_id}", key, x=x, buckets=50)
