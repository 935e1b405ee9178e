"""A page of runs and its total (one pass with a filter), a page read up to its last
sort value, and migration 0011 that keys run_values for the runs table at 100,000 runs."""

from __future__ import annotations

import random

import sqlalchemy as sa
from alembic import command

from runbase.store import queries as q
from runbase.store.db.migrate import HEAD, alembic_config, current_revision, migrate
from runbase.store.db.schema import run_values

FILTERS = [
    None,
    {"config.lr": {"$gt": 0.005}},
    {"config.opt": {"$in": ["adam", None, 3]}},
    {"config.opt": {"$nin": ["adam", "sgd"]}},
    {"tags": "big", "summary.loss": {"$lt": 10}},
    {"$or": [{"config.layers": {"$gte": 3}}, {"config.flag": True}]},
]
ORDERS = ["-created_at", "config.lr", "-summary.loss", "name", "tags,-config.layers"]


def _fill(store, records):
    specs = [
        ("r1", {"lr": 0.1, "opt": "adam", "layers": 2}, ["base"], 3.0),
        ("r2", {"lr": 0.01, "opt": "sgd", "layers": 4}, ["base", "big"], 2.0),
        ("r3", {"lr": 0.001, "opt": None, "flag": True}, [], 5.0),
        ("r4", {"lr": "auto", "opt": 3}, ["big"], float("nan")),
        ("r5", {"lr": 0.02}, ["big"], 1.0),
    ]
    for i, (rid, config, tags, loss) in enumerate(specs):
        seg = records.start(rid, config=config, tags=tags, t=1_700_000_000.0 + 100 * i)
        seg.log(0, {"loss": loss})
        seg.close()
    store.sync()


def _answers(store):
    out = []
    for flt in FILTERS:
        for order in ORDERS:
            for limit, offset in ((None, 0), (2, 0), (2, 3), (2, 9), (0, 0)):
                page = q.query_runs(store, "me", "proj", flt, order, limit=limit, offset=offset)
                out.append((page.total, [r.id for r in page.runs]))
    return out


def test_a_page_counts_every_match_whatever_the_window(store, records):
    _fill(store, records)
    full = q.query_runs(store, "me", "proj", {"tags": "big"}, "config.lr", limit=None)
    assert [r.id for r in full.runs] == ["r2", "r5", "r4"]
    for limit, offset in ((1, 0), (1, 2), (5, 3), (0, 0), (2, 7)):
        page = q.query_runs(store, "me", "proj", {"tags": "big"}, "config.lr", limit, offset)
        assert page.total == 3
        assert [r.id for r in page.runs] == [r.id for r in full.runs][offset:][:limit]
    assert q.query_runs(store, "me", "proj", None, limit=2, offset=4).total == 5
    none = q.query_runs(store, "me", "proj", {"config.lr": {"$gt": 1}})
    assert (none.total, none.runs) == (0, [])


def _fill_mixed(records):
    rng = random.Random(5)
    pool = [0, 1, 1, 2, 2.5, -3, True, False, "a", "b", "b", None, float("nan"), [1], "1"]
    for i in range(40):
        config = {"v": rng.choice(pool), "w": rng.randint(0, 3)}
        if i % 7 == 3:
            del config["v"]
        seg = records.start(
            f"r{i:02d}",
            config=config,
            name=rng.choice(["n1", "n2", "N2", None, f"m{i}"]),
            tags=["even"] if i % 2 == 0 else [],
            t=1_700_000_000.0 + i,
        )
        seg.log(0, {"loss": rng.choice([0.5, 0.25, 1, 2, float("nan"), "s", True])})
        seg.close()
    # The same keys in another project: its runs are in the walks, never in a page.
    for i in range(12):
        records.start(f"o{i}", project="other", config={"v": 9 - i, "w": 3}).close()


def test_a_page_read_up_to_its_last_sort_value_is_the_slice_of_the_whole_order(store, records):
    _fill_mixed(records)
    store.sync()
    walks = []
    sa.event.listen(
        store.engine,
        "before_cursor_execute",
        lambda conn, cur, sql, *a: walks.append(sql) if " AS walk " in sql else None,
    )
    orders = ["config.v", "-config.v", "-config.w", "summary.loss", "-summary.loss", "name"]
    for order in [*orders, "-name", "config.w,-config.v", "-config.v.value"]:
        for flt in [None, {"tags": "even"}, {"config.w": {"$gte": 1}}, {"config.v": {"$ne": 1}}]:
            whole = q.query_runs(store, "me", "proj", flt, order, limit=None)
            ids = [r.id for r in whole.runs]
            for limit, offset in ((1, 0), (3, 0), (5, 2), (10, 10), (4, 30), (2, 60), (40, 0)):
                page = q.query_runs(store, "me", "proj", flt, order, limit=limit, offset=offset)
                assert page.total == whole.total, (order, flt, limit, offset)
                assert [r.id for r in page.runs] == ids[offset:][:limit], (order, flt, limit)
    if store.engine.dialect.name == "sqlite":
        assert len(walks) > 100  # the pages above were read that way (SQLite only)


def test_migration_0011_keeps_every_value_and_answer(store, records):
    _fill(store, records)
    before = _answers(store)
    values = _values(store)
    assert len(values) >= 14
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0010_oidc_identities")
    assert current_revision(store.engine) == "0010_oidc_identities"
    assert _values(store) == values
    assert _answers(store) == before
    migrate(store.engine)
    assert current_revision(store.engine) == HEAD
    assert _values(store) == values
    assert _answers(store) == before
    # The indexer writes to the migrated table as to a new one.
    seg = records.start("r6", config={"lr": 0.5, "opt": "adam"}, t=1_700_001_000.0)
    seg.close()
    store.sync()
    assert q.query_runs(store, "me", "proj", {"config.opt": "adam"}).total == 2


def _values(store):
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(run_values)).all()
    return sorted(rows, key=lambda r: (r.rid, r.section, r.key))
