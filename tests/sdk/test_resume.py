"""resume: continue a run's steps, config and summary in a new process."""

from __future__ import annotations

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
