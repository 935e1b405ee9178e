"""``wandb.sdk.lib``: ``RunDisabled`` is runbase's run of ``mode="disabled"``."""

from __future__ import annotations

from runbase.sdk.disabled import DisabledRun as RunDisabled

__all__ = ["RunDisabled"]
