"""``wandb.sdk.wandb_run``: runbase's Run (see ``wandb.wandb_run``)."""

from __future__ import annotations

from runbase.sdk.run import Run

__all__ = ["Run"]
