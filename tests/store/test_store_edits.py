"""Changing and deleting runs: through the record files, so a rebuilt store keeps it."""

from __future__ import annotations

import math

import msgspec
import pytest

from runbase.records import Kind
from runbase.store import edits, open_store
from runbase.store import queries as q


def test_update_run_survives_a_rebuild(tmp_path, store, records, root):
    records.finished("r1", config={"lr": 0.1, "drop": 1})
    store.sync()
    run = edits.update_run(
        store,
        "me",
        "proj",
        "r1",
        name="better",
        notes="note",
        tags=["x", "y", "x"],
        group="g",
        job_type="eval",
        config_set={"lr": 0.5},
        config_del=["drop"],
        summary_set={"score": 3},
        summary_del=["acc"],
    )
    assert run.name == "better" and run.notes == "note" and run.tags == ["x", "y"]
    assert run.group == "g" and run.job_type == "eval"
    assert run.config == {"lr": 0.5}
    assert run.summary["score"] == 3 and "acc" not in run.summary
    assert q.query_runs(store, "me", "proj", {"tags": "y", "config.lr": 0.5}).total == 1
    rebuilt = open_store(tmp_path / "again.db", root=root)
    rebuilt.sync()
    again = q.get_run(rebuilt, "me", "proj", "r1")
    assert (again.name, again.tags, again.config) == ("better", ["x", "y"], {"lr": 0.5})
    assert again.summary["score"] == 3 and "acc" not in again.summary


def test_an_edited_run_reads_back_typed_in_the_page_and_alone(store, records):
    seg = records.start("r1", config={"lr": 0.1})
    seg.add(Kind.METADATA, {"host": "h"})
    seg.add(Kind.METRIC, {"name": "loss", "summary": "min"})
    seg.log(0, {"loss": math.nan})
    seg.log(1, {"loss": 0.5})
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    store.sync()
    edited = edits.update_run(store, "me", "proj", "r1", name="renamed", tags=["t"])
    run = q.get_run(store, "me", "proj", "r1")
    assert isinstance(run, q.FullRunRow) and run == edited
    assert (run.name, run.tags, run.state, run.history_rows, run.last_step) == (
        "renamed", ["t"], "finished", 2, 1,
    )  # fmt: skip
    assert run.metadata == {"host": "h"} and run.metrics[0]["name"] == "loss"
    (listed,) = q.query_runs(store, "me", "proj").runs
    assert not isinstance(listed, q.FullRunRow) and listed.name == "renamed"
    # A page lists what get_run reads, less metadata and metric definitions.
    detail = msgspec.structs.asdict(run)
    assert msgspec.structs.asdict(listed) == {
        k: v for k, v in detail.items() if k not in ("metadata", "metrics")
    }
    # The row names its run for the other reads.
    assert [r["loss"] for r in q.history(store, listed)] == ["NaN", 0.5]
    stats = q.metric_stats(store, "me", "proj", [listed.id])[listed.id]
    assert stats == {"loss": q.MetricStats(min=0.5, max=0.5, last=0.5, count=2)}


def test_update_checks_its_input(store, records):
    records.finished("r1")
    store.sync()
    with pytest.raises(ValueError, match="tags"):
        edits.update_run(store, "me", "proj", "r1", tags="notalist")
    with pytest.raises(q.RunNotFound):
        edits.update_run(store, "me", "proj", "nope", notes="x")


def test_delete_runs_removes_rows_and_folder(tmp_path, store, records, root):
    records.finished("a")
    records.finished("b")
    store.sync()
    assert edits.delete_runs(store, "me", "proj", ["a", "missing"]) == 1
    assert not (root / "runs/me/proj/a").exists()
    assert [r.id for r in q.query_runs(store, "me", "proj").runs] == ["b"]
    assert q.list_projects(store)[0].run_count == 1
    store.sync()
    assert q.query_runs(store, "me", "proj").total == 1
    rebuilt = open_store(tmp_path / "again.db", root=root)
    rebuilt.sync()
    assert [r.id for r in q.query_runs(rebuilt, "me", "proj").runs] == ["b"]
    assert edits.delete_runs(store, "me", "proj", ["b"]) == 1
    assert q.list_projects(store) == []
