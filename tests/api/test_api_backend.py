"""``runbase.Api`` reads and edits only through its backend (``api/backend.py``):
the seam where the team server over HTTP will stand in for the local store."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import runbase
from runbase.api.backend import Backend, LocalBackend


class Recording:
    """A backend in front of another, noting which queries the Api asked."""

    def __init__(self, inner: Backend) -> None:
        self.inner = inner
        self.asked: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.asked.append(name)
        return getattr(self.inner, name)


def test_api_and_run_ask_the_backend_for_everything(sdk_root: Path, tmp_path: Path) -> None:
    root = tmp_path / "copy"
    shutil.copytree(sdk_root, root)  # this test edits and deletes
    backend = Recording(LocalBackend(root))
    api = runbase.Api(root=tmp_path / "elsewhere", backend=backend)  # type: ignore[arg-type]

    assert {p.name for p in api.projects()} == {"api", "other"}
    runs = api.runs("api", order="+created_at", per_page=1)
    assert [r.id for r in runs] == ["main1", "fail2"]
    run = api.run("api/main1")
    assert [row["loss"] for row in run.history(keys=["loss"], pandas=False)][:2] == [1.0, 0.5]
    assert [row["loss"] for row in run.scan_history(keys=["loss"], page_size=7)][:2] == [1.0, 0.5]
    assert [ln["line"] for ln in run.logs(search="TRAINING")] == ["training done"]
    assert run.metric_stats["loss"]["count"] == 30
    assert any(ln["line"] == "training done" for ln in run.logs())
    assert "notes.txt" in {f.name for f in run.files()}
    run.notes = "edited"
    run.update()
    assert api.run("api/main1").notes == "edited"
    api.run("api/fail2").delete()
    assert [r.id for r in api.runs("api")] == ["main1"]

    assert {
        "projects",
        "runs",
        "run",
        "history",
        "history_page",
        "metric_stats",
        "logs",
        "files",
    } <= set(backend.asked)
    assert {"update_run", "delete_runs"} <= set(backend.asked)
    # Nothing was read from the Api's own root: the backend is the only way in.
    assert not (tmp_path / "elsewhere").exists()
