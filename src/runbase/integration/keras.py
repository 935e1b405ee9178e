"""Keras 3 callbacks (any backend: torch, JAX or TensorFlow) with W&B's names.

    import runbase
    from runbase.integration.keras import WandbMetricsLogger, WandbModelCheckpoint
    runbase.init(project="keras-demo")
    model.fit(x, y, epochs=3, callbacks=[
        WandbMetricsLogger(log_freq="epoch"),
        WandbModelCheckpoint("model.keras"),
    ])

Inside the ``RUNBASE_AS_WANDB`` opt-in this module is ``wandb.integration.keras``, so
``from wandb.integration.keras import WandbMetricsLogger`` works unchanged (W&B's own
callbacks need TensorFlow; these do not).

- ``WandbMetricsLogger(log_freq="epoch"|"batch"|N)``: ``epoch/<metric>`` and
  ``epoch/learning_rate`` against ``epoch/epoch``, or ``batch/<metric>`` against
  ``batch/batch_step`` every N batches, as W&B's does.
- ``WandbEvalCallback(data_table_columns, pred_table_columns)``: the base of a callback
  you write (``add_ground_truth``, ``add_model_predictions``): the ground truth is
  logged once as the artifact ``val`` (a ``runbase.Table`` named ``val_data``, used by
  the run), the predictions each epoch as a version of ``run_<run id>_pred``.
- ``WandbModelCheckpoint(filepath, ...)``: Keras' ``ModelCheckpoint``; each file it
  writes is logged as a version of the artifact ``run_<run id>_model`` (type
  ``model``, aliases ``latest`` and ``epoch_<e>`` or ``epoch_<e>_batch_<b>``).

Both need an active run (``runbase.init()`` first), as W&B's do.
"""

from __future__ import annotations

import os
from typing import Any, Literal

import keras

import runbase

__all__ = [
    "MetricsLogger",
    "ModelCheckpoint",
    "WandbEvalCallback",
    "WandbMetricsLogger",
    "WandbModelCheckpoint",
]


def _active_run(what: str) -> Any:
    if runbase.run is None:
        raise runbase.Error(f"You must call runbase.init() (or wandb.init()) before {what}()")
    return runbase.run


class WandbMetricsLogger(keras.callbacks.Callback):
    """Log the metrics Keras reports, and the learning rate, at each epoch or batch."""

    def __init__(
        self,
        log_freq: Literal["epoch", "batch"] | int = "epoch",
        initial_global_step: int = 0,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        run = _active_run("WandbMetricsLogger")
        if log_freq == "batch":
            log_freq = 1
        self.logging_batch_wise = isinstance(log_freq, int)
        self.log_freq: int | None = log_freq if isinstance(log_freq, int) else None
        self.global_batch = 0
        self.global_step = initial_global_step
        prefix = "batch" if self.logging_batch_wise else "epoch"
        step = "batch/batch_step" if self.logging_batch_wise else "epoch/epoch"
        run.define_metric(step)
        run.define_metric(f"{prefix}/*", step_metric=step)

    def _learning_rate(self) -> float | None:
        optimizer = getattr(self.model, "optimizer", None)
        if optimizer is None:
            return None
        try:
            return float(keras.ops.convert_to_numpy(optimizer.learning_rate))
        except Exception:  # a schedule this optimizer cannot evaluate: no learning rate
            return None

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        row = {f"epoch/{k}": v for k, v in (logs or {}).items()}
        row["epoch/epoch"] = epoch
        lr = self._learning_rate()
        if lr is not None:
            row["epoch/learning_rate"] = lr
        _active_run("WandbMetricsLogger").log(row)

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        self.global_step += 1
        if self.log_freq is None or batch % self.log_freq:
            return
        row = {f"batch/{k}": v for k, v in (logs or {}).items()}
        row["batch/batch_step"] = self.global_batch
        lr = self._learning_rate()
        if lr is not None:
            row["batch/learning_rate"] = lr
        _active_run("WandbMetricsLogger").log(row)
        self.global_batch += self.log_freq


class WandbModelCheckpoint(keras.callbacks.ModelCheckpoint):
    """Keras' ``ModelCheckpoint`` that also logs each file it writes as an artifact."""

    def __init__(
        self,
        filepath: str | os.PathLike[str],
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: Literal["epoch"] | int = "epoch",
        initial_value_threshold: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            filepath=os.fspath(filepath),
            monitor=monitor,
            verbose=verbose,
            save_best_only=save_best_only,
            save_weights_only=save_weights_only,
            mode=mode,
            save_freq=save_freq,
            initial_value_threshold=initial_value_threshold,
            **kwargs,
        )
        _active_run("WandbModelCheckpoint")

    def _save_model(self, epoch: int, batch: int | None, logs: dict[str, Any] | None) -> None:
        path = self._get_file_path(epoch, batch, logs)
        before = _mtime(path)
        super()._save_model(epoch, batch, logs)
        if _mtime(path) in (None, before):
            return  # not written this time (save_best_only without improvement)
        run = _active_run("WandbModelCheckpoint")
        art = runbase.Artifact(f"run_{run.id}_model", type="model")
        if os.path.isdir(path):
            art.add_dir(path)
        else:
            art.add_file(path)
        where = f"epoch_{epoch}" if batch is None else f"epoch_{epoch}_batch_{batch}"
        run.log_artifact(art, aliases=["latest", where])


class WandbEvalCallback(keras.callbacks.Callback):
    """Base of a callback that logs the ground truth once and model predictions per epoch
    as tables, the way W&B's does. Implement ``add_ground_truth`` (fill
    ``self.data_table``) and ``add_model_predictions`` (fill ``self.pred_table``, reading
    the ground truth through ``self.data_table_ref``)."""

    def __init__(
        self,
        data_table_columns: list[str],
        pred_table_columns: list[str],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _active_run("WandbEvalCallback")
        self.data_table_columns = data_table_columns
        self.pred_table_columns = pred_table_columns

    def on_train_begin(self, logs: dict[str, Any] | None = None) -> None:
        self.init_data_table(column_names=self.data_table_columns)
        self.add_ground_truth(logs)
        self.log_data_table()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self.init_pred_table(column_names=self.pred_table_columns)
        self.add_model_predictions(epoch, logs)
        self.log_pred_table()

    def add_ground_truth(self, logs: dict[str, Any] | None = None) -> None:
        """Add the rows of ``self.data_table`` (once, when training begins)."""
        raise NotImplementedError(f"{type(self).__name__}.add_ground_truth")

    def add_model_predictions(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        """Add the rows of ``self.pred_table`` (at the end of each epoch)."""
        raise NotImplementedError(f"{type(self).__name__}.add_model_predictions")

    def init_data_table(self, column_names: list[str]) -> None:
        """A new, empty ``self.data_table``."""
        self.data_table = runbase.Table(columns=column_names, allow_mixed_types=True)

    def init_pred_table(self, column_names: list[str]) -> None:
        """A new, empty ``self.pred_table``."""
        self.pred_table = runbase.Table(columns=column_names)

    def log_data_table(
        self,
        name: str = "val",
        type: str = "dataset",  # noqa: A002 - W&B's spelling
        table_name: str = "val_data",
    ) -> None:
        """Log ``self.data_table`` as an artifact the run uses; ``self.data_table_ref`` reads it."""
        art = runbase.Artifact(name, type=type)
        art.add(self.data_table, table_name)
        _active_run("WandbEvalCallback").use_artifact(art)
        self.data_table_ref = art.get(table_name)

    def log_pred_table(
        self,
        type: str = "evaluation",  # noqa: A002
        table_name: str = "eval_data",
        aliases: list[str] | None = None,
    ) -> None:
        """Log ``self.pred_table`` as a new version of ``run_<run id>_pred``."""
        run = _active_run("WandbEvalCallback")
        art = runbase.Artifact(f"run_{run.id}_pred", type=type)
        art.add(self.pred_table, table_name)
        run.log_artifact(art, aliases=aliases or ["latest"])


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


# Shorter names for code written for runbase.
MetricsLogger = WandbMetricsLogger
ModelCheckpoint = WandbModelCheckpoint
