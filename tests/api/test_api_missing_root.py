"""``Api()`` over a RUNBASE_DIR that does not exist yet (no run was ever logged there):
no runs, no error, and the folder is not made just to say so."""

from __future__ import annotations

import json

import pytest

import runbase

READER = """
import json
import runbase

api = runbase.Api()
out = {"runs": [r.id for r in api.runs("proj")], "count": len(api.runs("proj")),
       "filtered": len(api.runs("proj", filters={"state": "finished"})),
       "projects": [p.name for p in api.projects()], "read_only": api.read_only}
try:
    api.run("proj/abc")
except runbase.errors.RunNotFound as e:
    out["missing"] = str(e)
print(json.dumps(out))
"""


def test_a_store_folder_that_does_not_exist_has_no_runs(run_script, runbase_dir, tmp_path):
    root = tmp_path / "not" / "yet"
    proc = run_script(READER, env={"RUNBASE_DIR": str(root)})
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["runs"] == [] and out["count"] == 0 and out["filtered"] == 0
    assert out["projects"] == [] and out["read_only"] is False
    assert "could not find run" in out["missing"]
    assert not (tmp_path / "not").exists(), "answering 'no runs' must not create the store"
    assert "Traceback" not in proc.stderr


def test_once_a_run_is_logged_the_same_api_object_sees_it(runbase_dir):
    api = runbase.Api()
    assert list(api.runs("proj")) == [] and not runbase_dir.exists()
    run = runbase.init(project="proj", settings={"silent": True, "console": "off"})
    run.finish()
    assert [r.id for r in api.runs("proj")] == [run.id]


def test_an_explicit_database_is_still_opened(runbase_dir, tmp_path):
    # Only the records folder's own store.db is skipped while the folder is missing;
    # a database the caller names is theirs to open (and made when missing).
    api = runbase.Api(overrides={"store": str(tmp_path / "x.db")}, root=str(runbase_dir))
    with pytest.raises(runbase.errors.RunNotFound):
        api.run("proj/abc")
    assert (tmp_path / "x.db").exists()
