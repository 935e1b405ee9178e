"""``wandb.integration``: ``wandb.integration.keras`` is ``runbase.integration.keras``."""
