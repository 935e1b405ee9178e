"""The media index: media pointers logged in history, read by key, run and step."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from runbase.records import Kind
from runbase.store import open_store
from runbase.store import queries as q
from runbase.store.db.migrate import HEAD, alembic_config, current_revision, migrate
from runbase.store.db.schema import media, media_keys


def image(path: str, **extra: object) -> dict[str, object]:
    return {"_type": "image-file", "path": path, "width": 4, "height": 3, "format": "png", **extra}


HIST = {"_type": "histogram", "values": [1, 2], "bins": [0.0, 1.0, 2.0]}
LABELS = {
    "mask/class_labels": {
        "img_wandb_delimeter_gt": {
            "type": "mask/class_labels",
            "key": "img_wandb_delimeter_gt",
            "value": {"0": "bg", "1": "cat"},
        }
    },
    "visualize": {"roc": {"panel_type": "Vega2", "panel_config": {}}},
}


def log_two_runs(records) -> None:
    """Run a logs "img" at steps 0, 10, 20 and a table at 20; run b "img" at 5 and 15."""
    a = records.start("a", config={"_wandb": LABELS, "lr": 0.1})
    for step in (0, 10, 20):
        a.log(step, {"img": image(f"media/images/img_{step}.png"), "loss": 1.0, "h": HIST})
    a.log(20, {"roc_table": {"_type": "table-file", "path": "media/table/roc_table_20.json"}})
    a.add(Kind.EXIT, {"exit_code": 0})
    a.close()
    b = records.start("b")
    for step in (5, 15):
        b.log(step, {"img": image(f"media/images/img_{step}.png", caption=f"b{step}")})
    b.log(16, {"note": "text", "dict": {"_type": "not-media"}})
    b.close()


def test_media_keys_count_runs_and_list_charts(store, records):
    log_two_runs(records)
    store.sync()
    keys = q.media_keys_of(store, "me", "proj", ["a", "b", "nope"])
    assert [(k.key, k.kind, k.runs) for k in keys] == [
        ("h", "histogram", 1),
        ("img", "image", 2),
        ("roc", "chart", 1),
        ("roc_table", "table", 1),
    ]
    assert [k.key for k in q.media_keys_of(store, "me", "proj", ["b"])] == ["img"]
    assert q.media_keys_of(store, "me", "proj", []) == []


def test_steps_per_run(store, records):
    log_two_runs(records)
    store.sync()
    assert q.media_steps(store, "me", "proj", "img", ["b", "a"]) == {"b": [5, 15], "a": [0, 10, 20]}
    assert q.media_steps(store, "me", "proj", "loss", ["a"]) == {}


def test_at_step_takes_the_nearest_step_at_or_before_else_the_first_after(store, records):
    log_two_runs(records)
    store.sync()

    def shown(step: int) -> list[tuple[str, int, str]]:
        items = q.media_at_step(store, "me", "proj", "img", ["a", "b"], step)
        return [(i.run_id, i.step, i.value["path"]) for i in items]

    assert shown(10) == [("a", 10, "media/images/img_10.png"), ("b", 5, "media/images/img_5.png")]
    assert shown(3) == [("a", 0, "media/images/img_0.png"), ("b", 5, "media/images/img_5.png")]
    assert shown(99) == [("a", 20, "media/images/img_20.png"), ("b", 15, "media/images/img_15.png")]
    items = q.media_at_step(store, "me", "proj", "img", ["b", "a"], 15)
    assert [i.run_id for i in items] == ["b", "a"]
    assert items[0].value["caption"] == "b15" and items[0].kind == "image"
    assert items[1].labels["mask/class_labels"]["img_wandb_delimeter_gt"] == {"0": "bg", "1": "cat"}
    assert items[0].labels == {}


def test_a_value_logged_again_on_the_same_step_replaces_the_pointer(store, records):
    seg = records.start("a", live=True)
    seg.log(0, {"img": image("media/images/first.png")})
    store.sync()
    seg.log(0, {"img": image("media/images/second.png")})
    seg.log(1, {"img": 3.5})
    store.sync()
    items = q.media_at_step(store, "me", "proj", "img", ["a"], 0)
    assert [i.value["path"] for i in items] == ["media/images/second.png"]
    assert q.media_steps(store, "me", "proj", "img", ["a"]) == {"a": [0]}
    seg.close()


def test_migration_fills_the_media_index_of_an_older_store(root, records, tmp_path):
    log_two_runs(records)
    store = open_store(tmp_path / "old.db", root=root)
    store.sync()
    with store.engine.connect() as conn:
        before = conn.execute(
            sa.select(media).order_by(media.c.rid, media.c.key, media.c.row)
        ).all()
    assert len(before) == 9
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0003")
    assert current_revision(store.engine) == "0003"
    migrate(store.engine)
    assert current_revision(store.engine) == HEAD
    with store.engine.connect() as conn:
        after = conn.execute(sa.select(media).order_by(media.c.rid, media.c.key, media.c.row)).all()
        kinds = conn.execute(sa.select(media_keys.c.key, media_keys.c.kind)).all()
    assert after == before
    assert sorted(kinds) == [
        ("h", "histogram"),
        ("img", "image"),
        ("img", "image"),
        ("roc_table", "table"),
    ]
    store.close()
