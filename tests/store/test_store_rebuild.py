"""Indexing is incremental and idempotent: any batching gives the data of one full pass."""

from __future__ import annotations

import math
import random

import sqlalchemy as sa

from runbase.records import Kind
from runbase.records.appendlog import append_records
from runbase.records.layout import edits_path
from runbase.store import edits, open_store
from runbase.store import queries as q
from runbase.store.db.schema import hist_chunks, media, media_keys, project_keys, run_keys, runs
from runbase.store.db.values import pack


def dump(store) -> bytes:
    """Everything a reader can see, plus the stored chunks and key statistics."""
    out = {"projects": q.list_projects(store), "runs": []}
    for p in q.list_projects(store):
        out["keys"] = q.metric_keys(store, p.entity, p.project)
        out["columns"] = q.project_columns(store, p.entity, p.project)
        page = q.query_runs(store, p.entity, p.project, limit=None, exact=True)
        for run in page.runs:
            path = run.path
            full = q.get_run(store, *path, exact=True)
            item = {
                "run": full,
                "history": q.history(store, path, exact=True),
                "system": q.system_series(store, path, exact=True),
                "logs": q.logs(store, path),
                "files": [(f.name, f.size, f.policy, f.time) for f in q.files(store, path)],
                "series": {k.key: q.series(store, path, k.key, buckets=7) for k in out["keys"]},
            }
            out["runs"].append(item)
    with store.engine.connect() as conn:
        chunk_rows = conn.execute(
            sa.select(runs.c.run_id, hist_chunks)
            .join(runs, runs.c.rid == hist_chunks.c.rid)
            .order_by(runs.c.run_id, hist_chunks.c.key, hist_chunks.c.seq)
        ).all()
        key_rows = conn.execute(
            sa.select(runs.c.run_id, run_keys)
            .join(runs, runs.c.rid == run_keys.c.rid)
            .order_by(runs.c.run_id, run_keys.c.key)
        ).all()
        media_rows = conn.execute(
            sa.select(runs.c.run_id, media)
            .join(runs, runs.c.rid == media.c.rid)
            .order_by(runs.c.run_id, media.c.key, media.c.row)
        ).all()
        media_key_rows = conn.execute(
            sa.select(runs.c.run_id, media_keys.c.key, media_keys.c.kind)
            .join(runs, runs.c.rid == media_keys.c.rid)
            .order_by(runs.c.run_id, media_keys.c.key)
        ).all()
        out["project_keys"] = [
            tuple(r) for r in conn.execute(sa.select(project_keys).order_by(*project_keys.c))
        ]
    out["media"] = [tuple(r)[:1] + tuple(r)[2:] for r in media_rows]
    out["media_keys"] = [tuple(r) for r in media_key_rows]
    out["chunks"] = [tuple(r)[:1] + tuple(r)[2:] for r in chunk_rows]
    out["stats"] = [tuple(r)[:1] + tuple(r)[2:] for r in key_rows]
    return pack(out)


def write_in_pieces(records, root, store, rng: random.Random) -> None:
    """A live run written in random-sized pieces, syncing between them."""
    seg = records.start("live", live=True, config={"lr": 0.01})
    seg.add(Kind.METRIC, {"name": "loss", "summary": "min,max,mean,last"})
    done = records.finished("other", rows=5)
    del done
    step = 0
    for piece in range(12):
        for _ in range(rng.randint(0, 900)):
            kind = rng.random()
            if kind < 0.7:
                row = {"loss": rng.random(), "acc": rng.randint(0, 9)}
                if step % 7 == 0:
                    row["img"] = {"_type": "image-file", "path": f"media/images/img_{step}.png"}
                seg.log(step, row)
                step += 1
            elif kind < 0.8:
                # commit=False style: a second record of the same row
                row = {"extra": rng.random(), "loss": rng.random()}
                if kind < 0.72:
                    row["img"] = {"_type": "image-file", "path": f"media/images/again_{step}.png"}
                seg.log(step - 1 if step else 0, row)
            elif kind < 0.85:
                seg.log(max(0, step - 5), {"late": "s"})  # a lower step: its own row
            elif kind < 0.9:
                seg.add(Kind.SYSTEM, {"cpu": rng.random() * 100})
            elif kind < 0.95:
                seg.add(Kind.OUTPUT, [[seg.t, "stdout", f"line {step}"]])
            else:
                seg.add(Kind.SUMMARY, {"set": {"manual": step}})
        if piece == 3:
            # Same step as the row the previous piece ended on, and the same key.
            img = {"_type": "image-file", "path": "media/images/later.png"}
            seg.log(max(step - 1, 0), {"loss": math.nan, "acc": 99, "img": img})
        if piece == 6:
            append_records(
                edits_path(root, "me", "proj", "live"),
                [(Kind.INFO, {"tags": ["edited"]}), (Kind.CONFIG, {"set": {"bs": 8}})],
            )
            edits.update_run(store, "me", "proj", "live", notes="hello")
        store.sync()
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    store.sync()


def test_pieces_equal_one_pass_and_resync_changes_nothing(tmp_path, root, records):
    live = open_store(root)
    write_in_pieces(records, root, live, random.Random(7))
    first = dump(live)
    assert live.sync().runs == 0
    assert dump(live) == first
    rebuilt = open_store(tmp_path / "rebuilt.db", root=root)
    rebuilt.sync()
    assert dump(rebuilt) == first
    run = q.get_run(rebuilt, "me", "proj", "live")
    assert run.tags == ["edited"] and run.notes == "hello" and run.config["bs"] == 8
    assert set(run.summary["loss"]) == {"min", "max", "mean", "last"}


def test_deleting_store_db_rebuilds_the_same(tmp_path, root, records):
    records.finished("a", rows=3000)
    seg = records.start("b", config={"x": {"y": 1}})
    for i in range(2500):
        seg.log(i, {"v": float(i), "s": str(i)} if i % 2 else {"v": i})
    seg.close()
    store = open_store(root)
    store.sync()
    before = dump(store)
    store.close()
    for name in ("store.db", "store.db-wal", "store.db-shm"):
        (root / name).unlink(missing_ok=True)
    again = open_store(root)
    again.sync()
    assert dump(again) == before
    again.close()


def test_postgres_and_sqlite_index_the_same(tmp_path, root, records, pg_url):
    write_in_pieces(records, root, open_store(tmp_path / "a.db", root=root), random.Random(3))
    lite = open_store(tmp_path / "b.db", root=root)
    pg = open_store(pg_url, root=root)
    lite.sync()
    pg.sync()
    assert dump(pg) == dump(lite)
    pg.close()
