"""``wandb.sdk.lib.telemetry``: W&B's usage counters. runbase sends no telemetry, so
``with telemetry.context(run=run) as tel: tel.feature.x = True`` records nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class _Anything:
    """Takes any attribute, at any depth, and keeps none."""

    def __getattr__(self, name: str) -> _Anything:
        return self

    def __setattr__(self, name: str, value: Any) -> None:
        pass


@contextmanager
def context(run: Any = None, obj: Any = None) -> Iterator[Any]:
    """A record that accepts every field and is dropped."""
    yield _Anything()
