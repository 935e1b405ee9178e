"""Agents as separate processes: ten started together never get the same point,
the CLI's command form expands W&B's macros, pause/resume/stop/cancel act on
running agents, and a sweep survives its agent being killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import runbase
from runbase.sweeps.control import Controller

from .conftest import cli, wait_for

AGENT = """
import sys
import runbase

def train():
    run = runbase.init()
    runbase.log({"loss": float(run.config.a) + float(run.config.b)})

runbase.agent(sys.argv[1], function=train, count=1)
"""


@pytest.mark.parametrize("method", ["grid", "bayes"])
def test_ten_agents_started_together_never_get_the_same_point(
    method, py, sweep_env, runbase_dir, tmp_path
):
    # 12 points: ten random picks among them would repeat one 98% of the time.
    params = {"a": {"values": [0, 1, 2, 3]}, "b": {"values": [0, 10, 20]}}
    metric = {"name": "loss", "goal": "minimize"}
    sid = (
        py(f"""
import runbase
print(runbase.sweep({{"method": {method!r}, "metric": {metric!r}, "parameters": {params!r}}},
                    project="p"), end="")
""")
        .splitlines()[-1]
        .split()[-1]
    )
    script = tmp_path / "agent.py"
    script.write_text(textwrap.dedent(AGENT))
    procs = [
        subprocess.Popen([sys.executable, str(script), sid], env=sweep_env,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(10)
    ]  # fmt: skip
    for p in procs:
        out, _ = p.communicate(timeout=240)
        assert p.returncode == 0, out.decode()
    sweep = runbase.Api(root=runbase_dir).sweep(sid)
    points = [json.dumps(r["params"], sort_keys=True) for r in sweep.controller_runs()]
    assert len(points) == 10 and len(set(points)) == 10, points
    assert len(sweep.runs) == 10


PROG = """
import json, os, sys, time
import runbase

env = {k: v for k, v in os.environ.items() if "SWEEP" in k or k.endswith("RUN_ID")}
out = {"argv": sys.argv[1:], "env": env}
run = runbase.init()
out["config"] = run.config.as_dict()
out["args_json_file"] = json.load(open(sys.argv[-2])) if len(sys.argv) > 3 else None
with open(os.path.join(os.environ["OUT_DIR"], run.id + ".json"), "w") as f:
    json.dump(out, f)
for i in range(int(os.environ.get("STEPS", "2"))):
    runbase.log({"loss": 1.0 / (i + 1)})
    time.sleep(float(os.environ.get("STEP_S", "0")))
"""

COMMAND_SWEEP = """
program: prog.py
method: grid
metric: {name: loss}
parameters:
  lr: {values: [0.1, 0.2]}
  opt: {parameters: {name: {value: sgd}}}
  flag: {values: [true]}
command:
  - ${env}
  - ${interpreter}
  - ${program}
  - ${args}
  - ${args_no_hyphens}
  - ${args_no_boolean_flags}
  - ${args_json}
  - ${args_json_file}
  - --tag=${envvar:MY_TAG}
"""


def command_sweep(tmp_path: Path, env: dict[str, str], yaml_text: str, *extra: str) -> str:
    (tmp_path / "prog.py").write_text(textwrap.dedent(PROG))
    (tmp_path / "sweep.yaml").write_text(yaml_text)
    made = cli(env, tmp_path, "sweep", "--project", "p", *extra, "sweep.yaml")
    assert made.returncode == 0, made.stderr
    return made.stdout.split("created sweep ")[1].split()[0]


def test_the_cli_command_form_expands_wandb_macros(sweep_env, tmp_path, runbase_dir):
    env = {**sweep_env, "MY_TAG": "t1", "OUT_DIR": str(tmp_path)}
    sid = command_sweep(tmp_path, env, COMMAND_SWEEP)
    one = cli(env, tmp_path, "agent", "--count", "1", sid)
    assert one.returncode == 0, one.stderr
    rest = cli(env, tmp_path, "agent", f"{runbase.sdk.init.default_entity()}/p/{sid}")
    assert rest.returncode == 0, rest.stderr
    assert "no more runs" in rest.stderr
    outs = sorted((json.loads(p.read_text()) for p in tmp_path.glob("*.json")
                   if p.name not in ("sweep.json",)), key=lambda o: o["config"]["lr"])  # fmt: skip
    assert [o["config"]["lr"] for o in outs] == [0.1, 0.2]
    first = outs[0]
    params = {"lr": 0.1, "opt": {"name": "sgd"}, "flag": True}
    opt = json.dumps({"name": "sgd"})
    assert first["argv"] == [
        "--lr=0.1", f"--opt={opt}", "--flag=True",
        "lr=0.1", f"opt={opt}", "flag=True",
        "--lr=0.1", f"--opt={opt}", "--flag",
        json.dumps(params), first["argv"][-2], "--tag=t1",
    ]  # fmt: skip
    assert first["args_json_file"] == params
    assert first["config"] == params  # the parameter file's values, nested
    assert first["env"]["RUNBASE_SWEEP_ID"] == first["env"]["WANDB_SWEEP_ID"] == sid
    assert Path(first["env"]["RUNBASE_SWEEP_PARAM_PATH"]).is_file()
    assert runbase.Api(root=runbase_dir).sweep(sid).state == "finished"


def test_a_command_sweep_refuses_a_missing_envvar(sweep_env, tmp_path):
    sid = command_sweep(tmp_path, {**sweep_env, "OUT_DIR": str(tmp_path)}, COMMAND_SWEEP)
    failed = cli(sweep_env, tmp_path, "agent", sid)
    assert failed.returncode != 0 and "MY_TAG is not set" in failed.stderr


def test_an_invalid_config_file_is_refused_before_anything_runs(sweep_env, tmp_path, runbase_dir):
    (tmp_path / "bad.yaml").write_text("method: grid\nparameters:\n  lr: {min: 0.1, max: 1.0}\n")
    made = cli(sweep_env, tmp_path, "sweep", "bad.yaml")
    assert made.returncode != 0
    assert "parameters.lr: method grid needs `values`" in made.stderr
    assert not (runbase_dir / "sweeps").exists()


SLOW_SWEEP = """
program: prog.py
method: random
metric: {name: loss}
parameters:
  lr: {min: 0.0, max: 1.0}
"""


def start_agent(env: dict[str, str], cwd: Path, sid: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "runbase.cli.main", "agent", *args, sid], env=env, cwd=cwd,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip


def test_pause_resume_and_cancel_act_on_running_agents(sweep_env, tmp_path, runbase_dir):
    env = {**sweep_env, "OUT_DIR": str(tmp_path), "STEPS": "400", "STEP_S": "0.05"}
    sid = command_sweep(tmp_path, env, SLOW_SWEEP)
    paused = cli(env, tmp_path, "sweep", "--pause", sid)
    assert paused.returncode == 0 and "is paused" in paused.stdout
    agent = start_agent(env, tmp_path, sid, "--count", "1")
    ctl = Controller.open(runbase_dir, sid)
    sweep = runbase.Api(root=runbase_dir).sweep(sid)
    try:
        with pytest.raises(AssertionError):
            wait_for(lambda: ctl.runs(), timeout=1.5)  # paused: the agent waits
        assert sweep.resume() == "running"
        run = wait_for(lambda: ctl.runs(), what="a run after resume")[0]
        wait_for(lambda: len(ctl.runs()[0]["history"]) > 2, what="the run to log")
        canceled = cli(env, tmp_path, "sweep", "--cancel", sid)
        assert canceled.returncode == 0 and "is canceled" in canceled.stdout
        out, _ = agent.communicate(timeout=60)
        assert agent.returncode == 0, out.decode()
    finally:
        if agent.poll() is None:
            os.killpg(agent.pid, signal.SIGKILL)
            agent.wait()
    ended = ctl.runs()[0]
    assert (ended["state"], ended["stop_reason"]) == ("stopped", "sweep canceled")
    stored = runbase.Api(root=runbase_dir).run(f"p/{run['run_id']}")
    # A canceled sweep kills its running runs, as W&B's does; the reason stays.
    assert (stored.state, stored.exit_code) == ("killed", 0)
    assert stored.metadata["sweep_stop_reason"] == "sweep canceled"
    assert 0 < stored.summary["loss"] < 1  # it was stopped well before its 400 steps
    again = cli(env, tmp_path, "agent", sid)
    assert again.returncode == 0 and "is canceled: no more runs" in again.stderr
    assert len(ctl.runs()) == 1
    ctl.close()


def test_stop_lets_the_running_run_finish_and_hands_out_no_more(sweep_env, tmp_path, runbase_dir):
    env = {**sweep_env, "OUT_DIR": str(tmp_path), "STEPS": "20", "STEP_S": "0.1"}
    sid = command_sweep(tmp_path, env, SLOW_SWEEP)
    agent = start_agent(env, tmp_path, sid)
    ctl = Controller.open(runbase_dir, sid)
    try:
        wait_for(lambda: ctl.runs(), what="a run")
        assert runbase.Api(root=runbase_dir).sweep(sid).stop() == "stopped"
        out, _ = agent.communicate(timeout=60)
        assert agent.returncode == 0 and b"is stopped: no more runs" in out
    finally:
        if agent.poll() is None:
            os.killpg(agent.pid, signal.SIGKILL)
            agent.wait()
    (only,) = ctl.runs()
    assert only["state"] == "finished" and only["stop_reason"] is None
    assert len(only["history"]) == 20
    with pytest.raises(runbase.UsageError, match="cannot pause"):
        ctl.act("pause")
    ctl.close()


GRID4 = SLOW_SWEEP.replace("method: random", "method: grid").replace(
    "lr: {min: 0.0, max: 1.0}", "lr: {values: [1, 2, 3, 4]}"
)


def test_a_sweep_survives_its_agent_being_killed(sweep_env, tmp_path, runbase_dir):
    slow = {**sweep_env, "OUT_DIR": str(tmp_path), "STEPS": "400", "STEP_S": "0.05"}
    sid = command_sweep(tmp_path, slow, GRID4)
    agent = start_agent(slow, tmp_path, sid)
    ctl = Controller.open(runbase_dir, sid)
    wait_for(lambda: ctl.runs() and ctl.runs()[0]["history"], what="the first run to log")
    os.killpg(agent.pid, signal.SIGKILL)  # the agent and its run, as a power cut would
    agent.wait()
    ctl.close()
    fast = {**slow, "STEPS": "2", "STEP_S": "0"}
    again = cli(fast, tmp_path, "agent", sid)
    assert again.returncode == 0, again.stderr
    ctl = Controller.open(runbase_dir, sid)
    runs = ctl.runs()
    assert [r["params"]["lr"] for r in runs] == [1, 2, 3, 4]  # each point once, in order
    assert [r["state"] for r in runs] == ["crashed", "finished", "finished", "finished"]
    assert ctl.state == "finished"
    ctl.close()
