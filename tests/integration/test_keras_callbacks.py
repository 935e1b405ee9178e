"""Keras 3 on the torch backend: ``wandb.integration.keras`` under the opt-in, and the
same callbacks from ``runbase.integration.keras`` (no TensorFlow anywhere)."""

from __future__ import annotations

import pytest

import runbase
from tests.integration.helpers import framework_env, last_json, require, run_python, write_script

require("keras", "3.10")

SCRIPT = """
import json
import numpy as np
import keras
import wandb
import runbase
import runbase.integration.keras as native
from wandb.integration.keras import WandbEvalCallback, WandbMetricsLogger, WandbModelCheckpoint


def fit(init, logger, checkpoint, project, evaluate=None):
    run = init(project=project, config={"units": 4, "epochs": 2})
    keras.utils.set_random_seed(0)
    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(run.config["units"], activation="relu"),
                              keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    callbacks = [logger(log_freq=2), checkpoint(f"{project}/model.keras")]
    if evaluate is not None:
        callbacks.append(evaluate(x[:4]))
    model.fit(x, x.sum(axis=1, keepdims=True), validation_split=0.25, batch_size=8, verbose=0,
              epochs=run.config["epochs"], callbacks=callbacks)
    run.finish()
    return run.path


class Predictions(WandbEvalCallback):
    def __init__(self, x):
        super().__init__(["idx", "x0"], ["epoch", "idx", "x0", "pred"])
        self.x = x

    def add_ground_truth(self, logs=None):
        for i, row in enumerate(self.x):
            self.data_table.add_data(i, float(row[0]))

    def add_model_predictions(self, epoch, logs=None):
        preds = self.model.predict(self.x, verbose=0)
        for i in self.data_table_ref.get_index():
            idx, x0 = self.data_table_ref.data[i]
            self.pred_table.add_data(epoch, idx, x0, float(preds[i][0]))


shim = fit(wandb.init, WandbMetricsLogger, WandbModelCheckpoint, "keras-shim", Predictions)
ours = fit(runbase.init, native.MetricsLogger, native.ModelCheckpoint, "keras-native")
print(json.dumps({"shim": shim, "native": ours,
                  "same": WandbMetricsLogger is native.WandbMetricsLogger,
                  "tensorflow": "tensorflow" in __import__("sys").modules}))
"""


@pytest.fixture(scope="module")
def trained(opt_in_python, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("keras")
    store = tmp / "store"
    script = write_script(tmp, "train.py", SCRIPT)
    env = framework_env(store, RUNBASE_AS_WANDB="1", KERAS_BACKEND="torch")
    done = run_python([str(opt_in_python), str(script)], env, tmp)
    return store, last_json(done.stdout)


@pytest.mark.parametrize("which", ["shim", "native"])
def test_metrics_and_checkpoints_as_wandb_keras_callbacks_record_them(trained, monkeypatch, which):
    store, out = trained
    assert out["same"] and not out["tensorflow"]
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    run = runbase.Api().run(out[which])
    assert run.state == "finished" and run.config == {"units": 4, "epochs": 2}
    axes = {m["name"]: m["step_metric"] for m in run.metric_definitions}
    # logging every 2 batches puts the batch metrics on their own axis (W&B defines
    # only that one then); the epoch rows are logged as well
    assert axes == {"batch/batch_step": None, "batch/*": "batch/batch_step"}
    rows = run.history(pandas=False)
    epochs = [r for r in rows if "epoch/epoch" in r]
    assert [r["epoch/epoch"] for r in epochs] == [0, 1]
    assert {"epoch/loss", "epoch/mae", "epoch/val_loss", "epoch/learning_rate"} <= set(epochs[0])
    assert epochs[0]["epoch/learning_rate"] == pytest.approx(0.01)
    # 3 training batches per epoch, logged every 2: batch steps 0, 2, 4, ...
    assert [r["batch/batch_step"] for r in rows if "batch/loss" in r] == [0, 2, 4, 6]
    logged = run.logged_artifacts()
    versions = sorted((a for a in logged if a.type == "model"), key=lambda a: a.version)
    assert [a.name for a in versions] == [f"run_{run.id}_model:v0", f"run_{run.id}_model:v1"]
    assert [sorted(a.aliases) for a in versions] == [["epoch_0"], ["epoch_1", "latest"]]
    assert [f.path for f in versions[1].files()] == ["model.keras"]


def test_the_eval_callback_logs_the_ground_truth_once_and_predictions_each_epoch(
    trained, monkeypatch
):
    store, out = trained
    monkeypatch.setenv("RUNBASE_DIR", str(store))
    run = runbase.Api().run(out["shim"])
    (val,) = run.used_artifacts()
    assert val.name == "val:v0" and val.type == "dataset"
    assert val.get("val_data").get_column("idx") == [0, 1, 2, 3]
    preds = sorted(
        (a for a in run.logged_artifacts() if a.type == "evaluation"), key=lambda a: a.version
    )
    assert [a.name for a in preds] == [f"run_{run.id}_pred:v0", f"run_{run.id}_pred:v1"]
    table = preds[1].get("eval_data")
    assert table.columns == ["epoch", "idx", "x0", "pred"]
    assert [row[:3] for row in table.data] == [
        [1, i, val.get("val_data").data[i][1]] for i in range(4)
    ]
