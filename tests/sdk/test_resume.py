"""resume: continue a run's steps, config and summary in a new process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import runbase


def test_resume_allow_continues_steps_config_and_summary(run_script, runbase_dir):
    run_script(
        """
        import runbase
        run = runbase.init(project="r", id="keep1", name="original", config={"lr": 0.1},
                           tags=["a"])
        for i in range(3):
            run.log({"loss": 1.0 / (i + 1)})
        run.summary["best"] = 7
        import sys
        sys.exit(1)
        """,
        check=False,
    )
    assert runbase.Api().run("r/keep1").state == "failed"
    proc = run_script(
        """
        import runbase
        run = runbase.init(project="r", id="keep1", resume="allow")
        print("RESUMED", run.resumed, run.step, run.name, run.config["lr"], run.summary["best"],
              list(run.tags))
        run.log({"loss": 0.1})
        run.finish()
        """
    )
    assert "RESUMED True 3 original 0.1 7 ['a']" in proc.stdout
    run = runbase.Api().run("r/keep1")
    assert run.state == "finished"
    assert [r["_step"] for r in run.history(pandas=False)] == [0, 1, 2, 3]
    assert run.summary["loss"] == 0.1 and run.summary["best"] == 7


def test_resume_keeps_edits_made_after_a_crash(run_script, runbase_dir):
    """Rename, retag and delete a config key of a crashed run; resuming it keeps all three."""
    run_script(
        """
        import os, signal, runbase
        run = runbase.init(project="r", id="edited", name="first", tags=["a"],
                           notes="n", config={"lr": 0.1, "drop": 1})
        run.log({"loss": 1.0})
        run.log({"loss": 0.5})
        os.kill(os.getpid(), signal.SIGKILL)
        """,
        check=False,
    )
    api = runbase.Api()
    run = api.run("r/edited")
    assert run.state == "crashed"
    run.name = "renamed"
    run.tags = ["b", "c"]
    del run.config["drop"]
    run.update()
    run.summary["loss"] = 42
    run.summary.update()
    proc = run_script(
        """
        import runbase
        run = runbase.init(project="r", id="edited", resume="allow", config={"epochs": 3})
        print("RESUMED", run.name, list(run.tags), run.notes, sorted(run.config.keys()),
              run.summary["loss"], run.step)
        run.log({"acc": 0.9})
        run.finish()
        """
    )
    assert "RESUMED renamed ['b', 'c'] n ['epochs', 'lr'] 42 2" in proc.stdout
    run = runbase.Api().run("r/edited")
    assert run.state == "finished"
    assert run.name == "renamed" and list(run.tags) == ["b", "c"] and run.notes == "n"
    assert dict(run.config) == {"lr": 0.1, "epochs": 3}
    assert run.summary["loss"] == 42 and run.summary["acc"] == 0.9
    # A store rebuilt from the record files folds them to the same answer.
    for db in runbase_dir.glob("store.db*"):
        db.unlink()
    run = runbase.Api().run("r/edited")
    assert run.name == "renamed" and list(run.tags) == ["b", "c"]
    assert dict(run.config) == {"lr": 0.1, "epochs": 3}


def test_resume_start_carries_only_what_the_caller_set(run_script, runbase_dir):
    """A resume that passes a new name and tags sets them; later edits still win over it."""
    run_script(
        """
        import runbase
        run = runbase.init(project="r", id="again", name="one", tags=["x"], config={"a": 1})
        run.finish(exit_code=1)
        """
    )
    run_script(
        """
        import runbase
        run = runbase.init(project="r", id="again", resume="allow", name="two", tags=["y"])
        run.finish()
        """
    )
    run = runbase.Api().run("r/again")
    assert run.name == "two" and list(run.tags) == ["y"] and dict(run.config) == {"a": 1}


def test_a_killed_writer_not_yet_reaped_can_be_resumed(runbase_dir, tmp_path):
    """A SIGKILLed writer whose parent has not reaped it (a zombie) will never write
    again: the store calls the run crashed, and init() lets it be resumed."""
    script = tmp_path / "writer.py"
    script.write_text(
        "import time, runbase\n"
        "run = runbase.init(project='r', id='zomb', settings=runbase.Settings(console='off'))\n"
        "run.log({'x': 1})\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    env = dict(os.environ, RUNBASE_DIR=str(runbase_dir))
    child = subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
        os.kill(child.pid, signal.SIGKILL)
        deadline = time.time() + 10
        while Path(f"/proc/{child.pid}/stat").read_bytes().split(b") ")[1][:1] != b"Z":
            assert time.time() < deadline, "the killed child never became a zombie"
            time.sleep(0.05)
        assert runbase.Api().run("r/zomb").state == "crashed"
        s = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
        run = runbase.init(project="r", id="zomb", resume="allow", settings=s)
        assert run.resumed and run.step == 1
        run.finish()
    finally:
        child.kill()
        child.wait()
    assert runbase.Api().run("r/zomb").state == "finished"


def test_resume_must_and_never(runbase_dir):
    s = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
    with pytest.raises(runbase.UsageError, match="no run .* to resume"):
        runbase.init(project="r", id="nothere", resume="must", settings=s)
    run = runbase.init(project="r", id="there", settings=s)
    run.finish()
    with pytest.raises(runbase.UsageError, match="never"):
        runbase.init(project="r", id="there", resume="never", settings=s)
    with pytest.raises(ValueError, match="allow"):
        runbase.init(project="r", id="there", resume="sometimes", settings=s)


def test_a_live_run_cannot_be_taken_over(runbase_dir):
    s = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
    run = runbase.init(project="r", id="busy", settings=s)
    with pytest.raises(runbase.UsageError, match="in use by process"):
        runbase.init(project="r", id="busy", resume="allow", reinit="create_new", settings=s)
    run.finish()


def test_resume_auto_reuses_the_id_only_after_a_failure(run_script, runbase_dir):
    script = """
        import sys, runbase
        run = runbase.init(project="r", resume="auto")
        print("ID", run.id, run.resumed)
        run.log({"x": 1})
        sys.exit(CODE)
        """
    first = run_script(script.replace("CODE", "1"), check=False).stdout.split()
    second = run_script(script.replace("CODE", "0"), check=False).stdout.split()
    third = run_script(script.replace("CODE", "0"), check=False).stdout.split()
    assert second[1] == first[1] and second[2] == "True"
    assert third[1] != first[1] and third[2] == "False"
