"""Callbacks and loggers for training frameworks, each logging what W&B's does.

- ``runbase.integration.transformers.RunbaseCallback``: Hugging Face ``Trainer``;
- ``runbase.integration.lightning.RunbaseLogger``: Lightning (``WandbLogger``'s arguments);
- ``runbase.integration.keras``: ``WandbMetricsLogger`` and ``WandbModelCheckpoint``
  (also what ``wandb.integration.keras`` is inside the ``RUNBASE_AS_WANDB`` opt-in).

Each module imports its framework when it is imported, never before: ``import
runbase`` loads none of them. See docs/switching-from-wandb.md.
"""
