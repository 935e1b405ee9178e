"""Hugging Face ``Trainer``: ``report_to="wandb"`` under ``runbase run``, and ``RunbaseCallback``.

One script trains a tiny BERT built from a config (no hub download) twice: with
``report_to="wandb"`` and ``WANDB_LOG_MODEL=checkpoint`` (transformers' own
WandbCallback, talking to runbase through the opt-in), then with
``RunbaseCallback(log_model="checkpoint")``. Both runs must hold what W&B records.
"""

from __future__ import annotations

import pytest

import runbase
from tests.integration.helpers import framework_env, last_json, require, run_python, write_script

require("transformers", "5")
require("accelerate", "1.1")  # the Trainer needs it (transformers[torch])

SCRIPT = """
import json, sys
import torch
from transformers import BertConfig, BertForSequenceClassification, Trainer, TrainingArguments
import wandb
from runbase.integration.transformers import RunbaseCallback


class Data(torch.utils.data.Dataset):
    def __len__(self):
        return 16

    def __getitem__(self, i):
        ids = torch.tensor([(i * 7 + j) % 50 for j in range(8)])
        return {"input_ids": ids, "labels": torch.tensor(i % 2)}


def train(report_to, callbacks, output_dir):
    torch.manual_seed(0)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1,
                        num_attention_heads=2, intermediate_size=16,
                        max_position_embeddings=16, num_labels=2)
    args = TrainingArguments(
        output_dir=output_dir, report_to=report_to, run_name="tiny-bert", max_steps=4,
        per_device_train_batch_size=4, per_device_eval_batch_size=16, logging_steps=1,
        save_steps=2, eval_strategy="steps", eval_steps=2, use_cpu=True, disable_tqdm=True)
    trainer = Trainer(model=BertForSequenceClassification(config), args=args,
                      train_dataset=Data(), eval_dataset=Data(), callbacks=callbacks)
    trainer.train()
    path = wandb.run.path
    wandb.finish()
    return path


shim = train("wandb", [], "out-shim")
native = train("none", [RunbaseCallback(project="hf-native", log_model="checkpoint")], "out-native")
print(json.dumps({"shim": shim, "native": native}))
"""


@pytest.fixture(scope="module")
def trained(opt_in_python, tmp_path_factory):
    """The paths of the two runs, in a store of their own."""
    tmp = tmp_path_factory.mktemp("hf")
    store = tmp / "store"
    script = write_script(tmp, "train.py", SCRIPT)
    env = framework_env(store, WANDB_PROJECT="hf-shim", WANDB_LOG_MODEL="checkpoint")
    command = [str(opt_in_python), "-m", "runbase.cli.main", "run", "--"]
    done = run_python([*command, str(opt_in_python), str(script)], env, tmp)
    return store, last_json(done.stdout)


def _check_run(path: str) -> None:
    run = runbase.Api().run(path)
    assert run.state == "finished" and run.name == "tiny-bert"
    # config: TrainingArguments, the model's config and its parameter count
    assert run.config["max_steps"] == 4 and run.config["hidden_size"] == 16
    assert run.config["model/num_parameters"] > 0
    # x axis: every metric against train/global_step, as W&B's callback defines it
    axes = {m["name"]: m["step_metric"] for m in run.metric_definitions}
    assert axes == {"train/global_step": None, "*": "train/global_step"}
    rows = run.history(pandas=False)
    train = [(r["train/global_step"], r["train/loss"] > 0) for r in rows if "train/loss" in r]
    assert train == [(1, True), (2, True), (3, True), (4, True)]
    assert [r["train/global_step"] for r in rows if "eval/loss" in r] == [2, 4]
    assert "train_loss" in run.summary and "train_runtime" in run.summary
    # checkpoints: one artifact, a version per checkpoint folder, aliased as W&B does
    versions = {a.version: a for a in run.logged_artifacts()}
    aliases = {v: sorted(a.aliases) for v, a in versions.items()}
    assert aliases["v0"] == ["base_model"]
    assert aliases["v1"] == ["checkpoint_global_step_2", "epoch_0.5"]
    assert aliases["v2"] == ["checkpoint_global_step_4", "epoch_1.0"]
    assert {a.name.split(":")[0] for a in versions.values()} == {"model-tiny-bert"}
    files = {f.path for f in versions["v2"].files()}
    assert {"model.safetensors", "config.json", "optimizer.pt"} <= files
    assert versions["v2"].type == "model" and versions["v2"].metadata["train/global_step"] == 4
    # and the final model at the end (WANDB_LOG_MODEL set, as transformers does)
    assert aliases["v3"] == ["final_model", "latest"]
    assert "model.safetensors" in {f.path for f in versions["v3"].files()}


def test_report_to_wandb_under_the_opt_in_records_what_wandb_does(trained, monkeypatch):
    store, paths = trained
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    assert paths["shim"].split("/")[1] == "hf-shim"  # WANDB_PROJECT, read by the callback
    _check_run(paths["shim"])


def test_the_native_callback_records_the_same(trained, monkeypatch):
    store, paths = trained
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    assert paths["native"].split("/")[1] == "hf-native"
    _check_run(paths["native"])
