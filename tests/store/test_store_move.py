"""Moving runs to another project: the folder moves, the row follows, and a store
rebuilt from the folders agrees (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest

from runbase.records import Kind
from runbase.store import edits, open_store
from runbase.store import queries as q


def test_move_keeps_the_run_and_survives_a_rebuild(tmp_path, store, records, root):
    records.finished("r1", rows=4)
    records.finished("r2")
    store.sync()
    edits.update_run(store, "me", "proj", "r1", tags=["keep"])
    before = q.history(store, "me/proj/r1")
    assert edits.move_runs(store, "me", "proj", ["r1"], "other") == 1
    assert q.get_run(store, "me", "proj", "r1") is None
    moved = q.get_run(store, "me", "other", "r1")
    assert moved is not None and moved.tags == ["keep"] and moved.history_rows == 4
    assert q.history(store, "me/other/r1") == before
    counts = {p.project: p.run_count for p in q.list_projects(store)}
    assert counts == {"proj": 1, "other": 1}
    # New records (an edit) land in the new folder and index there.
    edits.update_run(store, "me", "other", "r1", notes="after the move")
    store.sync()
    assert q.get_run(store, "me", "other", "r1").notes == "after the move"
    assert not (root / "runs" / "me" / "proj" / "r1").exists()
    rebuilt = open_store(tmp_path / "again.db", root=root)
    rebuilt.sync()
    again = q.get_run(rebuilt, "me", "other", "r1")
    assert again is not None and again.tags == ["keep"] and again.notes == "after the move"
    assert q.get_run(rebuilt, "me", "proj", "r1") is None
    assert q.get_run(rebuilt, "me", "proj", "r2") is not None


def test_move_refusals_move_nothing(store, records, root):
    records.finished("a")
    records.finished("b")
    records.finished("b", project="dst")
    seg = records.start("live", live=True)
    seg.log(0, {"loss": 1.0})
    records.finished("sw", sweep="s1")
    store.sync()
    with pytest.raises(edits.MoveRefused, match="already has a run 'b'") as e:
        edits.move_runs(store, "me", "proj", ["a", "b"], "dst")
    assert e.value.conflict
    with pytest.raises(q.RunNotFound, match="no run 'zz'"):
        edits.move_runs(store, "me", "proj", ["a", "zz"], "dst")
    with pytest.raises(edits.MoveRefused, match="is running"):
        edits.move_runs(store, "me", "proj", ["live"], "dst")
    with pytest.raises(edits.MoveRefused, match="sweep 's1'"):
        edits.move_runs(store, "me", "proj", ["sw"], "dst")
    with pytest.raises(edits.MoveRefused, match="cannot contain"):
        edits.move_runs(store, "me", "proj", ["a"], "x/y")
    assert q.get_run(store, "me", "proj", "a") is not None
    assert (root / "runs" / "me" / "proj" / "a").is_dir()
    seg.add(Kind.EXIT, {"exit_code": 0})
    seg.close()
