"""Reports kept by the store layer: one file per report under RUNBASE_DIR, so they
outlive a rebuilt store.db, edits of one report never lose each other, and a damaged
file says what to do (a read-only store: test_store_read_only.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from recordkit import Records

from runbase.store import open_store, reports
from runbase.store.reports import MarkdownBlock, PanelsBlock, RunSource

GRID = PanelsBlock(
    "g1",
    RunSource(view=None, search="lr", max_runs=5),
    [{"id": "p1", "kind": "line", "keys": ["loss"], "x": "_step", "options": {}}],
)


def test_reports_survive_a_rebuilt_store(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        s.sync()
        r = reports.create_report(s, "me", "proj", " Week 1 ", [MarkdownBlock("m1", "# Hi"), GRID])
    assert r.title == "Week 1"
    assert reports.report_path(root, "me", "proj", r.id).is_file()
    (root / "store.db").unlink()  # the index is rebuilt from the records; reports stay
    with open_store(root) as s:
        s.sync()
        got = reports.get_report(s, "me", "proj", r.id)
        assert got.title == "Week 1" and got.blocks == [MarkdownBlock("m1", "# Hi"), GRID]
        assert [x.id for x in reports.list_reports(s, "me", "proj")] == [r.id]


def test_edit_reorder_delete(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        r = reports.create_report(s, "me", "proj", "r", [MarkdownBlock("m1", "a"), GRID])
        new = reports.update_report(s, "me", "proj", r.id, blocks=[GRID, MarkdownBlock("m1", "b")])
        assert [b.id for b in new.blocks] == ["g1", "m1"] and new.updated_at >= r.updated_at
        assert reports.get_report(s, "me", "proj", r.id).title == "r"  # title kept
        reports.update_report(s, "me", "proj", r.id, title="renamed")
        assert reports.get_report(s, "me", "proj", r.id).blocks[1] == MarkdownBlock("m1", "b")
        reports.delete_report(s, "me", "proj", r.id)
        assert reports.list_reports(s, "me", "proj") == []
        with pytest.raises(reports.ReportNotFound, match=r.id):
            reports.get_report(s, "me", "proj", r.id)
        with pytest.raises(reports.ReportNotFound):
            reports.get_report(s, "me", "proj", "../../store")  # never another path


def test_concurrent_edits_lose_nothing(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        r = reports.create_report(s, "me", "proj", "shared")

        def add(i: int) -> None:
            # Each thread appends its block to what is saved now: a lost update would drop one.
            def edit(rep: reports.Report) -> None:
                rep.blocks.append(MarkdownBlock(f"b{i}", str(i)))

            reports._change(s, "me", "proj", r.id, edit)

        threads = [threading.Thread(target=add, args=(i,)) for i in range(20)]
        made = [
            threading.Thread(target=reports.create_report, args=(s, "me", "proj", f"n{i}"))
            for i in range(10)
        ]
        for t in threads + made:
            t.start()
        for t in threads + made:
            t.join()
        blocks = reports.get_report(s, "me", "proj", r.id).blocks
        assert sorted(b.id for b in blocks) == sorted(f"b{i}" for i in range(20))
        assert len(reports.list_reports(s, "me", "proj")) == 11


def test_bad_reports_say_what_to_do(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        with pytest.raises(reports.ReportError, match="needs a title"):
            reports.create_report(s, "me", "proj", "  ")
        with pytest.raises(reports.ReportError, match="same id"):
            reports.create_report(s, "me", "proj", "x", [MarkdownBlock("a"), MarkdownBlock("a")])
        with pytest.raises(reports.ReportError, match="split it in two"):
            reports.create_report(s, "me", "proj", "x", [MarkdownBlock("a", "x" * 1_100_000)])
        with pytest.raises(reports.ReportError, match="not valid"):
            reports.to_blocks([{"type": "video", "id": "v"}])
        assert reports.list_reports(s, "me", "proj") == []
        r = reports.create_report(s, "me", "proj", "ok")
        reports.report_path(root, "me", "proj", r.id).write_text("{not json")
        with pytest.raises(reports.ReportError, match="fix or delete it"):
            reports.get_report(s, "me", "proj", r.id)
