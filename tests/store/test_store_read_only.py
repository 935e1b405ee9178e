"""Stores that cannot be written: read-only files and folders, full disks, refusing servers.

Reading what is indexed must work (read-only, saying why once); what cannot work
raises a one-line StoreError that says what to do. Read-only here means a
read-only mount or a full tmpfs (root ignores permission bits); see tests/rofs.py.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from recordkit import Records, private_schema
from rofs import fill, read_only_here, read_only_mount, small_disk

from runbase.errors import StoreError
from runbase.store import edits, open_store, reports, views
from runbase.store import queries as q
from runbase.store.db.migrate import alembic_config


def _ids(store) -> list[str]:
    return sorted(r.id for r in q.query_runs(store, "me", "proj").runs)


def _notes(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name == "runbase.store" and "read-only store" in r.getMessage()
    ]


def _indexed(root: Path, records: Records, *run_ids: str) -> None:
    for run_id in run_ids:
        records.finished(run_id)
    with open_store(root) as s:
        s.sync()


def _reads_but_does_not_index(store, caplog: pytest.LogCaptureFixture) -> None:
    """``a1`` was indexed, ``a2`` was written later: reading works, indexing is skipped."""
    with caplog.at_level(logging.WARNING, logger="runbase.store"):
        assert store.sync().runs == 0
        assert store.sync(full=True).runs == 0
    assert store.read_only
    notes = _notes(caplog)
    assert len(notes) == 1, notes  # once, not once per sync
    assert "new records are not indexed" in notes[0]
    assert store.read_only_reason in notes[0]
    assert _ids(store) == ["a1"]
    assert [r["loss"] for r in q.history(store, "me/proj/a1")] == [1.0, 0.5, 1 / 3]
    page = q.history_page(store, "me/proj/a1", keys=["loss"], start_row=1, limit=5)
    assert page.rows == [{"loss": 0.5}, {"loss": 1 / 3}]
    assert q.logs(store, "me/proj/a1", search="Ошибка") == []  # runbase_lower is there too
    assert q.get_run(store, "me", "proj", "a1").state == "finished"
    with pytest.raises(StoreError, match="cannot edit runs, the store is read-only"):
        edits.update_run(store, "me", "proj", "a1", name="renamed")
    with pytest.raises(StoreError, match="cannot delete runs, the store is read-only"):
        edits.delete_runs(store, "me", "proj", ["a1"])
    assert views.read_views(store, "me", "proj").views == []
    with pytest.raises(StoreError, match="cannot save views, the store is read-only"):
        views.create_view(store, "me", "proj", "mine", {"params": {}})
    assert reports.list_reports(store, "me", "proj") == []
    with pytest.raises(StoreError, match="cannot save reports, the store is read-only"):
        reports.create_report(store, "me", "proj", "mine")


def test_read_only_store_file(root: Path, records: Records, caplog) -> None:
    _indexed(root, records, "a1")
    records.finished("a2")
    with read_only_here(root / "store.db"):
        store = open_store(root)
        try:
            _reads_but_does_not_index(store, caplog)
            assert "store.db" in store.read_only_reason
        finally:
            store.close()
    # Writable again: the record files kept everything, the skipped run is indexed now.
    with open_store(root) as store:
        assert not store.read_only
        store.sync()
        assert _ids(store) == ["a1", "a2"]
        assert q.get_run(store, "me", "proj", "a1").name == "name-a1"


def test_read_only_folder(root: Path, records: Records, caplog) -> None:
    _indexed(root, records, "a1")
    records.finished("a2")
    assert not (root / "store.db-shm").exists()  # SQLite cannot make it: immutable mode
    with read_only_here(root):
        store = open_store(root)
        try:
            _reads_but_does_not_index(store, caplog)
            assert str(root) in store.read_only_reason
            assert not (root / "store.db-shm").exists()
        finally:
            store.close()


def test_read_only_folder_of_a_store_in_use(root: Path, records: Records) -> None:
    # A writer still holds the store: the rows it indexed sit in store.db-wal, which
    # only a reader that uses the existing -shm sees (immutable mode would not).
    records.finished("a1")
    writer = open_store(root)
    try:
        writer.sync()
        assert (root / "store.db-wal").stat().st_size > 0
        with read_only_here(root):
            with open_store(root) as store:
                assert store.read_only
                assert _ids(store) == ["a1"]
    finally:
        writer.close()


def test_read_only_folder_without_a_store(root: Path, records: Records) -> None:
    records.finished("a1")
    with read_only_here(root):
        with pytest.raises(StoreError) as err:
            open_store(root)
    msg = str(err.value)
    assert "no store at" in msg and "read-only file system" in msg
    assert "set RUNBASE_DIR to a writable copy" in msg and "\n" not in msg


def test_out_of_date_store_that_cannot_be_written(root: Path, records: Records) -> None:
    _indexed(root, records, "a1")
    with open_store(root) as store, store.engine.begin() as conn:
        command.downgrade(alembic_config(conn), "base")  # as a store from before runbase 1
    with read_only_here(root):
        with pytest.raises(StoreError) as err:
            open_store(root)
    msg = str(err.value)
    assert "must be set up or upgraded" in msg and "cannot be written" in msg
    assert "To upgrade it, mount it read-write or set RUNBASE_DIR to a writable copy" in msg
    with open_store(root) as store:  # with write access it is upgraded and filled again
        store.sync(full=True)
        assert _ids(store) == ["a1"]


def test_full_disk_with_everything_indexed(tmp_path: Path, caplog) -> None:
    with small_disk(tmp_path / "disk", 8) as root:
        records = Records(root)
        _indexed(root, records, "a1")
        records.finished("a2")
        fill(root)
        store = open_store(root)
        try:
            _reads_but_does_not_index(store, caplog)
            assert "is full" in store.read_only_reason
            assert "free some space" in store.read_only_reason
        finally:
            store.close()


def test_full_disk_during_sync_rolls_back_and_resumes(tmp_path: Path, caplog) -> None:
    with small_disk(tmp_path / "disk", 8) as root:
        records = Records(root)
        _indexed(root, records, "a1")
        records.finished("a2", rows=2000)
        store = open_store(root)
        try:
            assert not store.read_only
            store.retry_after = 0.0
            filler = fill(root)
            with caplog.at_level(logging.WARNING, logger="runbase.store"):
                assert store.sync().runs == 0
                assert store.sync().runs == 0  # tried again, failed again: no second note
            assert store.read_only and "is full" in store.read_only_reason
            assert len(_notes(caplog)) == 1
            assert _ids(store) == ["a1"]  # the failed pass left nothing behind
            assert len(q.history(store, "me/proj/a1")) == 3
            filler.unlink()
            with caplog.at_level(logging.WARNING, logger="runbase.store"):
                assert store.sync().runs == 1
            assert "indexing resumed" in caplog.text
            assert not store.read_only
            assert _ids(store) == ["a1", "a2"]
            assert len(q.history(store, "me/proj/a2")) == 2000  # once, not twice
        finally:
            store.close()


def test_postgres_that_refuses_writes(root: Path, records: Records, caplog) -> None:
    with private_schema() as url:
        records.finished("a1")
        with open_store(url, root=root) as store:
            store.sync()
        records.finished("a2")
        read_only_url = url.replace(
            "options=-c", "options=-cdefault_transaction_read_only%3Don%20-c", 1
        )
        with open_store(read_only_url, root=root) as store:
            store.retry_after = 3600.0
            _reads_but_does_not_index(store, caplog)
            assert "only allows reading" in store.read_only_reason


# ---- stores that cannot be opened: one line saying what to do ---------------------


def _one_line_error(*args, **kwargs) -> str:
    with pytest.raises(StoreError) as err:
        open_store(*args, **kwargs)
    msg = str(err.value)
    assert "\n" not in msg and "sqlalchemy" not in msg.lower() and "sqlite3" not in msg
    return msg


def test_not_a_database(root: Path) -> None:
    (root / "store.db").write_bytes(b"these are not the bytes of a database\n" * 100)
    msg = _one_line_error(root)
    assert "is not a usable runbase store" in msg and "move it away" in msg


def test_a_database_of_something_else(root: Path) -> None:
    with sqlite3.connect(root / "store.db") as conn:
        conn.execute("CREATE TABLE experiments (id INTEGER)")
    msg = _one_line_error(root)
    assert "holds tables (experiments, ...) but is not a runbase store" in msg


def test_a_store_from_a_newer_runbase(root: Path) -> None:
    open_store(root).close()
    with sqlite3.connect(root / "store.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    msg = _one_line_error(root)
    assert "written by a newer runbase (schema 9999)" in msg and "upgrade runbase" in msg


def test_folder_that_cannot_be_made(tmp_path: Path) -> None:
    parent = tmp_path / "parent"
    parent.mkdir()
    with read_only_mount(parent):
        msg = _one_line_error(root=parent / "runbase")
    assert f"cannot create the folder {parent / 'runbase'}" in msg
    assert "set RUNBASE_DIR to a folder you can write" in msg


def test_unreachable_database_server(root: Path) -> None:
    msg = _one_line_error("postgresql+psycopg://nobody@127.0.0.1:9/none", root=root)
    assert "cannot connect to" in msg and "check that the database server is running" in msg
