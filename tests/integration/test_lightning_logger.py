"""Lightning: ``WandbLogger(log_model=True)`` under the opt-in, DDP-spawned on 2 CPU
processes, and runbase's own ``RunbaseLogger`` in one process (both loggers share the
rank-0 code, and each spawn costs seconds of imports).

Under ``strategy="ddp_spawn"`` Lightning pickles the logger into two fresh
interpreters: they get runbase for ``wandb`` only through ``RUNBASE_AS_WANDB`` and
the startup hook, and rank 0 writes into the run the launching process made
(``wandb._attach``). Only rank 0 logs, as under W&B.
"""

from __future__ import annotations

import pytest

import runbase
from tests.integration.helpers import framework_env, last_json, require, run_python, write_script

require("lightning", "2.6")

SCRIPT = """
import json, sys
import torch
from torch.utils.data import DataLoader, TensorDataset
import lightning.pytorch as pl
from lightning.pytorch.loggers import WandbLogger
import wandb
from runbase.integration.lightning import RunbaseLogger


class Tiny(pl.LightningModule):
    def __init__(self, lr=0.1, hidden=4):
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(torch.nn.Linear(3, hidden), torch.nn.ReLU(),
                                       torch.nn.Linear(hidden, 1))

    def training_step(self, batch, i):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.net(x), y)
        self.log("train_loss", loss)
        return loss

    def validation_step(self, batch, i):
        x, y = batch
        self.log("val_loss", torch.nn.functional.mse_loss(self.net(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)


def data():
    x = torch.randn(32, 3, generator=torch.Generator().manual_seed(0))
    return DataLoader(TensorDataset(x, x.sum(1, keepdim=True)), batch_size=8)


def fit(logger, **trainer_args):
    trainer = pl.Trainer(max_epochs=2, accelerator="cpu", logger=logger, log_every_n_steps=1,
                         enable_progress_bar=False, enable_model_summary=False,
                         default_root_dir="pl-out", **trainer_args)
    trainer.fit(Tiny(), data(), data())
    path = wandb.run.path
    wandb.finish()
    return path


if __name__ == "__main__":
    ddp = {"strategy": "ddp_spawn", "devices": 2}
    shim = fit(WandbLogger(project="pl-shim", log_model=True), **ddp)
    native = fit(RunbaseLogger(project="pl-native", log_model=True))
    print(json.dumps({"shim": shim, "native": native}))
"""


@pytest.fixture(scope="module")
def trained(opt_in_python, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lightning")
    store = tmp / "store"
    script = write_script(tmp, "train.py", SCRIPT)
    env = framework_env(store, RUNBASE_AS_WANDB="1")
    done = run_python([str(opt_in_python), str(script)], env, tmp)
    return store, last_json(done.stdout)


def _check_run(path: str, steps: int, tmp_path) -> None:
    run = runbase.Api().run(path)
    assert run.state == "finished"
    assert run.config == {"lr": 0.1, "hidden": 4}
    axes = {m["name"]: m["step_metric"] for m in run.metric_definitions}
    assert axes == {"trainer/global_step": None, "*": "trainer/global_step"}
    rows = run.history(pandas=False)
    # One row per optimizer step, each once: rank 1 logged nothing.
    assert [r["trainer/global_step"] for r in rows if "train_loss" in r] == list(range(steps))
    assert len([r for r in rows if "val_loss" in r]) == 2
    (model,) = run.logged_artifacts()
    assert model.name == f"model-{run.id}:v0" and model.type == "model"
    assert sorted(model.aliases) == ["best", "latest"]
    assert [f.path for f in model.files()] == ["model.ckpt"]
    assert model.metadata["original_filename"] == f"epoch=1-step={steps}.ckpt"
    assert model.metadata["ModelCheckpoint"]["save_top_k"] == 1
    # The checkpoint reads back as Lightning wrote it (WandbLogger.download_artifact's way).
    best = runbase.Api().artifact(f"{run.project}/model-{run.id}:best", type="model")
    root = best.download(root=str(tmp_path / run.id))
    with open(f"{root}/model.ckpt", "rb") as f:
        assert f.read(2) == b"PK"  # torch.save's zip format


def test_wandb_logger_under_ddp_spawn_logs_once_from_rank_0(trained, monkeypatch, tmp_path):
    store, paths = trained
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    assert paths["shim"].split("/")[1] == "pl-shim"
    _check_run(
        paths["shim"], steps=4, tmp_path=tmp_path
    )  # 16 samples per rank, batches of 8, 2 epochs


def test_the_native_logger_records_the_same(trained, monkeypatch, tmp_path):
    store, paths = trained
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    assert paths["native"].split("/")[1] == "pl-native"
    _check_run(paths["native"], steps=8, tmp_path=tmp_path)  # 32 samples, one process
