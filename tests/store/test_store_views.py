"""Saved views kept by the store layer: files under RUNBASE_DIR, so they outlive a
rebuilt store.db and are shared by every server over the same folder."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from recordkit import Records

from runbase.store import open_store, views


def test_views_survive_a_rebuilt_store(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        s.sync()
        v = views.create_view(s, "me", "proj", "loss first", {"params": {"sort": "summary.loss"}})
        views.set_default(s, "me", "proj", v.id)
    (root / "store.db").unlink()  # the index is rebuilt from the records; views stay
    with open_store(root) as s:
        s.sync()
        pv = views.read_views(s, "me", "proj")
        assert [(x.name, x.state) for x in pv.views] == [
            ("loss first", {"params": {"sort": "summary.loss"}})
        ]
        assert pv.default == v.id


def test_concurrent_saves_lose_nothing(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        s.sync()
        threads = [
            threading.Thread(target=views.create_view, args=(s, "me", "proj", f"v{i}", {"i": i}))
            for i in range(20)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(v.name for v in views.read_views(s, "me", "proj").views) == sorted(
            f"v{i}" for i in range(20)
        )


def test_a_damaged_views_file_says_what_to_do(root: Path, records: Records) -> None:
    records.finished("a1")
    with open_store(root) as s:
        path = views.views_path(root, "me", "proj")
        path.parent.mkdir(parents=True)
        path.write_text("{not json")
        with pytest.raises(views.ViewError, match="fix or delete it"):
            views.read_views(s, "me", "proj")
