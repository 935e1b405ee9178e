"""``wandb.wandb_run``: runbase's Run, the class ``isinstance(run, wandb.wandb_run.Run)``
checks (Lightning's WandbLogger defines its x axis only for one)."""

from __future__ import annotations

from runbase.sdk.run import Run

__all__ = ["Run"]
