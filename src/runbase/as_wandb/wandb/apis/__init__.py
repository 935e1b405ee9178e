"""``wandb.apis``: ``wandb.apis.public`` is ``runbase.api`` (``Api`` and its objects)."""
