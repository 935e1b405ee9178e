"""runbase.Api over runs the real SDK logged in another process."""

from __future__ import annotations

import math
import shutil

import pandas as pd
import pytest

import runbase
from runbase.api import Api, RunNotFoundError


@pytest.fixture(scope="module")
def api(sdk_root):
    return runbase.Api(root=sdk_root)


@pytest.fixture
def own(tmp_path, sdk_root):
    """An Api over a private copy of the runs, for tests that change them."""
    root = tmp_path / "copy"
    shutil.copytree(sdk_root, root, ignore=shutil.ignore_patterns("store.db*", "index.lock"))
    return Api(root=root), root


def test_runs_listing(api, user):
    runs = api.runs("api")
    assert len(runs) == 2
    assert [r.id for r in runs] == ["fail2", "main1"]  # newest first
    assert [r.id for r in api.runs(f"{user}/api", order="+created_at")] == ["main1", "fail2"]
    assert runs[0].id == "fail2" and runs[-1].id == "main1"
    assert [r.id for r in runs[0:2]] == ["fail2", "main1"]


def test_runs_filters_and_paging(api):
    assert [r.id for r in api.runs("api", filters={"config.lr": {"$gt": 0.2}})] == ["fail2"]
    assert [r.id for r in api.runs("api", {"tags": "base", "state": "finished"})] == ["main1"]
    assert len(api.runs("api", {"summary.best": 42})) == 1
    paged = api.runs("api", per_page=1, order="+created_at")
    assert len(paged) == 2 and [r.id for r in paged] == ["main1", "fail2"]
    with pytest.raises(ValueError, match=r"\$bad"):
        api.runs("api", {"config.lr": {"$bad": 1}})


def test_run_fields(api, user):
    run = api.run(f"{user}/api/main1")
    assert api.run("api/main1").id == "main1"
    assert api.run(f"{user}/api/runs/main1").id == "main1"
    assert run.name == run.display_name == "first"
    assert (run.entity, run.project, run.path) == (user, "api", [user, "api", "main1"])
    assert run.state == "finished" and run.notes == "hello"
    assert run.tags == ["base", "x"] and run.group == "grp" and run.job_type == "train"
    assert run.config == {"lr": 0.1, "opt": {"name": "adam"}, "layers": 3}
    assert run.summary["best"] == 42 and run.summary["loss"] == 1.0 / 30
    assert run.summary["val/acc"] == {"max": 2.0}
    assert run.summary["_step"] == 29
    assert run.user == user
    assert run.created_at.endswith("Z") and run.heartbeat_at >= run.created_at
    assert run.url == f"http://127.0.0.1:8765/{user}/api/runs/main1"
    assert run.metadata.get("host")  # environment captured by the SDK
    assert run.lastHistoryStep == 29
    failed = api.run("api/fail2")
    assert failed.state == "failed" and failed.exit_code == 2


def test_a_listed_run_reads_its_metadata_when_first_asked(api):
    (listed,) = [r for r in api.runs("api") if r.id == "main1"]
    assert listed.metadata == api.run("api/main1").metadata
    assert listed.metadata.get("host")
    assert listed.metric_stats["loss"] == {
        "min": 1.0 / 30,
        "max": 1.0,
        "last": 1.0 / 30,
        "count": 30,
    }


def test_url_follows_runbase_ui_url(api, monkeypatch, user):
    monkeypatch.setenv("RUNBASE_UI_URL", "https://tracker.example.org/")
    assert api.run("api/main1").url == f"https://tracker.example.org/{user}/api/runs/main1"


def test_bad_and_unknown_paths(api):
    with pytest.raises(ValueError, match="entity/project/run_id"):
        api.run("too/many/parts/here/x")
    with pytest.raises(ValueError, match="entity/project/run_id"):
        api.run("")
    with pytest.raises(RunNotFoundError, match="api/nope"):
        api.run("api/nope")
    with pytest.raises(runbase.CommError):
        api.run("noproject/nope")
    with pytest.raises(ValueError, match="project"):
        api.runs("a/b/c")


def test_history(api):
    run = api.run("api/main1")
    df = run.history()
    assert isinstance(df, pd.DataFrame)
    assert len(df) == 30 and list(df["_step"]) == list(range(30))
    assert {"loss", "acc", "_runtime", "_timestamp"} <= set(df.columns)
    rows = run.history(pandas=False)
    assert rows[3]["loss"] == 0.25 and rows[0]["val/acc"] == 0.0 and "val/acc" not in rows[1]
    assert len(run.history(samples=5, pandas=False)) == 5
    keyed = run.history(keys=["val/acc"], pandas=False)
    assert [r["_step"] for r in keyed] == [0, 10, 20]
    assert set(keyed[0]) == {"_step", "val/acc"}
    nan_rows = api.run("api/fail2").history(pandas=False)
    assert math.isnan(nan_rows[0]["loss"]) and nan_rows[1]["loss"] == 0.25


def test_scan_history(api):
    run = api.run("api/main1")
    rows = list(run.scan_history())
    assert len(rows) == 30 and rows[5]["_step"] == 5
    assert list(run.scan_history(keys=["val/acc"])) == [
        {"val/acc": 0.0},
        {"val/acc": 1.0},
        {"val/acc": 2.0},
    ]
    assert [r["_step"] for r in run.scan_history(min_step=10, max_step=13)] == [10, 11, 12]


def test_logs_and_files(api, tmp_path):
    run = api.run("api/main1")
    lines = run.logs()
    assert any(x["line"] == "training done" and x["stream"] == "stdout" for x in lines)
    assert all(isinstance(x["time"], float) for x in lines)
    files = {f.name: f for f in run.files()}
    assert "notes.txt" in files and files["notes.txt"].size == len("saved file")
    with files["notes.txt"].download(root=str(tmp_path)) as fh:
        assert fh.read() == "saved file"
    with pytest.raises(ValueError, match="replace=True"):
        files["notes.txt"].download(root=str(tmp_path))
    files["notes.txt"].download(root=str(tmp_path), replace=True).close()


def test_projects(api, user):
    projects = {p.name: p for p in api.projects()}
    assert set(projects) == {"api", "other"}
    assert projects["api"].run_count == 2 and projects["api"].entity == user
    assert len(projects["api"].runs()) == 2


def test_update_persists_and_survives_rebuild(own):
    api, root = own
    run = api.run("api/main1")
    run.name = "renamed"
    run.notes = "new notes"
    run.tags.append("added")
    run.group = "g2"
    run.config["lr"] = 0.2
    del run.config["layers"]
    run.summary["best"] = 43
    run.update()
    fresh = Api(root=root).run("api/main1")
    assert fresh.name == "renamed" and fresh.notes == "new notes" and fresh.group == "g2"
    assert fresh.tags == ["base", "x", "added"]
    assert fresh.config == {"lr": 0.2, "opt": {"name": "adam"}}
    assert fresh.summary["best"] == 43
    for name in ("store.db", "store.db-wal", "store.db-shm"):
        (root / name).unlink(missing_ok=True)
    rebuilt = Api(root=root).run("api/main1")
    assert (rebuilt.name, rebuilt.config["lr"], rebuilt.summary["best"]) == ("renamed", 0.2, 43)


def test_summary_update_saves(own):
    api, root = own
    run = api.run("api/main1")
    run.summary.update({"extra": "yes"})
    assert Api(root=root).run("api/main1").summary["extra"] == "yes"


def test_delete(own):
    api, root = own
    api.run("api/fail2").delete()
    assert [r.id for r in api.runs("api")] == ["main1"]
    assert list(root.glob("runs/*/api/fail2")) == []
    with pytest.raises(RunNotFoundError):
        Api(root=root).run("api/fail2")
