"""What the indexer derives from record files (docs/records.md, "Derived values")."""

from __future__ import annotations

import logging
import math
import os
import time

from runbase.records import Kind, read_segment
from runbase.records.appendlog import append_records
from runbase.records.layout import edits_path
from runbase.records.process import hold_segment
from runbase.sdk.environment.postmortem import append_output
from runbase.store import Store
from runbase.store import queries as q


def _run(store, run_id="r1", project="proj", exact=True):
    store.sync()
    return q.get_run(store, "me", project, run_id, exact=exact)


def test_history_rows_follow_step_changes(store, records):
    seg = records.start("r1", t=1000.0)
    seg.log(0, {"a": 1.0}, t=1002.0)
    seg.log(0, {"b": 2}, t=1003.0)  # same step: the same row
    seg.log(1, {"a": 3.0}, t=1004.0)
    seg.log(1, {"a": 4.0}, t=1005.0)  # later key overwrites within the row
    seg.log(0, {"a": 5.0}, t=1006.0)  # lower step: a row of its own, kept
    seg.close()
    store.sync()
    rows = q.history(store, "me/proj/r1", exact=True)
    assert rows == [
        {"_step": 0, "_timestamp": 1003.0, "_runtime": 2.0, "a": 1.0, "b": 2},
        {"_step": 1, "_timestamp": 1005.0, "_runtime": 4.0, "a": 4.0},
        {"_step": 0, "_timestamp": 1006.0, "_runtime": 5.0, "a": 5.0},
    ]
    run = q.get_run(store, "me", "proj", "r1", exact=True)
    assert run.history_rows == 3
    assert run.summary["a"] == 5.0
    assert run.summary["_step"] == 0


def test_values_round_trip_exactly(store, records):
    seg = records.start("r1")
    values = [
        {"x": math.nan, "s": "text", "n": None, "l": [1, 2.5, "a"], "big": 2**64 - 1, "t": True},
        {"x": math.inf, "s": "more", "i": 7},
        {"x": -math.inf, "i": 2**40},
    ]
    for i, v in enumerate(values):
        seg.log(i, v)
    seg.close()
    store.sync()
    rows = q.history(store, "me/proj/r1", exact=True)
    assert math.isnan(rows[0]["x"]) and rows[1]["x"] == math.inf and rows[2]["x"] == -math.inf
    assert rows[0]["s"] == "text" and rows[0]["n"] is None and rows[0]["l"] == [1, 2.5, "a"]
    assert rows[0]["big"] == 2**64 - 1 and rows[0]["t"] is True
    assert rows[1]["i"] == 7 and isinstance(rows[1]["i"], int) and rows[2]["i"] == 2**40
    safe = q.history(store, "me/proj/r1")
    assert safe[0]["x"] == "NaN" and safe[1]["x"] == "Infinity" and safe[2]["x"] == "-Infinity"


def test_summary_rules(store, records):
    seg = records.start("r1")
    seg.add(Kind.METRIC, {"name": "loss", "summary": "min,max,mean"})
    seg.add(Kind.METRIC, {"name": "val/*", "summary": "max"})
    seg.add(Kind.METRIC, {"name": "hidden", "summary": "none"})
    seg.add(Kind.METRIC, {"name": "f", "summary": "first,last"})
    for i, loss in enumerate([3.0, 1.0, math.nan, 2.0]):
        seg.log(i, {"loss": loss, "val/acc": i * 0.25, "hidden": i, "f": i, "plain": i})
    seg.add(Kind.SUMMARY, {"set": {"explicit": "yes", "plain": 100}, "del": []})
    seg.add(Kind.SUMMARY, {"set": {"gone": 1}})
    seg.add(Kind.SUMMARY, {"del": ["gone"]})
    seg.close()
    s = _run(store).summary
    assert s["loss"] == {"min": 1.0, "max": 3.0, "mean": 2.0}
    assert s["val/acc"] == {"max": 0.75}
    assert "hidden" not in s
    assert s["f"] == {"first": 0, "last": 3}
    assert s["explicit"] == "yes"
    assert s["plain"] == 100  # explicit set after the last log wins
    assert "gone" not in s


def test_later_log_overwrites_explicit_summary(store, records):
    seg = records.start("r1")
    seg.log(0, {"x": 1})
    seg.add(Kind.SUMMARY, {"set": {"x": 50}})
    seg.log(1, {"x": 2})
    seg.close()
    assert _run(store).summary["x"] == 2


def test_config_info_metadata_and_streams(store, records):
    seg = records.start("r1", config={"lr": 0.1, "opt": {"name": "adam"}}, tags=["a"], notes="n")
    seg.add(Kind.CONFIG, {"set": {"bs": 32}, "del": ["lr"]})
    seg.add(Kind.INFO, {"name": "renamed", "tags": ["a", "b"], "group": "g", "job_type": "train"})
    seg.add(Kind.METADATA, {"host": "h", "python": "3.11"})
    seg.add(Kind.METADATA, {"git": {"commit": "abc"}})
    seg.add(Kind.SYSTEM, {"cpu": 50.0, "memory_percent": 10.0})
    seg.add(Kind.SYSTEM, {"cpu": 70.0})
    seg.add(Kind.OUTPUT, [[seg.t, "stdout", "hello"], [seg.t, "stderr", "oops"]])
    seg.add(Kind.FILE, {"path": "model.pt", "size": 12, "policy": "now"})
    seg.add(Kind.HEARTBEAT, None)
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
    run = _run(store)
    assert run.config == {"opt": {"name": "adam"}, "bs": 32}
    assert run.name == "renamed" and run.tags == ["a", "b"] and run.notes == "n"
    assert run.group == "g" and run.job_type == "train"
    assert run.metadata == {"host": "h", "python": "3.11", "git": {"commit": "abc"}}
    assert run.state == "finished" and run.exit_code == 0
    assert run.heartbeat_at == seg.t
    sysm = q.system_series(store, "me/proj/r1")
    assert sysm.metrics == {"cpu": [50.0, 70.0], "memory_percent": [10.0, None]}
    assert [(x.stream, x.line) for x in q.logs(store, "me/proj/r1")] == [
        ("stdout", "hello"),
        ("stderr", "oops"),
    ]
    assert q.logs(store, "me/proj/r1", last=1)[0].line == "oops"
    files = q.files(store, "me/proj/r1")
    assert [(f.name, f.size) for f in files] == [("model.pt", 12)]


def test_failed_and_crashed(store, records):
    records.finished("ok", exit_code=0)
    records.finished("bad", exit_code=3)
    dead = records.start("dead")  # writer pid cannot be alive
    dead.log(0, {"x": 1})
    dead.close()
    live = records.start("live", live=True)  # this test process is the writer
    live.log(0, {"x": 1})
    old_remote = records.start("remote_old", host="elsewhere")
    old_remote.close()
    new_remote = records.start("remote_new", host="elsewhere", t=time.time())
    new_remote.close()
    store.sync()
    states = {r.id: r.state for r in q.query_runs(store, "me", "proj").runs}
    assert states == {
        "ok": "finished",
        "bad": "failed",
        "dead": "crashed",
        "live": "running",
        "remote_old": "crashed",
        "remote_new": "running",
    }
    live.close()


def test_a_dead_writers_segment_stays_open_while_its_lock_is_held(store, records):
    # What the console helper does after a SIGKILL (sdk/environment/teeproc.py):
    # it holds the segment's lock, appends the dead writer's last lines, lets go.
    seg = records.start("r1")  # the writer pid cannot be alive
    seg.log(0, {"x": 1})
    end = seg.writer.size
    seg.writer.abandon()  # killed: the file keeps its zero-filled tail
    lock = hold_segment(str(seg.path))
    assert lock is not None
    try:
        for _ in range(2):  # the pass that first sees the segment, and a later one
            assert _run(store).state == "running"
        assert append_output(str(seg.path), end, [], [[5.0, "stdout", "the last words"]]) == 1
        assert _run(store).state == "running"
    finally:
        os.close(lock)
    run = _run(store)
    assert run.state == "crashed" and run.history_rows == 1
    assert [(x.stream, x.line) for x in q.logs(store, "me/proj/r1")] == [
        ("stdout", "the last words")
    ]


def test_resume_segment_starts_running_again(store, records):
    records.finished("r1", rows=2)
    assert _run(store).state == "finished"
    seg = records.start("r1", live=True, resumed=True)
    seg.log(2, {"loss": 0.1})
    run = _run(store)
    assert run.state == "running" and run.history_rows == 3
    seg.add(Kind.EXIT, {"exit_code": 1})
    seg.close()
    assert _run(store).state == "failed"


def test_torn_and_corrupt_frames_are_reported_and_skipped(sqlite_store, records, caplog):
    seg = records.start("r1")
    seg.log(0, {"x": 1.0})
    seg.log(1, {"x": 2.0})
    seg.log(2, {"x": 3.0})
    seg.close()
    frames = read_segment(seg.path, final=True).frames
    data = bytearray(seg.path.read_bytes())
    data[frames[2].end - 1] ^= 0xFF  # corrupt the second HISTORY frame
    data += b"\x05\x00\x00\x00garbage-tail"
    seg.path.write_bytes(bytes(data))
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        report = sqlite_store.sync()
    assert report.problems >= 2
    assert any("checksum" in r.message or "undecodable" in r.message for r in caplog.records)
    assert any("torn tail" in r.message for r in caplog.records)
    xs = [r["x"] for r in q.history(sqlite_store, "me/proj/r1")]
    assert xs[0] == 1.0 and 3.0 in xs and len(xs) == 2


def test_edits_latest_time_wins(store, records, root):
    seg = records.start("r1", live=True, t=1000.0, notes="from sdk")
    seg.log(0, {"loss": 1.0}, t=1002.0)
    store.sync()
    # Another process (the web app) edits the run; its records are stamped now.
    epath = edits_path(root, "me", "proj", "r1")
    append_records(epath, [(Kind.INFO, {"notes": "edited"}), (Kind.SUMMARY, {"set": {"loss": 9}})])
    other = Store(store.engine, root)
    # Records of the same fields that are older than the edit lose to it...
    seg.add(Kind.INFO, {"notes": "older"}, t=1003.0)
    seg.log(1, {"loss": 2.0}, t=1004.0)
    other.sync()
    run = q.get_run(other, "me", "proj", "r1")
    assert run.notes == "edited" and run.summary["loss"] == 9
    # ...and newer ones win.
    seg.add(Kind.INFO, {"notes": "newer"}, t=time.time() + 10)
    seg.log(2, {"loss": 3.0}, t=time.time() + 20)
    seg.close()
    run = _run(other)
    assert run.notes == "newer" and run.summary["loss"] == 3.0


def test_journal_finds_new_runs_without_walk(store, records, root):
    records.finished("a")
    store.sync()
    records.finished("b")
    assert store.sync().runs == 1
    assert q.query_runs(store, "me", "proj").total == 2
    # A run the journal does not list appears with a full walk.
    records.finished("c", journal=False)
    store.sync()
    assert q.query_runs(store, "me", "proj").total == 2
    store.sync(full=True)
    assert q.query_runs(store, "me", "proj").total == 3


def test_projects_table(store, records):
    records.finished("a", project="p1")
    records.finished("b", project="p1")
    records.finished("c", project="p2", entity="other")
    store.sync()
    projects = {(p.entity, p.project): p for p in q.list_projects(store)}
    assert projects[("me", "p1")].run_count == 2
    assert projects[("other", "p2")].run_count == 1
    assert projects[("me", "p1")].last_activity is not None
    assert [p.project for p in q.list_projects(store, "other")] == ["p2"]


def test_metric_keys(store, records):
    seg = records.start("r1")
    seg.log(0, {"loss": 1.0, "name": "text"})
    seg.close()
    records.finished("r2")
    store.sync()
    keys = {k.key: k for k in q.metric_keys(store, "me", "proj")}
    assert set(keys) == {"loss", "acc", "name"}
    assert keys["loss"].runs == 2 and keys["loss"].numeric is True
    assert keys["name"].numeric is False
