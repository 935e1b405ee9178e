"""``wandb.sdk``: its submodules as frameworks import them; other names read through to
runbase (``wandb.sdk.Settings`` is ``runbase.Settings``)."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    import runbase

    try:
        return getattr(runbase, name)
    except AttributeError:
        raise AttributeError(f"module 'wandb.sdk' (runbase) has no attribute {name!r}") from None
