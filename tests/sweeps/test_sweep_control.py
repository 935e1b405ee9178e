"""The controller on its own: claims, run_cap, the metric's target, states and
their transitions, bad names; over a real sweep database in a temporary folder."""

from __future__ import annotations

import pytest

from runbase.errors import UsageError
from runbase.sweeps.control import WAIT, Claim, Controller

CONFIG = {
    "method": "random",
    "metric": {"name": "loss", "goal": "minimize", "target": 0.1},
    "parameters": {"x": {"min": 0.0, "max": 1.0}},
}


@pytest.fixture
def ctl(tmp_path):
    c = Controller.create(tmp_path, CONFIG, "me", "proj")
    yield c
    c.close()


def claim(ctl: Controller, agent: str) -> Claim:
    got = ctl.claim(agent)
    assert isinstance(got, Claim)
    return got


def test_reaching_the_metric_target_finishes_the_sweep(ctl):
    agent = ctl.register_agent()
    first = claim(ctl, agent)
    ctl.end_run(first.run_id, "finished", 0.5, [0.5])
    assert ctl.state == "running"
    second = claim(ctl, agent)
    ctl.end_run(second.run_id, "finished", 0.05, [0.05])
    assert ctl.state == "finished" and ctl.claim(agent) is None
    assert ctl.best() == {"run_id": second.run_id, "value": 0.05}


def test_states_move_as_wandb_sweeps_do(ctl, tmp_path):
    agent = ctl.register_agent()
    assert ctl.act("pause") == "paused" and ctl.claim(agent) == WAIT
    assert ctl.act("resume") == "running"
    running = claim(ctl, agent)
    assert ctl.act("cancel") == "canceled"
    assert ctl.report(running.run_id, [1.0]) == "sweep canceled"
    assert ctl.claim(agent) is None
    with pytest.raises(UsageError, match="is canceled: it cannot pause"):
        ctl.act("pause")
    with pytest.raises(UsageError, match="unknown sweep action 'explode'"):
        ctl.act("explode")
    assert ctl.act("resume") == "running"  # a stopped or canceled sweep can go on
    again = Controller.open(tmp_path, f"me/proj/{ctl.id}")
    assert again.state == "running" and again.runs()[0]["run_id"] == running.run_id
    again.close()


def test_run_cap_counts_every_run_handed_out(tmp_path):
    ctl = Controller.create(tmp_path, {**CONFIG, "run_cap": 2}, "me", "proj")
    agent = ctl.register_agent()
    claim(ctl, agent)
    claim(ctl, agent)  # both still running
    assert ctl.claim(agent) is None and ctl.state == "finished"
    ctl.close()


def test_a_sweep_is_found_by_id_and_bad_names_are_refused(ctl, tmp_path):
    assert Controller.open(tmp_path, ctl.id).id == ctl.id
    assert Controller.open(tmp_path, ctl.id, project="proj").id == ctl.id
    with pytest.raises(UsageError, match="no sweep 'nosuch'"):
        Controller.open(tmp_path, "nosuch")
    with pytest.raises(UsageError, match="no sweep"):
        Controller.open(tmp_path, ctl.id, project="other")
    for bad in ("a/b", "../../x", "me/../x", "*"):
        with pytest.raises(UsageError):
            Controller.open(tmp_path, bad)
