"""``RunbaseLogger``: a Lightning logger for runbase, with ``WandbLogger``'s arguments.

    from lightning.pytorch import Trainer
    from runbase.integration.lightning import RunbaseLogger
    trainer = Trainer(logger=RunbaseLogger(project="mnist", log_model=True))

It records what ``WandbLogger`` records under W&B: hyperparameters as config,
metrics against ``trainer/global_step`` (``define_metric("*",
step_metric="trainer/global_step")``), and with ``log_model`` the checkpoints of
every ``ModelCheckpoint`` as versions of the artifact ``model-<run id>`` (file
``model.ckpt``, aliases ``latest`` and ``best``; ``True`` logs them when training
ends, ``"all"`` as they are saved). Only rank 0 logs. Under ``strategy="ddp_spawn"``
the run is made in the launching process and the spawned rank 0 writes to it
(``runbase._attach``), as W&B's service does.
"""

from __future__ import annotations

import os
from argparse import Namespace
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, cast

from lightning.fabric.loggers.logger import rank_zero_experiment
from lightning.fabric.utilities.logger import (
    _add_prefix,
    _convert_json_serializable,
    _convert_params,
    _sanitize_callable_params,
)
from lightning.pytorch.callbacks import Checkpoint
from lightning.pytorch.loggers.logger import Logger
from lightning.pytorch.loggers.utilities import _scan_checkpoints
from lightning.pytorch.utilities import rank_zero_only

import runbase

_CHECKPOINT_FIELDS = (
    "monitor",
    "mode",
    "save_last",
    "save_top_k",
    "save_weights_only",
    "_every_n_train_steps",
)


class RunbaseLogger(Logger):
    """Log a Lightning ``Trainer`` to runbase; arguments as Lightning's ``WandbLogger``."""

    LOGGER_JOIN_CHAR = "-"

    def __init__(
        self,
        name: str | None = None,
        save_dir: str | os.PathLike[str] = ".",
        version: str | None = None,
        offline: bool = False,
        dir: str | os.PathLike[str] | None = None,  # noqa: A002 - WandbLogger's spelling
        id: str | None = None,  # noqa: A002
        anonymous: bool | None = None,
        project: str | None = None,
        log_model: Literal["all"] | bool = False,
        experiment: Any = None,
        prefix: str = "",
        checkpoint_name: str | None = None,
        add_file_policy: Literal["mutable", "immutable"] = "mutable",
        **kwargs: Any,
    ) -> None:
        """``offline`` and ``anonymous`` are accepted for WandbLogger code (runbase is local);
        other keywords go to ``runbase.init()``."""
        super().__init__()
        self._log_model = log_model
        self._prefix = prefix
        self._experiment = experiment
        self._logged_model_time: dict[str, float] = {}
        self._checkpoint_callbacks: dict[int, Checkpoint] = {}
        self._checkpoint_name = checkpoint_name
        self.add_file_policy = add_file_policy
        folder = save_dir if save_dir is not None else dir
        self._init: dict[str, Any] = {
            "name": name,
            "project": project or os.environ.get("WANDB_PROJECT", "lightning_logs"),
            "dir": os.fspath(folder) if folder is not None else None,
            "id": version or id,
            "resume": "allow",
            **kwargs,
        }
        self._attach_id: str | None = None

    def __getstate__(self) -> dict[str, Any]:
        # Pickled for spawned workers: the run is made here and rank 0 attaches to it.
        _ = self.experiment
        state = self.__dict__.copy()
        if self._experiment is not None:
            state["_attach_id"] = getattr(self._experiment, "_attach_id", None)
            state["_init"] = {**self._init, "id": self._experiment.id}
        state["_experiment"] = None
        return state

    @property
    @rank_zero_experiment
    def experiment(self) -> Any:
        """The runbase run (rank 0), made at first use."""
        if self._experiment is None:
            if runbase.run is not None:
                self._experiment = runbase.run
            elif self._attach_id is not None:
                self._experiment = runbase._attach(self._attach_id)
            else:
                self._experiment = runbase.init(**self._init)
                self._experiment.define_metric("trainer/global_step")
                self._experiment.define_metric(
                    "*", step_metric="trainer/global_step", step_sync=True
                )
        return self._experiment

    def watch(
        self, model: Any, log: str | None = "gradients", log_freq: int = 100, log_graph: bool = True
    ) -> None:
        """``run.watch(model)``: gradient and/or parameter histograms."""
        self.experiment.watch(model, log=log, log_freq=log_freq, log_graph=log_graph)

    @rank_zero_only
    def log_hyperparams(self, params: dict[str, Any] | Namespace) -> None:
        """Hyperparameters into the run's config."""
        params = _convert_json_serializable(_sanitize_callable_params(_convert_params(params)))
        self.experiment.config.update(params, allow_val_change=True)

    @rank_zero_only
    def log_metrics(self, metrics: Mapping[str, Any], step: int | None = None) -> None:
        """One history row, with ``trainer/global_step`` when Lightning gives the step."""
        metrics = _add_prefix(metrics, self._prefix, self.LOGGER_JOIN_CHAR)
        if step is not None:
            self.experiment.log(dict(metrics, **{"trainer/global_step": step}))
        else:
            self.experiment.log(dict(metrics))

    @rank_zero_only
    def log_table(
        self,
        key: str,
        columns: list[str] | None = None,
        data: list[list[Any]] | None = None,
        dataframe: Any = None,
        step: int | None = None,
    ) -> None:
        """A ``runbase.Table`` under ``key``."""
        table = runbase.Table(columns=columns, data=data, dataframe=dataframe)
        self.log_metrics({key: table}, step)

    @rank_zero_only
    def log_image(
        self, key: str, images: list[Any], step: int | None = None, **kwargs: Any
    ) -> None:
        """A list of ``runbase.Image`` under ``key``; keyword lists (``caption``) go per image."""
        per_image = [{k: v[i] for k, v in kwargs.items()} for i in range(len(images))]
        self.log_metrics(
            {key: [runbase.Image(x, **kw) for x, kw in zip(images, per_image, strict=True)]}, step
        )

    @property
    def save_dir(self) -> str | None:
        """The ``dir`` given to ``runbase.init()``."""
        return cast("str | None", self._init.get("dir"))

    @property
    def name(self) -> str | None:
        """The project (as WandbLogger's ``name``)."""
        return cast("str | None", self._init.get("project"))

    @property
    def version(self) -> str | None:
        """The run id."""
        found = self._experiment.id if self._experiment else self._init.get("id")
        return cast("str | None", found)

    def after_save_checkpoint(self, checkpoint_callback: Checkpoint) -> None:
        if self._log_model == "all" or (
            self._log_model is True and getattr(checkpoint_callback, "save_top_k", None) == -1
        ):
            self._log_checkpoints(checkpoint_callback)
        elif self._log_model is True:
            self._checkpoint_callbacks[id(checkpoint_callback)] = checkpoint_callback

    @rank_zero_only
    def finalize(self, status: str) -> None:
        if status == "success" and self._experiment is not None:
            for callback in self._checkpoint_callbacks.values():
                self._log_checkpoints(callback)

    def _log_checkpoints(self, callback: Checkpoint) -> None:
        for t, path, score, _ in _scan_checkpoints(callback, self._logged_model_time):
            metadata = {
                "score": score.item() if hasattr(score, "item") else score,
                "original_filename": Path(path).name,
                callback.__class__.__name__: {
                    k: getattr(callback, k) for k in _CHECKPOINT_FIELDS if hasattr(callback, k)
                },
            }
            if not self._checkpoint_name:
                self._checkpoint_name = f"model-{self.experiment.id}"
            art = runbase.Artifact(self._checkpoint_name, type="model", metadata=metadata)
            art.add_file(path, name="model.ckpt", policy=self.add_file_policy)
            best = path == getattr(callback, "best_model_path", None)
            self.experiment.log_artifact(art, aliases=["latest", "best"] if best else ["latest"])
            self._logged_model_time[path] = t
