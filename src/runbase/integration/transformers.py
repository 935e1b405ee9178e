"""``RunbaseCallback``: Hugging Face ``Trainer`` logging to runbase, as W&B's callback does.

    from runbase.integration.transformers import RunbaseCallback
    trainer = Trainer(..., args=TrainingArguments(..., report_to="none"),
                      callbacks=[RunbaseCallback(project="my-project", log_model="checkpoint")])

What it records, as ``report_to="wandb"`` does under W&B:

- config: the ``TrainingArguments`` and the model's config, and ``model/num_parameters``;
- metrics: ``train/<name>``, ``eval/<name>`` and ``test/<name>`` against
  ``train/global_step`` (``define_metric("*", step_metric="train/global_step")``); the
  run totals (``train_runtime``, ``train_loss``, ...) go to the summary;
- ``log_model="checkpoint"``: each checkpoint folder as a version of the artifact
  ``model-<run id>`` (type ``model``, aliases ``epoch_<e>`` and
  ``checkpoint_global_step_<step>``); with ``"end"`` or ``"checkpoint"``, the final
  model too (alias ``final_model``) and the architecture at the start (``base_model``).

Only the main process (``state.is_world_process_zero``) logs. The run is made at
the first training step unless one is active (or ``run=`` is given); it is left
open at the end, as W&B leaves it, so ``runbase.finish()`` or the process exit ends it.
"""

from __future__ import annotations

import numbers
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from transformers import TrainerCallback
from transformers.integrations import integration_utils

import runbase

# Logged once per run by the Trainer: kept in the summary, as W&B keeps them.
_RUN_TOTALS = frozenset(
    (
        "train_runtime",
        "train_samples_per_second",
        "train_steps_per_second",
        "train_loss",
        "total_flos",
    )
)
_LOG_MODEL = ("checkpoint", "end", "false")
# transformers' own renaming (eval_loss -> eval/loss, loss -> train/loss), so the keys
# are the ones report_to="wandb" writes.
rewrite_logs = cast(Callable[[dict[str, Any]], dict[str, Any]], integration_utils.rewrite_logs)


class RunbaseCallback(TrainerCallback):
    """Log a ``Trainer``'s config, metrics and (``log_model``) checkpoints to runbase."""

    def __init__(
        self,
        run: Any = None,
        project: str | None = None,
        log_model: str | bool | None = None,
        watch: str | None = None,
        **init_kwargs: Any,
    ) -> None:
        """``log_model``: "checkpoint", "end" or False (default: ``WANDB_LOG_MODEL``);
        ``watch``: "gradients", "parameters" or "all" (default: ``WANDB_WATCH``); the
        other keywords go to ``runbase.init()``."""
        if log_model is None:
            log_model = os.environ.get("WANDB_LOG_MODEL", "false")
        if isinstance(log_model, bool):
            mode = "checkpoint" if log_model else "false"
        else:
            mode = str(log_model).lower()
        if mode not in _LOG_MODEL:
            raise ValueError(
                f"RunbaseCallback: log_model={log_model!r}; use 'checkpoint', 'end' or False"
            )
        self.log_model = mode
        self.watch = watch if watch is not None else os.environ.get("WANDB_WATCH", "false")
        self._project = project
        self._init_kwargs = init_kwargs
        self._run = run
        self._ready = False

    @property
    def run(self) -> Any:
        """The run this callback logs to (None until training starts)."""
        return self._run

    def setup(self, args: Any, state: Any, model: Any) -> None:
        """Start (or adopt) the run and record the config; main process only."""
        self._ready = True
        if not state.is_world_process_zero:
            return
        if self._run is None:
            self._run = runbase.run or runbase.init(**self._init_args(args))
        run = self._run
        config = dict(args.to_dict())
        model_config = getattr(model, "config", None)
        if model_config is not None:
            config = {
                **(model_config if isinstance(model_config, dict) else model_config.to_dict()),
                **config,
            }
        run.config.update(config, allow_val_change=True)
        run.define_metric("train/global_step")
        run.define_metric("*", step_metric="train/global_step", step_sync=True)
        if self.watch in ("gradients", "parameters", "all"):
            run.watch(model, log=self.watch, log_freq=max(100, state.logging_steps))
        if hasattr(model, "num_parameters"):
            run.config.update(
                {"model/num_parameters": model.num_parameters()}, allow_val_change=True
            )
        if self.log_model != "false":
            self._log_architecture(model, args)

    def _init_args(self, args: Any) -> dict[str, Any]:
        init = dict(self._init_kwargs)
        init.setdefault("project", self._project or os.environ.get("WANDB_PROJECT", "huggingface"))
        if args.run_name is not None and args.run_name != args.output_dir:
            init.setdefault("name", args.run_name)
        return init

    def _artifact_name(self, args: Any) -> str:
        if args.run_name is None or args.run_name == args.output_dir:
            return f"model-{self._run.id}"
        return f"model-{self._run.name}"

    def _log_architecture(self, model: Any, args: Any) -> None:
        art = runbase.Artifact(
            self._artifact_name(args),
            type="model",
            metadata={
                "model_config": model.config.to_dict() if hasattr(model, "config") else None,
                "num_parameters": self._run.config.get("model/num_parameters"),
                "initial_model": True,
            },
        )
        with art.new_file("model_architecture.txt") as f:
            f.write(str(model))
        self._run.log_artifact(art, aliases=["base_model"])

    def _numeric_summary(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in dict(self._run.summary).items()
            if isinstance(v, numbers.Number) and not k.startswith("_")
        }

    def on_train_begin(
        self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any
    ) -> None:
        if not self._ready:
            self.setup(args, state, model)

    def on_log(
        self,
        args: Any,
        state: Any,
        control: Any,
        model: Any = None,
        logs: Any = None,
        **kwargs: Any,
    ) -> None:
        if not self._ready:
            self.setup(args, state, model)
        if not state.is_world_process_zero or self._run is None:
            return
        logs = logs or {}
        for key, value in logs.items():
            if key in _RUN_TOTALS:
                self._run.summary[key] = value
        row = rewrite_logs({k: v for k, v in logs.items() if k not in _RUN_TOTALS})
        self._run.log({**row, "train/global_step": state.global_step})

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self.log_model != "checkpoint" or not self._ready or not state.is_world_process_zero:
            return
        metadata = self._numeric_summary()
        metadata["model/num_parameters"] = self._run.config.get("model/num_parameters")
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        art = runbase.Artifact(self._artifact_name(args), type="model", metadata=metadata)
        art.add_dir(str(folder))
        epoch = round(state.epoch, 2) if state.epoch is not None else 0
        aliases = [f"epoch_{epoch}", f"checkpoint_global_step_{state.global_step}"]
        self._run.log_artifact(art, aliases=aliases)

    def on_train_end(
        self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any
    ) -> None:
        if self.log_model == "false" or not self._ready or not state.is_world_process_zero:
            return
        metadata = {**self._numeric_summary(), "final_model": True}
        art = runbase.Artifact(self._artifact_name(args), type="model", metadata=metadata)
        with tempfile.TemporaryDirectory() as folder:
            if hasattr(model, "save_pretrained"):
                model.save_pretrained(folder)
            else:
                import torch

                torch.save(model.state_dict(), os.path.join(folder, "pytorch_model.bin"))
            Path(folder, "model_architecture.txt").write_text(str(model))
            art.add_dir(folder)
            self._run.log_artifact(art, aliases=["final_model"])

    def on_predict(
        self, args: Any, state: Any, control: Any, metrics: Any = None, **kwargs: Any
    ) -> None:
        if not self._ready:
            self.setup(args, state, kwargs.get("model"))
        if state.is_world_process_zero and self._run is not None:
            self._run.log(rewrite_logs(dict(metrics or {})))
