"""The RUNBASE_AS_WANDB opt-in: ``import wandb`` is runbase in one process tree, only there.

The test venv has the real wandb 0.31 installed, so every test here also checks
that runbase wins inside the opt-in and that nothing changes outside it.
"""

from __future__ import annotations

import base64
import hashlib
import subprocess
import sys
import zipfile

import pytest

import runbase
from runbase.errors import UsageError
from tests.integration.helpers import framework_env, last_json, run_python, write_script

PROBE = """
import importlib.metadata as md, importlib.util, json, subprocess, sys, warnings
warnings.simplefilter("always")
from lightning_utilities.core.imports import RequirementCache
import wandb
import runbase
from wandb.sdk.lib.config_util import ConfigError
from wandb.sdk.lib import RunDisabled, telemetry
from wandb.wandb_run import Run
import wandb.env, wandb.errors, wandb.plot, wandb.tensorboard

out = {
    "module": wandb.__name__,
    "version": wandb.__version__,
    "dist_version": md.version("wandb"),
    "find_spec": importlib.util.find_spec("wandb") is not None,
    "lightning_gate": bool(RequirementCache("wandb>=0.12.10")),
    "run_before_init": wandb.run,
    "same_classes": [Run is runbase.Run, wandb.errors.Error is runbase.Error,
                     wandb.plot is runbase.plot, hasattr(wandb, "_attach"),
                     wandb.tensorboard.patch is runbase.tensorboard.patch,
                     wandb.sweep is runbase.sweep, wandb.agent is runbase.agent],
    "require": wandb.require("service"),
}
out["disabled_class"] = isinstance(wandb.init(mode="disabled"), RunDisabled)
run = wandb.init(project="probe", config={"lr": 0.1})
out["run_is_global"] = wandb.run is run and isinstance(run, Run)
try:
    wandb.config["lr"] = 0.2
except ConfigError:
    out["config_error_caught"] = True
run._label(code="transformers_trainer")
with telemetry.context(run=run) as tel:
    tel.feature.keras_metrics_logger = True
wandb.termwarn("said once", repeat=False)
wandb.termwarn("said once", repeat=False)
with warnings.catch_warnings(record=True) as caught:
    wandb.restore("model.h5")
    wandb.restore("model.h5")
    run.log_code(".")
    run.log_code(".")
out["warnings"] = [str(w.message) for w in caught]
try:
    wandb.no_such_name
except AttributeError as e:
    out["unknown_name"] = str(e)
try:
    import wandb.no_such_module
except ModuleNotFoundError as e:
    out["unknown_module"] = str(e)
run.log({"loss": 0.5})
wandb.finish()
child = "import wandb, json; print(json.dumps({'child': wandb.__name__}))"
out["child"] = subprocess.run([sys.executable, "-c", child], capture_output=True,
                              text=True).stdout.strip()
print(json.dumps(out))
"""


def test_a_fresh_python_with_the_variable_answers_wandb_with_runbase(
    opt_in_python, runbase_dir, tmp_path
):
    script = write_script(tmp_path, "probe.py", PROBE)
    env = framework_env(runbase_dir, RUNBASE_AS_WANDB="1")
    done = run_python([str(opt_in_python), str(script)], env, tmp_path)
    out = last_json(done.stdout)
    assert out["module"] == "runbase.as_wandb.wandb"
    assert out["version"] == out["dist_version"] == "0.31.0"
    assert out["find_spec"] and out["lightning_gate"]
    assert out["run_before_init"] is None and out["run_is_global"]
    assert out["same_classes"] == [True] * 7
    assert out["disabled_class"] and out["config_error_caught"]
    assert out["require"] is None
    assert out["warnings"] == [
        "runbase (answering to wandb): wandb.restore() is not supported; the call does nothing",
        "runbase: run.log_code() is a W&B call runbase does not support; it does nothing",
    ]
    assert "has no attribute 'no_such_name'" in out["unknown_name"]
    assert "RUNBASE_AS_WANDB is set" in out["unknown_module"]
    assert '"child": "runbase.as_wandb.wandb"' in out["child"]  # inherited by children
    # runbase wins over the installed wandb and says so once for the whole tree.
    assert done.stderr.count("the wandb package installed at") == 1
    assert done.stderr.count("said once") == 1
    (run,) = runbase.Api().runs("probe", filters={"state": "finished"})
    assert run.config == {"lr": 0.1} and run.history(pandas=False)[0]["loss"] == 0.5


def test_without_the_variable_nothing_changes_and_runbase_is_not_even_loaded(
    opt_in_python, runbase_dir, tmp_path
):
    code = (
        "import importlib.util, json, sys\n"
        "loaded = sorted(m for m in sys.modules if m.startswith(('runbase', 'wandb')))\n"
        "spec = importlib.util.find_spec('wandb')\n"
        "print(json.dumps({'loaded': loaded, 'origin': spec.origin}))\n"
    )
    env = framework_env(runbase_dir)
    for off in (None, "0", ""):
        if off is not None:
            env["RUNBASE_AS_WANDB"] = off
        out = last_json(run_python([str(opt_in_python), "-c", code], env, tmp_path).stdout)
        assert out["loaded"] == []  # the hook line costs one environment lookup
        assert out["origin"].endswith("site-packages/wandb/__init__.py")  # the real wandb


def test_runbase_run_turns_it_on_for_the_command_and_keeps_its_exit_status(
    opt_in_python, runbase_dir, tmp_path
):
    code = (
        "import os, sys, wandb\n"
        "print(wandb.__name__, os.environ['RUNBASE_AS_WANDB'])\n"
        "sys.exit(3)\n"
    )
    command = [str(opt_in_python), "-m", "runbase.cli.main", "run", "--"]
    done = subprocess.run(
        [*command, str(opt_in_python), "-c", code],
        env=framework_env(runbase_dir),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout.split() == ["runbase.as_wandb.wandb", "1"]
    assert "is not in this Python's site-packages" not in done.stderr  # the hook is installed
    missing = subprocess.run(
        [*command, "no-such-program-here"], env=framework_env(runbase_dir), capture_output=True
    )
    assert missing.returncode == 2 and b"command not found" in missing.stderr


def test_install_in_a_running_process_and_uninstall(runbase_dir, monkeypatch):
    import runbase.as_wandb as as_wandb

    monkeypatch.delenv("RUNBASE_AS_WANDB", raising=False)
    as_wandb.install()
    try:
        import wandb

        assert wandb.__runbase__ and as_wandb.installed()
        assert runbase.as_wandb.requested()  # children inherit it
        run = wandb.init(project="inproc", settings={"silent": True, "console": "off"})
        wandb.log({"a": 1})
        assert wandb.run is run is runbase.run
        wandb.finish()
        # A name runbase gains later (sweeps: wandb.sweep, wandb.agent) is a wandb name too.
        marker = object()
        monkeypatch.setattr(runbase, "sweep", marker, raising=False)
        assert wandb.sweep is marker
    finally:
        as_wandb.uninstall()
    assert "wandb" not in sys.modules and not as_wandb.installed()


def test_the_editable_wheel_carries_the_hook_line_listed_in_its_record(opt_in_python):
    (wheel,) = opt_in_python.parents[2].glob("wheels/runbase-*.whl")
    with zipfile.ZipFile(wheel) as z:
        data = z.read("runbase_as_wandb.pth")
        (record,) = [n for n in z.namelist() if n.endswith(".dist-info/RECORD")]
        lines = z.read(record).decode().splitlines()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    assert f"runbase_as_wandb.pth,sha256={digest},{len(data)}" in lines
    assert data.startswith(b"import os; ") and data.count(b"\n") == 1
    installed = list(opt_in_python.parents[1].glob("lib/python3*/site-packages/*.pth"))
    assert "runbase_as_wandb.pth" in {p.name for p in installed}


ATTACHED = """
import json, subprocess, sys
import runbase

run = runbase.init(project="att", settings={{"silent": True, "console": "off"}})
run.define_metric("*", step_metric="trainer/global_step")
run.log({{"trainer/global_step": 7}})
child = (
    "import runbase, sys\\n"
    "run = runbase._attach(sys.argv[1])\\n"
    "assert runbase._attach(sys.argv[1]) is run and runbase.run is run\\n"
    "run.log({{'loss': 0.5}})\\n"
    "run.log({{'loss': 0.25, 'trainer/global_step': 8}})\\n"
)
subprocess.run([sys.executable, "-c", child, run._attach_id], check=True)
print(json.dumps({{"path": run.path}}))
"""


def test_a_spawned_process_attaches_to_the_run_its_parent_opened(run_script, runbase_dir):
    out = last_json(run_script(ATTACHED.format()).stdout)
    run = runbase.Api().run(out["path"])
    rows = [
        (r["_step"], r.get("loss"), r["trainer/global_step"]) for r in run.history(pandas=False)
    ]
    # The child continues the step count and keeps the parent's x axis (step_sync).
    assert rows == [(0, None, 7), (1, 0.5, 7), (2, 0.25, 8)]
    assert run.state == "finished"
    with pytest.raises(UsageError, match="not an attach id"):
        runbase._attach("nonsense")
