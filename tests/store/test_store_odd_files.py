"""Things in ``segments/`` that are not segment files: skipped with a warning, never opened."""

from __future__ import annotations

import logging
import os
import threading

import pytest

from runbase.records import Kind
from runbase.records.appendlog import append_records
from runbase.records.layout import journal_path, segments_dir
from runbase.store import open_store
from runbase.store import queries as q


def sync_within(store, seconds=20.0, **kw):
    """store.sync(), failing (instead of hanging the suite) if it blocks."""
    done = {}
    t = threading.Thread(target=lambda: done.setdefault("r", store.sync(**kw)), daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), "sync blocked"
    return done["r"]


def odd_entries(root, run_id, journal):
    d = segments_dir(root, "me", "proj", run_id)
    d.mkdir(parents=True)
    os.mkfifo(d / "00000000000000000001-1.rbr")
    (d / "00000000000000000002-1.rbr").mkdir()
    if journal:
        for name in ("00000000000000000001-1.rbr", "00000000000000000002-1.rbr"):
            entry = {"entity": "me", "project": "proj", "run_id": run_id, "segment": name}
            append_records(journal_path(root), [(Kind.JOURNAL, entry)])
    return d


@pytest.mark.timeout(60)
@pytest.mark.parametrize("how", ["walk", "journal"])
def test_a_fifo_or_folder_named_like_a_segment_is_skipped(store, records, root, how, caplog):
    records.finished("good")
    d = odd_entries(root, "odd", journal=how == "journal")
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        sync_within(store, full=how == "walk")
    assert [r.id for r in q.query_runs(store, "me", "proj").runs] == ["good"]
    skipped = [r.getMessage() for r in caplog.records if "not a regular file" in r.getMessage()]
    assert len(skipped) == 2 and all(str(d) in m for m in skipped)
    # A real segment of the same run next to them is indexed.
    records.finished("odd", rows=2)
    sync_within(store)
    assert q.get_run(store, "me", "proj", "odd").history_rows == 2


@pytest.mark.timeout(60)
def test_a_new_store_over_a_fifo_segment_opens(root, records, caplog):
    records.finished("good")
    odd_entries(root, "odd", journal=True)
    s = open_store(root)
    try:
        sync_within(s)
        assert q.get_run(s, "me", "proj", "good").state == "finished"
    finally:
        s.close()


@pytest.mark.timeout(60)
def test_a_segment_replaced_by_a_fifo_after_indexing_does_not_hang(store, records, caplog):
    seg = records.start("r1", live=True)
    seg.log(0, {"x": 1.0})
    sync_within(store)
    seg.writer.abandon()
    os.unlink(seg.path)
    os.mkfifo(seg.path)
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        sync_within(store)
        records.finished("r2")
        sync_within(store)
    assert sum("not a regular file" in r.getMessage() for r in caplog.records) == 1
    assert q.get_run(store, "me", "proj", "r2").state == "finished"
    assert q.get_run(store, "me", "proj", "r1").history_rows == 1
