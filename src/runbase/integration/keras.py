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

__all__ = ["MetricsLogger", "ModelCheckpoint", "WandbMetricsLogger", "WandbModelCheckpoint"]


def _active_run(what: str) -> Any:
    if runbase.run is None:
        raise runbase.Error(f"You must call runbase.init() (or wandb.init()) before {what}()")
    return runbase.run


class WandbMetricsLogger(keras.callbacks.Callback):  # type: ignore[misc]  # keras is untyped
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


class WandbModelCheckpoint(keras.callbacks.ModelCheckpoint):  # type: ignore[misc]
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


def _mtime(path: str) -> int | None:
    try:
        return os.stat(path).st_mtime_ns
    except OSError:
        return None


# Shorter names for code written for runbase.
MetricsLogger = WandbMetricsLogger
ModelCheckpoint = WandbModelCheckpoint
