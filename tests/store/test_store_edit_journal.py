"""Edits made by another process reach an open store through the journal, at once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import runbase
from runbase.store import open_store
from runbase.store import queries as q


def test_edit_in_another_process_is_seen_by_the_next_sync(runbase_dir):
    run = runbase.init(
        project="j",
        notes="before",
        settings=runbase.Settings(silent=True, console="off", disable_system_metrics=True),
    )
    run.log({"x": 1})
    run.finish()
    store = open_store(runbase_dir)
    store.sync()
    assert q.get_run(store, run.entity, "j", run.id).notes == "before"
    code = textwrap.dedent(
        f"""
        import runbase
        r = runbase.Api().run({run.path!r})
        r.notes = "edited elsewhere"
        r.tags = ["x"]
        r.update()
        """
    )
    subprocess.run(
        [sys.executable, "-c", code], check=True, env=dict(os.environ, RUNBASE_DIR=str(runbase_dir))
    )
    store.sync()  # no waiting: the journal names the edited run
    got = q.get_run(store, run.entity, "j", run.id)
    assert got.notes == "edited elsewhere" and got.tags == ["x"]


def test_a_store_pointed_at_another_folder_reads_that_folders_journal(tmp_path, monkeypatch):
    quiet = runbase.Settings(silent=True, console="off", disable_system_metrics=True)

    def make_run(root, name):
        monkeypatch.setenv("RUNBASE_DIR", str(root))
        run = runbase.init(project="moved", name=name, settings=quiet)
        run.log({"x": 1})
        run.finish()
        return run

    first, second = tmp_path / "first", tmp_path / "second"
    entity = make_run(first, "a").entity
    for name in ("b", "c", "d"):  # a longer journal than the first folder's
        make_run(second, name)
    db = tmp_path / "shared.db"
    store = open_store(db, root=first)
    store.sync()
    store.close()
    store = open_store(db, root=second)
    store.sync()
    names = {r.name for r in q.query_runs(store, entity, "moved").runs}
    assert {"b", "c", "d"} <= names
