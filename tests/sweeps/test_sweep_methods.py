"""Grid, random and bayes sweeps run by real agents (``function=``), with ``count``
and ``run_cap``; the runs get the sweep's parameters locked in their config, carry
the sweep's id, and the runs query filters by it. Hyperband stops bad runs."""

from __future__ import annotations

import contextlib
import io
import json

import runbase
from runbase.sweeps.space import nest
from tests.web.test_media_routes import serve

from .test_sweep_docs import blocks

TRAIN = """
import json, sys, time, warnings
import runbase as wandb

def train():
    run = wandb.init(config={"lr": 5, "epochs": 3})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run.config.update({"lr": 7})
    assert any("was locked by 'sweep'" in str(w.message) for w in caught)
    for i in range(run.config.epochs):
        wandb.log({"loss": float(run.config.lr) * (3 - i) + float(run.config.get("x", 0))})
    print("RUN", run.id, run.sweep_id, json.dumps(run.config.as_dict()), flush=True)
"""


def runs_printed(out: str) -> list[tuple[str, str, dict]]:
    return [
        (parts[1], parts[2], json.loads(" ".join(parts[3:])))
        for line in out.splitlines()
        if (parts := line.split(" ")) and parts[0] == "RUN"
    ]


def test_grid_with_count_and_run_cap_over_nested_parameters(py, runbase_dir):
    out = py(
        TRAIN
        + """
cfg = {"method": "grid", "run_cap": 3, "metric": {"name": "loss", "goal": "minimize"},
       "parameters": {"lr": {"values": [0.1, 0.01]},
                      "opt": {"parameters": {"mom": {"values": [0.5, 0.9]}}}}}
sid = wandb.sweep(cfg, project="p")
print("COUNTS", wandb.agent(sid, function=train, count=2), wandb.agent(sid, function=train), sid)
"""
    )
    counts = next(line for line in out.splitlines() if line.startswith("COUNTS")).split()
    assert counts[1:3] == ["2", "1"]  # count=2, then run_cap stops the second agent at 3
    sid = counts[3]
    printed = runs_printed(out)
    assert [c["lr"] for _, _, c in printed] == [0.1, 0.1, 0.01]
    assert [c["opt"] for _, _, c in printed] == [{"mom": 0.5}, {"mom": 0.9}, {"mom": 0.5}]
    assert all(s == sid and c["epochs"] == 3 for _, s, c in printed)
    api = runbase.Api(root=runbase_dir)
    sweep = api.sweep(f"p/{sid}")
    assert sweep.state == "finished" and sweep.expected_run_count == 3
    runs = list(sweep.runs)
    assert sorted(r.id for r in runs) == sorted(r for r, _, _ in printed)
    assert all(r.sweep.id == sid and r.config["lr"] in (0.1, 0.01) for r in runs)
    assert len(api.runs("p", filters={"sweep": sid})) == 3
    assert len(api.runs("p", filters={"sweep": {"$ne": sid}})) == 0
    best = sweep.best_run()
    assert best.config["lr"] == 0.01 and best.summary["loss"] == min(
        r.summary["loss"] for r in runs
    )


def test_random_stops_at_run_cap_with_values_in_range(py, runbase_dir):
    out = py(
        TRAIN
        + """
cfg = {"method": "random", "run_cap": 4, "metric": {"name": "loss"},
       "parameters": {"lr": {"distribution": "log_uniform_values", "min": 1e-4, "max": 1e-1},
                      "x": {"distribution": "q_uniform", "min": 0, "max": 10, "q": 2}}}
sid = wandb.sweep(cfg, project="p")
print("COUNT", wandb.agent(sid, function=train))
"""
    )
    assert "COUNT 4" in out
    printed = runs_printed(out)
    assert len(printed) == 4
    assert all(1e-4 <= c["lr"] <= 1e-1 and c["x"] in (0, 2, 4, 6, 8, 10) for _, _, c in printed)
    assert len({c["lr"] for _, _, c in printed}) == 4


def test_bayes_with_count_suggests_from_optuna_within_the_space(py, runbase_dir):
    out = py(
        TRAIN
        + """
cfg = {"method": "bayes", "metric": {"name": "loss", "goal": "minimize"},
       "parameters": {"lr": {"min": 0.0, "max": 1.0}, "x": {"values": [0, 1, 2]}}}
sid = wandb.sweep(cfg, project="p")
print("COUNT", wandb.agent(sid, function=train, count=5), sid)
print("MORE", wandb.agent(sid, function=train, count=2))
"""
    )
    assert "COUNT 5" in out and "MORE 2" in out
    sid = next(line for line in out.splitlines() if line.startswith("COUNT")).split()[2]
    sweep = runbase.Api(root=runbase_dir).sweep(sid)
    assert sweep.state == "running"  # bayes runs until stopped
    ctl_runs = sweep.controller_runs()
    assert len(ctl_runs) == 7 and all(r["internal"] is not None for r in ctl_runs)
    assert all(0 <= r["params"]["lr"] <= 1 and r["params"]["x"] in (0, 1, 2) for r in ctl_runs)
    assert all(r["state"] == "finished" and r["value"] is not None for r in ctl_runs)
    assert sweep.best_run().summary["loss"] == min(r["value"] for r in ctl_runs)
    assert sweep.stop() == "stopped" and sweep.state == "stopped"


HYPERBAND = """
import time
import runbase as wandb

def train():
    run = wandb.init()
    for i in range(12):
        wandb.log({"loss": run.config.quality + 1.0 / (i + 1)})
        # The runs that fall behind go slower, so a busy machine's late check still
        # stops them before their last step.
        time.sleep(0.15 if run.config.quality < 5 else 0.6)

cfg = {"method": "grid", "metric": {"name": "loss", "goal": "minimize"},
       "early_terminate": {"type": "hyperband", "min_iter": 2, "eta": 2},
       "parameters": {"quality": {"values": [0, 1, 5, 6, 7]}}}
sid = wandb.sweep(cfg, project="p")
wandb.agent(sid, function=train)
print("SWEEP", sid)
"""


def test_hyperband_stops_runs_that_fall_behind_and_they_say_why(py, runbase_dir):
    out = py(HYPERBAND)
    sid = out.split("SWEEP ")[1].split()[0]
    api = runbase.Api(root=runbase_dir)
    ctl_runs = api.sweep(f"p/{sid}").controller_runs()
    by_quality = {r["params"]["quality"]: r for r in ctl_runs}
    assert [by_quality[q]["state"] for q in (0, 1)] == ["finished", "finished"]
    assert len(by_quality[0]["history"]) == 12
    for q in (5, 6, 7):
        stopped = by_quality[q]
        assert stopped["state"] == "stopped", stopped
        assert stopped["stop_reason"].startswith("hyperband: loss"), stopped
        assert len(stopped["history"]) < 12
        run = api.run(f"p/{stopped['run_id']}")
        # Ends as a stopped W&B run does: killed, not failed (the process's exit code
        # stays 0); the reason is in its metadata, its history and summary kept.
        assert (run.state, run.exit_code) == ("killed", 0)
        assert run.metadata["sweep_stop_reason"] == stopped["stop_reason"]
        assert run.summary["loss"] >= 5
        assert 0 < len(run.history(pandas=False)) < 12
    killed = {by_quality[q]["run_id"] for q in (5, 6, 7)}
    assert {r.id for r in api.runs("p", filters={"state": "killed"})} == killed
    # Its metric counts in the controller's view; the best run is still the best one.
    assert all(by_quality[q]["value"] is not None for q in (5, 6, 7))
    assert api.sweep(f"p/{sid}").best_run().id == by_quality[0]["run_id"]
    with serve(str(runbase_dir)) as client:
        entity = api.run(f"p/{by_quality[0]['run_id']}").entity
        flt = json.dumps({"sweep": sid, "state": "killed"})
        body = client.get(f"/api/v1/projects/{entity}/p/runs", params={"filters": flt}).json()
    assert {r["id"] for r in body["runs"]} == killed
    assert {r["state"] for r in body["runs"]} == {"killed"}
    # docs/sweeps.md's example lists them with their reasons.
    (example,) = blocks('python title="stopped.py"')
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(example.replace("my-project", "p"), {"runbase": runbase, "sweep_id": sid})
    lines = dict(line.split(" ", 1) for line in printed.getvalue().splitlines())
    assert lines == {by_quality[q]["run_id"]: by_quality[q]["stop_reason"] for q in (5, 6, 7)}


def test_nest_rebuilds_dotted_names():
    assert nest({"a.b": 1, "a.c": 2, "d": 3}) == {"a": {"b": 1, "c": 2}, "d": 3}


def test_a_run_whose_function_raises_fails_and_the_agent_goes_on(py, runbase_dir):
    out = py("""
import runbase as wandb

def train():
    run = wandb.init()
    wandb.log({"loss": run.config.x})
    if run.config.x == 2:
        raise ValueError("diverged")

sid = wandb.sweep({"method": "grid", "metric": {"name": "loss"},
                   "parameters": {"x": {"values": [1, 2, 3]}}}, project="p")
print("COUNT", wandb.agent(sid, function=train), sid)
""")
    sid = out.split("COUNT 3 ")[1].split()[0]
    api = runbase.Api(root=runbase_dir)
    ctl_runs = api.sweep(f"p/{sid}").controller_runs()
    assert [r["state"] for r in ctl_runs] == ["finished", "failed", "finished"]
    assert api.run(f"p/{ctl_runs[1]['run_id']}").state == "failed"
    assert ctl_runs[1]["value"] == 2.0  # what it logged before failing still counts


def test_an_agent_gives_up_after_three_quick_failures_in_a_row(py, runbase_dir):
    out = py("""
import runbase as wandb

def train():
    wandb.init()
    raise RuntimeError("broken script")

sid = wandb.sweep({"method": "random", "parameters": {"x": {"min": 0.0, "max": 1.0}}},
                  project="p")
print("COUNT", wandb.agent(sid, function=train, count=10))
""")
    assert "COUNT 3" in out


def test_a_trial_that_finishes_its_run_and_starts_it_again_stays_one_run(py, runbase_dir):
    # Hugging Face's hyperparameter search does this in every trial (its WandbCallback
    # finishes the agent's run and calls init() again); W&B continues the same run.
    out = py("""
import runbase as wandb

def train():
    run = wandb.init()
    run.config.update({"metric": "loss"})
    wandb.finish()
    again = wandb.init(project="p", name=run.name)
    assert again.id == run.id, (again.id, run.id)
    wandb.log({"loss": again.config.x * 10})

sid = wandb.sweep({"method": "grid", "metric": {"name": "loss"},
                   "parameters": {"x": {"values": [1, 2]}}}, project="p")
print("COUNT", wandb.agent(sid, function=train), sid)
""")
    sid = out.split("COUNT 2 ")[1].split()[0]
    api = runbase.Api(root=runbase_dir)
    runs = api.sweep(f"p/{sid}").runs
    assert len(api.runs("p")) == len(runs) == 2
    seen = sorted((r.state, r.config["x"], r.config["metric"], r.summary["loss"]) for r in runs)
    assert seen == [("finished", 1, "loss", 10), ("finished", 2, "loss", 20)]
    assert sorted(r["value"] for r in api.sweep(f"p/{sid}").controller_runs()) == [10.0, 20.0]


WITH_BLOCK = """
import os, runbase

def run_until_interrupted(stop_file):
    if stop_file:
        with open(stop_file, "w") as f:
            f.write("hyperband: loss")
        os.environ["RUNBASE_SWEEP_STOP_PATH"] = stop_file
    try:
        with runbase.init(project="p") as run:
            runbase.log({"loss": 1.0})
            raise KeyboardInterrupt  # what the agent's SIGINT raises in a function
    except KeyboardInterrupt:
        pass
    os.environ.pop("RUNBASE_SWEEP_STOP_PATH", None)
    return run.id

print("IDS", run_until_interrupted("stop.txt"), run_until_interrupted(None))
"""


def test_a_with_block_interrupted_by_the_agent_ends_killed_and_ctrl_c_still_fails(py, runbase_dir):
    stopped, interrupted = py(WITH_BLOCK).split("IDS ")[1].split()
    api = runbase.Api(root=runbase_dir)
    run = api.run(f"p/{stopped}")
    assert (run.state, run.exit_code) == ("killed", 0)
    assert run.metadata["sweep_stop_reason"] == "hyperband: loss"
    assert run.summary["loss"] == 1.0
    assert (api.run(f"p/{interrupted}").state, api.run(f"p/{interrupted}").exit_code) == (
        "failed",
        255,
    )
