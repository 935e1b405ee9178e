"""``wandb.env``: the environment variables W&B reads, and the two setters Hugging Face's
hyperparameter search calls (runbase reads ``WANDB_PROJECT`` and ``WANDB_ENTITY`` too)."""

from __future__ import annotations

import os
from collections.abc import MutableMapping

PROJECT = "WANDB_PROJECT"
ENTITY = "WANDB_ENTITY"
MODE = "WANDB_MODE"
DIR = "WANDB_DIR"
NAME = "WANDB_NAME"
RUN_ID = "WANDB_RUN_ID"
SILENT = "WANDB_SILENT"


def set_entity(value: str, env: MutableMapping[str, str] | None = None) -> None:
    """Set ``WANDB_ENTITY`` (in ``env``, default ``os.environ``)."""
    (os.environ if env is None else env)[ENTITY] = value


def set_project(value: str, env: MutableMapping[str, str] | None = None) -> None:
    """Set ``WANDB_PROJECT`` (in ``env``, default ``os.environ``)."""
    (os.environ if env is None else env)[PROJECT] = value
