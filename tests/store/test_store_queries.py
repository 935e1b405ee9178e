"""Runs-table queries: Mongo-style filters and sorting, done in SQL."""

from __future__ import annotations

import math

import pytest
from recordkit import Records, backend_store

from runbase.records import Kind
from runbase.store import queries as q


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def project(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("rb")
    records = Records(root)
    with backend_store(request.param, root) as store:
        _fill(store, records)
        yield store


def _fill(store, records):
    specs = [
        ("r1", {"lr": 0.1, "opt": {"name": "adam"}, "layers": 2}, ["base"], "g1", 0, [3.0, 1.0]),
        (
            "r2",
            {"lr": 0.01, "opt": {"name": "sgd"}, "layers": 4},
            ["base", "big"],
            "g1",
            0,
            [2.0, 0.5],
        ),
        ("r3", {"lr": 0.001, "opt": {"name": "adam"}, "flag": True}, [], "g2", 1, [5.0, 4.0]),
        ("r4", {"lr": "auto", "opt": {"name": "adamw"}}, ["big"], None, 0, [math.nan, 0.9]),
    ]
    t = 1_700_000_000.0
    for i, (rid, config, tags, group, code, losses) in enumerate(specs):
        seg = records.start(
            rid,
            config=config,
            tags=tags,
            group=group,
            t=t + 100 * i,
            job_type="train" if i % 2 else "eval",
            name=f"run-{i}",
        )
        for step, loss in enumerate(losses):
            seg.log(step, {"loss": loss})
        seg.add(Kind.EXIT, {"exit_code": code})
        seg.close()
    store.sync()


def ids(store, filters=None, order="-created_at", **kw):
    return [r.id for r in q.query_runs(store, "me", "proj", filters, order, **kw).runs]


def test_default_order_newest_first(project):
    assert ids(project) == ["r4", "r3", "r2", "r1"]
    assert ids(project, order="+created_at") == ["r1", "r2", "r3", "r4"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"config.lr": 0.1}, ["r1"]),
        ({"config.lr": {"$gt": 0.005}}, ["r1", "r2"]),
        ({"config.lr": {"$gte": 0.01, "$lt": 0.1}}, ["r2"]),
        ({"config.lr": {"$lte": 0.001}}, ["r3"]),
        ({"config.lr": "auto"}, ["r4"]),
        ({"config.opt.name": {"$in": ["sgd", "adamw"]}}, ["r2", "r4"]),
        ({"config.opt.name": {"$nin": ["adam"]}}, ["r2", "r4"]),
        ({"config.opt.name": {"$ne": "adam"}}, ["r2", "r4"]),
        ({"config.opt.name": {"$regex": "^adam"}}, ["r1", "r3", "r4"]),
        ({"config.flag": True}, ["r3"]),
        ({"config.flag": {"$exists": True}}, ["r3"]),
        ({"config.flag": {"$exists": False}}, ["r1", "r2", "r4"]),
        ({"config.layers": None}, ["r3", "r4"]),
        ({"config.lr.value": 0.1}, ["r1"]),  # W&B's spelling
        ({"summary.loss": {"$lt": 1.0}}, ["r2", "r4"]),
        ({"summary_metrics.loss": 4.0}, ["r3"]),
        ({"max:loss": {"$gte": 3.0}}, ["r1", "r3"]),
        ({"min:loss": {"$lt": 0.95}}, ["r2", "r4"]),
        ({"tags": "big"}, ["r2", "r4"]),
        ({"tags": {"$in": ["base"]}}, ["r1", "r2"]),
        ({"tags": {"$nin": ["base"]}}, ["r3", "r4"]),
        ({"tags": {"$exists": False}}, ["r3"]),
        ({"tags": {"$regex": "^bi"}}, ["r2", "r4"]),
        ({"state": "failed"}, ["r3"]),
        ({"state": {"$ne": "failed"}}, ["r1", "r2", "r4"]),
        ({"group": "g1"}, ["r1", "r2"]),
        ({"group": None}, ["r4"]),
        ({"group": {"$ne": "g1"}}, ["r3", "r4"]),
        ({"job_type": "train"}, ["r2", "r4"]),
        ({"name": {"$regex": "run-[12]"}}, ["r2", "r3"]),
        ({"display_name": "run-0"}, ["r1"]),
        ({"id": {"$in": ["r1", "r4"]}}, ["r1", "r4"]),
        ({"user": "me"}, ["r1", "r2", "r3", "r4"]),
        ({"created_at": {"$gt": "2023-11-14T22:16:00Z"}}, ["r3", "r4"]),
        ({"created_at": {"$lt": 1_700_000_150.0}}, ["r1", "r2"]),
        ({"runtime": {"$gte": 0}}, ["r1", "r2", "r3", "r4"]),
        ({"$or": [{"config.lr": 0.1}, {"tags": "big"}]}, ["r1", "r2", "r4"]),
        ({"$and": [{"config.opt.name": "adam"}, {"state": "finished"}]}, ["r1"]),
        ({"$nor": [{"config.opt.name": "adam"}]}, ["r2", "r4"]),
        ({"config.opt.name": "adam", "config.lr": {"$gt": 0.05}}, ["r1"]),
    ],
)
def test_filters(project, filters, expected):
    got = q.query_runs(project, "me", "proj", filters, order="+created_at", limit=None)
    assert [r.id for r in got.runs] == expected
    assert got.total == len(expected)


def test_sorting_by_values_and_stats(project):
    # NaN and missing values sort last in both directions.
    assert ids(project, order="+summary.loss") == ["r2", "r4", "r1", "r3"]
    assert ids(project, order="-summary.loss") == ["r3", "r1", "r4", "r2"]
    assert ids(project, order="-config.lr") == ["r1", "r2", "r3", "r4"]  # numbers before text
    assert ids(project, order="config.layers") == ["r1", "r2", "r4", "r3"]
    assert ids(project, order="-max:loss") == ["r3", "r1", "r2", "r4"]
    assert ids(project, order="+min:loss") == ["r2", "r4", "r1", "r3"]
    assert ids(project, order="+name") == ["r1", "r2", "r3", "r4"]
    assert ids(project, order=["+group", "-created_at"]) == ["r2", "r1", "r3", "r4"]


def test_pagination(project):
    page = q.query_runs(project, "me", "proj", order="+created_at", limit=2, offset=1)
    assert page.total == 4
    assert [r.id for r in page.runs] == ["r2", "r3"]


def test_run_fields(project):
    run = q.query_runs(project, "me", "proj", {"id": "r4"}).runs[0]
    assert run.config == {"lr": "auto", "opt": {"name": "adamw"}}
    assert run.summary["loss"] == 0.9
    assert run.tags == ["big"] and run.state == "finished"
    assert run.path == ["me", "proj", "r4"]
    assert q.get_run(project, "me", "proj", "nope") is None


@pytest.mark.parametrize(
    ("filters", "message"),
    [
        ({"config.lr": {"$foo": 1}}, "$foo"),
        ({"$xor": []}, "$xor"),
        ({"bogus": 1}, "bogus"),
        ({"config.lr": {"$gt": [1]}}, "$gt"),
        ({"$or": {"a": 1}}, "$or"),
        ({"config.lr": {"$exists": "yes"}}, "$exists"),
        ({"config.lr": {"$in": 3}}, "$in"),
        ({"tags": {"$gt": "a"}}, "tags"),
        ({"config.opt": {"name": "adam"}}, "config.opt"),
        ({"created_at": {"$gt": "yesterday"}}, "yesterday"),
    ],
)
def test_malformed_filters_say_what_is_wrong(project, filters, message):
    with pytest.raises(ValueError, match=message.replace("$", r"\$")):
        q.query_runs(project, "me", "proj", filters)


def test_bad_sort_key(project):
    with pytest.raises(ValueError, match="nosuch"):
        q.query_runs(project, "me", "proj", order="-nosuch")
