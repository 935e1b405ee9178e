"""Hugging Face ``Trainer.hyperparameter_search(backend="wandb")`` on runbase's sweeps.

docs/sweeps.md's example, run as the page shows (``runbase run -- python
hp_search.py``): transformers' own ``run_hp_search_wandb`` calls ``wandb.sweep``,
``wandb.agent``, ``wandb.init`` and ``wandb.config``, and its ``WandbCallback``
finishes the agent's run and starts it again for each trial. Each trial must be one
run of the sweep holding its sampled values and its metric, and the ``BestRun``
transformers returns must be the sweep's best.
"""

from __future__ import annotations

import os
import re

import pytest

import runbase
from tests.integration.helpers import REPO, framework_env, require, run_python

require("transformers", "5")
require("accelerate", "1.1")

DOC = (REPO / "docs" / "sweeps.md").read_text()


def _block(header: str, containing: str) -> str:
    (block,) = [
        b for b in re.findall(rf"```{header}\n(.*?)```", DOC, flags=re.S) if containing in b
    ]
    return block


@pytest.fixture(scope="module")
def searched(opt_in_python, tmp_path_factory):
    """The store, and what the page's script printed, after running the page's command."""
    tmp = tmp_path_factory.mktemp("hp-search")
    (tmp / "hp_search.py").write_text(_block('python title="hp_search.py"', "hyperparameter"))
    env = framework_env(tmp / "store")
    env["PATH"] = os.pathsep.join([str(opt_in_python.parent), env.get("PATH", "")])
    command = _block("sh", "hp_search.py").split()
    assert command[:2] == ["runbase", "run"]
    done = run_python(command, env, tmp)
    assert "Traceback" not in done.stderr, done.stderr
    return tmp / "store", done.stdout.strip().splitlines()[-1]


def test_each_trial_is_a_run_of_the_sweep_with_its_values_and_metric(searched, monkeypatch):
    store, line = searched
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    sweep_id = re.match(r"sweep (\w+):", line).group(1)
    sweep = runbase.Api().sweep(f"hf-search/{sweep_id}")
    assert sweep.config["metric"] == {"name": "eval/loss", "goal": "minimize"}
    runs = sweep.runs
    assert len(runs) == 3
    assert {r.id for r in runbase.Api().runs("hf-search")} == {r.id for r in runs}
    for run in runs:
        assert run.state == "finished" and run.sweep.id == sweep_id
        lr = run.config["learning_rate"]
        assert 1e-4 <= lr <= 1e-1
        assert run.config["per_device_train_batch_size"] in (4, 8)
        assert run.config["max_steps"] == 3  # the Trainer's own config, in the same run
        rows = run.history(pandas=False)
        # The sampled value reached the Trainer: its first step ran at that learning rate.
        first = next(r for r in rows if "train/learning_rate" in r)
        assert first["train/learning_rate"] == pytest.approx(lr)
        assert [r["train/global_step"] for r in rows if "train/loss" in r] == [1, 2, 3]
        assert run.summary["eval/loss"] > 0


def test_the_best_run_is_the_sweeps_best(searched, monkeypatch):
    store, line = searched
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    found = re.match(
        r"sweep (\w+): best run (\w+), eval/loss ([\d.]+), learning_rate ([\d.]+)$", line
    )
    assert found, line
    sweep_id, run_id, objective, lr = found.groups()
    sweep = runbase.Api().sweep(f"hf-search/{sweep_id}")
    best = min(sweep.runs, key=lambda r: r.summary["eval/loss"])
    assert sweep.best_run().id == best.id == run_id
    assert float(objective) == pytest.approx(best.summary["eval/loss"], abs=1e-4)
    assert float(lr) == pytest.approx(best.config["learning_rate"], abs=1e-5)
