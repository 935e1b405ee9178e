"""``group_counts``: runs grouped in SQL, checked against the order of ``query_runs``.

The reference is what the web server did before: read every matching run with
``query_runs`` (order starting with ``by``) and cut it where the value changes.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from recordkit import Records, backend_store

from runbase.records import Kind
from runbase.store import queries as q
from runbase.store.db.values import flatten

# (run id, config, summary (last history values), tags, group, exit code)
SPECS: list[tuple[str, dict[str, Any], dict[str, Any], list[str], str | None, int]] = [
    ("r00", {"opt": "adam", "lr": 0.1, "flag": True, "layers": 2}, {"loss": 0.5}, ["b"], "g1", 0),
    ("r01", {"opt": "sgd", "lr": 0.01, "flag": 1, "layers": 4}, {"loss": math.nan}, [], "g1", 1),
    ("r02", {"opt": "adam", "lr": 0.1, "flag": False}, {}, ["a", "c"], None, 0),
    ("r03", {"opt": None, "lr": 1, "flag": 0, "layers": [1, 2]}, {"loss": 0.25}, [], "g2", 0),
    ("r04", {"lr": 1.0, "flag": True, "layers": "[1,2]"}, {"loss": math.nan}, ["a"], None, 1),
    ("r05", {"opt": "adamw", "lr": "auto", "layers": 2}, {"loss": 0.5}, ["c"], "g2", 0),
    ("r06", {"opt": "sgd", "lr": 0.01, "flag": None}, {}, [], "g1", 0),
    ("r07", {"opt": "adam", "lr": 0.001, "flag": 1, "layers": 4}, {"loss": 0.75}, ["b"], None, 0),
    ("r08", {"opt": {"name": "x"}, "lr": 0.1, "layers": {}}, {"loss": 0.25}, [], "g1", 1),
    ("r09", {"opt": "sgd", "lr": 0.01, "flag": True}, {"loss": 0.5}, ["a"], "g2", 0),
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def store(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("rb")
    records = Records(root)
    with backend_store(request.param, root) as s:
        t = 1_700_000_000.0
        for i, (rid, config, summary, tags, group, code) in enumerate(SPECS):
            seg = records.start(
                rid, config=config, tags=tags, group=group, t=t + 100 * i, name=f"run-{i % 4}"
            )
            seg.log(0, {"acc": i / 10, **summary})
            seg.add(Kind.EXIT, {"exit_code": code})
            seg.close()
        s.sync()
        yield s


def _key(v: Any) -> str:
    # How the web app compares a group's value with a run's (JSON), 1 and 1.0 alike.
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return json.dumps(v, sort_keys=True)


def _value(run: q.RunRow, by: str) -> Any:
    if by.startswith("config."):
        return flatten(run.config).get(by[len("config.") :])
    if by.startswith("summary."):
        return flatten(run.summary).get(by[len("summary.") :])
    if by == "tags":
        return min(run.tags, default=None)
    return getattr(run, by)


def _reference(store, by, filters, order) -> list[tuple[str, int, int]]:
    runs = q.query_runs(store, "me", "proj", filters, order=order, limit=None).runs
    out: list[list[Any]] = []
    for i, run in enumerate(runs):
        k = _key(_value(run, by))
        if out and out[-1][0] == k:
            out[-1][1] += 1
        else:
            out.append([k, 1, i])
    return [tuple(g) for g in out]


def _check(store, by, filters=None, order=None) -> q.GroupCounts:
    res = q.group_counts(store, "me", "proj", by, filters=filters, order=order)
    got = [(_key(g.value), g.count, g.offset) for g in res.groups]
    assert got == _reference(store, by, filters, res.order)
    # One group per value: the order keeps equal values together.
    assert len({k for k, _, _ in got}) == len(got)
    total = q.query_runs(store, "me", "proj", filters, limit=1).total
    assert res.total == total == sum(g.count for g in res.groups)
    assert res.truncated is False and res.by == by
    return res


def _groups(res) -> list[tuple[Any, int, int]]:
    return [(g.value, g.count, g.offset) for g in res.groups]


def test_config_string_key_with_missing_null_and_nested(store):
    res = _check(store, "config.opt")
    assert res.order == "config.opt"
    # Missing (r04), null (r03) and a dict (r08: config.opt is no leaf) sort last as one.
    assert _groups(res) == [("adam", 3, 0), ("adamw", 1, 3), ("sgd", 3, 4), (None, 3, 7)]
    res = _check(store, "config.opt", order="-config.opt,name")
    assert res.order == "-config.opt,name"
    assert _groups(res) == [("sgd", 3, 0), ("adamw", 1, 3), ("adam", 3, 4), (None, 3, 7)]


def test_config_numbers_strings_and_mixed_types(store):
    res = _check(store, "config.lr")
    # Numbers before strings; 1 and 1.0 are one group.
    assert _groups(res) == [(0.001, 1, 0), (0.01, 3, 1), (0.1, 3, 4), (1, 2, 7), ("auto", 1, 9)]
    _check(store, "config.lr", order="-config.lr,-created_at")
    # Booleans sit beside the numbers equal to them, as groups of their own.
    res = _check(store, "config.flag")
    assert [(v, type(v).__name__, n) for v, n, _ in _groups(res)] == [
        (False, "bool", 1),
        (0, "int", 1),
        (True, "bool", 3),
        (1, "int", 2),
        (None, "NoneType", 3),
    ]
    _check(store, "config.flag", order="-config.flag")
    # A JSON list apart from the same text, an empty dict, missing last.
    res = _check(store, "config.layers")
    assert [v for v, _, _ in _groups(res)] == [2, 4, [1, 2], "[1,2]", {}, None]
    _check(store, "config.layers", order="-config.layers,name")


def test_summary_key_with_nan_and_missing(store):
    res = _check(store, "summary.loss")
    assert _groups(res) == [(0.25, 2, 0), (0.5, 3, 2), (0.75, 1, 5), ("NaN", 2, 6), (None, 2, 8)]
    res = _check(store, "summary.loss", order="-summary.loss")
    assert _groups(res) == [(0.75, 1, 0), (0.5, 3, 1), (0.25, 2, 4), ("NaN", 2, 6), (None, 2, 8)]
    exact = q.group_counts(store, "me", "proj", "summary.loss", exact=True)
    assert math.isnan(exact.groups[3].value)


@pytest.mark.parametrize("by", ["state", "group", "name", "job_type", "user", "tags"])
def test_run_fields(store, by):
    _check(store, by)
    _check(store, by, order=f"-{by},config.lr")


def test_run_field_values(store):
    res = _check(store, "state")
    assert _groups(res) == [("failed", 3, 0), ("finished", 7, 3)]
    res = _check(store, "group", order="-group")
    assert _groups(res) == [("g2", 3, 0), ("g1", 4, 3), (None, 3, 7)]
    res = _check(store, "tags")  # by the first tag; untagged runs last
    assert _groups(res) == [("a", 3, 0), ("b", 2, 3), ("c", 1, 5), (None, 4, 6)]


def test_with_a_filter(store):
    flt = {"$or": [{"config.lr": {"$gte": 0.01}}, {"summary.loss": None}]}
    res = _check(store, "config.opt", filters=flt, order="config.opt,-created_at")
    assert _groups(res) == [("adam", 2, 0), ("sgd", 3, 2), (None, 3, 5)]
    _check(store, "state", filters={"config.opt": {"$in": ["adam", "sgd"]}})
    _check(store, "summary.loss", filters={"tags": {"$in": ["a", "b"]}}, order="-summary.loss")
    res = _check(store, "config.opt", filters={"config.opt": "nope"})
    assert res.groups == [] and res.total == 0


def test_limit_truncates_and_keeps_total(store):
    res = q.group_counts(store, "me", "proj", "config.lr", limit=2)
    assert res.truncated is True and res.total == 10
    assert _groups(res) == [(0.001, 1, 0), (0.01, 3, 1)]
    res = q.group_counts(store, "me", "proj", "config.lr", limit=5)
    assert res.truncated is False and len(res.groups) == 5


def test_bad_keys_raise_value_error(store):
    with pytest.raises(ValueError, match="bogus"):
        q.group_counts(store, "me", "proj", "bogus")
    with pytest.raises(ValueError, match="nope"):
        q.group_counts(store, "me", "proj", "state", order="state,nope")
    with pytest.raises(ValueError, match=r"\$near"):
        q.group_counts(store, "me", "proj", "state", filters={"config.lr": {"$near": 1}})


def test_group_order():
    assert q.group_order("state") == "state"
    assert q.group_order("state", "-created_at") == "state,-created_at"
    assert q.group_order("state", " -state , name") == "-state,name"
    assert q.group_order("config.a", ["+config.a", "name"]) == "+config.a,name"


def test_field_values_most_common_first_without_missing(store):
    values, more = q.field_values(store, "me", "proj", "config.opt")
    assert not more
    # adam and sgd on three runs each (ties by value), then adamw; null is left out
    assert values == ["adam", "sgd", "adamw"]
    assert q.field_values(store, "me", "proj", "state")[0] == ["finished", "failed"]
    tags, _ = q.field_values(store, "me", "proj", "tags")
    assert sorted(tags) == ["a", "b", "c"] and tags[0] == "a"  # every tag, "a" on three runs
    lr, _ = q.field_values(store, "me", "proj", "config.lr")
    assert lr[0] in (0.1, 0.01) and set(lr) >= {0.1, 0.01, 1, 0.001, "auto"}


def test_field_values_are_bounded_and_refuse_unknown_fields(store):
    values, more = q.field_values(store, "me", "proj", "config.lr", limit=2)
    assert len(values) == 2 and more
    with pytest.raises(ValueError, match="unknown filter field"):
        q.field_values(store, "me", "proj", "bogus")


def test_field_values_read_only_the_newest_runs(store, monkeypatch):
    from runbase.store.queries import projectstats

    monkeypatch.setattr(projectstats, "SUGGEST_SCAN", 2)
    # r09 (sgd) and r08 (opt is a dict: config.opt.name) are the newest two
    assert q.field_values(store, "me", "proj", "config.opt") == (["sgd"], False)


def test_tag_counts_count_each_tag_over_the_matching_runs(store):
    assert q.tag_counts(store, "me", "proj") == (10, [("a", 3), ("b", 2), ("c", 2)])
    # A group: adam's runs r00 [b], r02 [a, c], r07 [b].
    adam = q.tag_counts(store, "me", "proj", filters={"config.opt": "adam"})
    assert adam == (3, [("b", 2), ("a", 1), ("c", 1)])
    assert q.tag_counts(store, "me", "proj", filters={"config.opt": "none"}) == (0, [])
    assert q.tag_counts(store, "me", "proj", limit=1)[1] == [("a", 3)]
