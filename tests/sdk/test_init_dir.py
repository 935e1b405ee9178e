"""``init(dir=...)`` as W&B means it: where the run's local files show, not the store.

The run stays in RUNBASE_DIR (``Api()`` finds it); ``run.dir`` is
``<dir>/wandb/run-<time>-<id>/files``, a link to the run's files in the store.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import runbase

SCRIPT = """
import json, os, sys
import runbase as wandb

where = sys.argv[1] if len(sys.argv) > 1 else {where!r}
run = wandb.init(project="d", dir=where,
                 settings={{"silent": True, "console": "off", "disable_system_metrics": True}})
with open(os.path.join(run.dir, "notes.txt"), "w") as f:
    f.write("kept")
os.makedirs(os.path.join(run.dir, "deep", "er"))
with open(os.path.join(run.dir, "deep", "er", "w.bin"), "wb") as f:
    f.write(b"w")
run.save(os.path.join(run.dir, "notes.txt"), policy="now")
run.save(os.path.join(run.dir, "deep", "er", "w.bin"), policy="now")
print(json.dumps({{"dir": run.dir, "path": run.path}}))
run.finish()
"""


def _run(run_script, where: str) -> tuple[dict[str, str], str]:
    proc = run_script(SCRIPT.format(where=where))
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def test_the_run_stays_in_the_store_and_its_files_show_under_dir(run_script, tmp_path):
    out, _ = _run(run_script, str(tmp_path / "scratch"))
    run_dir = Path(out["dir"])
    # W&B's layout: <dir>/wandb/run-<YYYYmmdd_HHMMSS>-<id>/files, and latest-run.
    assert run_dir.parent.parent == tmp_path / "scratch" / "wandb" and run_dir.name == "files"
    run_id = out["path"].split("/")[-1]
    assert run_dir.parent.name.startswith("run-") and run_dir.parent.name.endswith("-" + run_id)
    latest = tmp_path / "scratch" / "wandb" / "latest-run"
    assert latest.resolve() == run_dir.parent.resolve()
    assert (run_dir / "notes.txt").read_text() == "kept"

    api_run = runbase.Api().run(out["path"])  # RUNBASE_DIR, not dir=, holds the run
    assert api_run.state == "finished"
    names = {f.name for f in api_run.files()}
    assert {"notes.txt", "deep/er/w.bin"} <= names
    assert not list((tmp_path / "scratch").rglob("*.rbr")), "the records stay in the store"


def test_a_relative_dir_is_under_the_working_directory(run_script, tmp_path):
    out, _ = _run(run_script, "out")
    assert Path(out["dir"]).is_absolute()
    assert Path(out["dir"]).parent.parent == tmp_path / "out" / "wandb"
    assert runbase.Api().run(out["path"]).state == "finished"


def test_an_existing_dot_wandb_folder_is_used_as_w_and_b_does(run_script, tmp_path):
    (tmp_path / "proj" / ".wandb").mkdir(parents=True)
    out, _ = _run(run_script, str(tmp_path / "proj"))
    assert Path(out["dir"]).parent.parent == tmp_path / "proj" / ".wandb"


def test_a_dir_that_cannot_be_made_warns_and_keeps_the_files_in_the_store(
    run_script, tmp_path, runbase_dir
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out, stderr = _run(run_script, str(blocker / "sub"))
    assert "cannot keep the run's local files under dir=" in stderr
    assert "Traceback" not in stderr and "sqlite" not in stderr.lower()
    assert os.path.realpath(out["dir"]).startswith(os.path.realpath(runbase_dir))
    assert {"notes.txt", "deep/er/w.bin"} <= {
        f.name for f in runbase.Api().run(out["path"]).files()
    }


def test_two_runs_in_one_dir_get_their_own_folders(run_script, tmp_path):
    first, _ = _run(run_script, str(tmp_path / "s"))
    second, _ = _run(run_script, str(tmp_path / "s"))
    assert first["dir"] != second["dir"]
    latest = tmp_path / "s" / "wandb" / "latest-run"
    assert latest.resolve() == Path(second["dir"]).parent.resolve()
    assert len(list(runbase.Api().runs("d"))) == 2


def test_wandb_dir_in_the_environment_is_dir(run_script, tmp_path):
    proc = run_script(
        """
        import runbase as wandb
        run = wandb.init(project="d", settings={"silent": True, "console": "off"})
        print(run.dir)
        run.finish()
        """,
        env={"WANDB_DIR": str(tmp_path / "from-env")},
    )
    run_dir = Path(proc.stdout.strip().splitlines()[-1])
    assert run_dir.parent.parent == tmp_path / "from-env" / "wandb"
    (run,) = list(runbase.Api().runs("d"))
    assert run.state == "finished"
