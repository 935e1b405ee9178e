"""Per-run metric statistics, a project's column keys and history versions."""

from __future__ import annotations

import math

import sqlalchemy as sa

from runbase.records import Kind
from runbase.store import queries as q
from runbase.store.db.schema import project_keys, run_keys, run_values, runs
from runbase.store.edits import delete_runs, update_run


def _run(records, run_id, rows, **kw):
    seg = records.start(run_id, **kw)
    for step, values in enumerate(rows):
        seg.log(step, values)
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()


def test_metric_stats(store, records):
    _run(
        records,
        "a",
        [
            {"loss": 3.0, "n": 1, "word": "x", "mixed": "low", "flag": True},
            {"loss": math.nan, "n": 5, "mixed": 2.5, "up": math.inf},
            {"loss": 1.0, "n": 2, "mixed": "high", "_hidden": 4.0},
            {"loss": 2.0, "allnan": math.nan},
        ],
        config={"lr": 0.1},
    )
    _run(records, "b", [{"loss": 7.0}])
    _run(records, "c", [{"word": "only text"}])
    store.sync()

    got = q.metric_stats(store, "me", "proj", ["a", "b", "c", "nope"], exact=True)
    assert set(got) == {"a", "b"}  # c has no numeric key, nope does not exist
    a = got["a"]
    assert set(a) == {"loss", "n", "mixed", "up", "_hidden", "allnan"}  # no _step etc.
    assert a["loss"] == q.MetricStats(min=1.0, max=3.0, last=2.0, count=4)
    assert a["n"] == q.MetricStats(min=1, max=5, last=2, count=3)
    # A key with strings among numbers: numbers only for min/max, last is the string.
    assert a["mixed"] == q.MetricStats(min=2.5, max=2.5, last=None, count=3)
    assert a["up"] == q.MetricStats(min=math.inf, max=math.inf, last=math.inf, count=1)
    assert a["allnan"].min is None and a["allnan"].max is None
    assert isinstance(a["allnan"].last, float) and math.isnan(a["allnan"].last)
    assert got["b"] == {"loss": q.MetricStats(min=7.0, max=7.0, last=7.0, count=1)}

    safe = q.metric_stats(store, "me", "proj", ["a"])["a"]
    assert safe["up"] == q.MetricStats("Infinity", "Infinity", "Infinity", count=1)
    assert safe["allnan"].last == "NaN" and safe["loss"] == a["loss"]
    assert q.metric_stats(store, "me", "proj", []) == {}
    assert q.metric_stats(store, "me", "other", ["a"]) == {}


def test_project_columns_follow_new_runs(store, records):
    _run(records, "a", [{"loss": 1.0, "word": "x"}], config={"lr": 0.1, "opt": {"name": "adam"}})
    store.sync()
    cols = q.project_columns(store, "me", "proj")
    assert cols.config == ["lr", "opt.name"]
    assert "loss" in cols.summary and not any(k.startswith("_") for k in cols.summary)
    assert cols.metrics == ["loss"]

    _run(records, "b", [{"acc": 0.5}], config={"layers": 3})
    store.sync()
    cols = q.project_columns(store, "me", "proj")
    assert cols.config == ["layers", "lr", "opt.name"]
    assert cols.metrics == ["acc", "loss"]
    assert q.project_columns(store, "me", "nothing") == q.ProjectColumns([], [], [])


def test_history_versions_change_with_each_row(store, records):
    seg = records.start("live", live=True)
    seg.log(0, {"loss": 1.0})
    store.sync()
    first = q.history_versions(store, "me", "proj", ["live", "nope"])
    assert set(first) == {"live"}
    seg.log(1, {"loss": 0.5})
    seg.log(2, {"loss": 0.25})
    store.sync()
    later = q.history_versions(store, "me", "proj", ["live"])
    assert later["live"] != first["live"]
    assert later["live"] == (3, 2)
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    store.sync()
    assert q.history_versions(store, "me", "proj", ["live"]) == {"live": (3, 2)}
    assert q.history_versions(store, "me", "proj", []) == {}


def test_columns_leave_out_wandb_internals_and_the_fields_of_media_values(store, records):
    """Chart specs and class labels in config["_wandb"] are no columns (as in W&B), nor
    are the fields of a logged image."""
    image = {"_type": "image-file", "path": "media/images/img_0_ab.png", "width": 8}
    image["masks"] = {"pred": {"_type": "mask", "path": "media/images/mask/p.png"}}
    config = {"lr": 0.1, "_wandb": {"visualize": {"roc": {"panel_type": "Vega2"}}}}
    _run(records, "m", [{"loss": 1.0, "img": image}], config=config)
    store.sync()
    cols = q.project_columns(store, "me", "proj")
    assert cols.config == ["lr"]
    assert [k for k in cols.summary if k.startswith("img.")] == []
    assert "loss" in cols.summary


def recount(store) -> set[tuple]:
    """``project_keys`` as a scan of every run's rows would count it."""
    numeric = sa.func.sum(sa.case((run_keys.c.numeric_count > 0, 1), else_=0))
    by_project = (runs.c.entity, runs.c.project)
    with store.engine.connect() as conn:
        values = conn.execute(
            sa.select(*by_project, run_values.c.section, run_values.c.key, sa.func.count())
            .join(runs, runs.c.rid == run_values.c.rid)
            .group_by(*by_project, run_values.c.section, run_values.c.key)
        ).all()
        keys = conn.execute(
            sa.select(*by_project, run_keys.c.key, sa.func.count(), numeric)
            .join(runs, runs.c.rid == run_keys.c.rid)
            .group_by(*by_project, run_keys.c.key)
        ).all()
    return {(e, p, s, k, n, 0) for e, p, s, k, n in values} | {
        (e, p, "h", k, n, num) for e, p, k, n, num in keys
    }


def kept(store) -> set[tuple]:
    with store.engine.connect() as conn:
        return {tuple(r) for r in conn.execute(sa.select(project_keys))}


def test_project_keys_follow_new_runs_edits_and_deletes(store, records):
    """The per-project key counts the columns come from stay what a scan of every run
    would count, as runs are indexed, live runs log more, edits drop keys, and runs go."""
    _run(records, "a", [{"loss": 1.0, "word": "x"}], config={"lr": 0.1, "opt": {"name": "adam"}})
    _run(records, "b", [{"loss": 2.0, "acc": 0.5}], config={"lr": 0.2, "layers": 3})
    _run(records, "c", [{"acc": 0.1}], config={"lr": 0.3}, project="other")
    live = records.start("live", live=True, config={"bs": 8})
    live.log(0, {"word": "text"})
    store.sync()
    assert kept(store) == recount(store)
    assert q.project_columns(store, "me", "proj").metrics == ["acc", "loss"]

    live.log(1, {"word": 2.5, "fresh": 1.0})  # "word" turns numeric in a second run
    store.sync()
    assert kept(store) == recount(store)
    assert q.project_columns(store, "me", "proj").metrics == ["acc", "fresh", "loss", "word"]
    word = [k for k in q.metric_keys(store, "me", "proj") if k.key == "word"]
    assert word == [q.MetricKey("word", 2, True)]

    update_run(store, "me", "proj", "b", config_del=["layers"], summary_set={"best": 0.9})
    assert kept(store) == recount(store)
    cols = q.project_columns(store, "me", "proj")
    assert cols.config == ["bs", "lr", "opt.name"]
    assert "best" in cols.summary

    delete_runs(store, "me", "proj", ["a", "live"])
    assert kept(store) == recount(store)
    cols = q.project_columns(store, "me", "proj")
    assert (cols.config, cols.metrics) == (["lr"], ["acc", "loss"])
    assert q.project_columns(store, "me", "other").config == ["lr"]
    delete_runs(store, "me", "proj", ["b"])
    assert q.project_columns(store, "me", "proj") == q.ProjectColumns([], [], [])
    assert kept(store) == recount(store)
    live.close()


def test_a_store_from_before_project_keys_counts_its_keys_when_migrated(root, records):
    from runbase.store import open_store

    _run(records, "a", [{"loss": 1.0}], config={"lr": 0.1})
    _run(records, "b", [{"loss": 2.0, "word": "x"}], config={"lr": 0.2, "opt": "sgd"})
    store = open_store(root)
    store.sync()
    want = kept(store)
    with store.engine.begin() as conn:  # the store as migration 0012 left it
        conn.execute(sa.text("DROP TABLE project_keys"))
        conn.execute(sa.text("DROP INDEX ix_runs_name"))  # migration 0014's
        conn.execute(
            sa.text("UPDATE alembic_version SET version_num = '0012_documents_stops_uploaders'")
        )
    store.close()
    again = open_store(root)
    assert kept(again) == want == recount(again)
    assert q.project_columns(again, "me", "proj").config == ["lr", "opt"]
    again.close()
