"""``wandb.sdk.lib.config_util``: ``ConfigError`` is runbase's, so ``except ConfigError``
catches what runbase's config raises (Hugging Face's callback relies on it)."""

from __future__ import annotations

from runbase.errors import ConfigError

__all__ = ["ConfigError"]
