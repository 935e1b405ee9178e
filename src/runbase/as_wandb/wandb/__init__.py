"""What ``import wandb`` is inside the opt-in (``runbase.as_wandb``).

Every name reads through to the ``runbase`` module at the time it is read, so
``wandb.run``, ``wandb.log`` and ``wandb.config`` follow ``runbase.init()`` and
``finish()``, and a name runbase gains later is a ``wandb`` name as well. Only
``__version__`` differs (the W&B release runbase follows). A W&B name runbase does
not implement (``_UNSUPPORTED``) warns once and does nothing, so a framework that
calls it keeps training; any other unknown name is an ``AttributeError``, as
``hasattr`` checks expect.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import runbase
from runbase.as_wandb import WANDB_VERSION

__version__ = WANDB_VERSION
__runbase__ = True  # lets runbase.as_wandb.install() tell this module from the real wandb

# W&B 0.31's public names that runbase does not implement (yet).
_UNSUPPORTED = frozenset(
    (
        "restore",
        "plot_table",
        "Graph",
        "EvalTable",
        "Molecule",
        "box3d",
        "jupyter_login",
        "sagemaker_auth",
    )
)
_warned: set[str] = set()


def _unsupported(name: str) -> Callable[..., None]:
    def call(*args: Any, **kwargs: Any) -> None:
        if name not in _warned:
            _warned.add(name)
            warnings.warn(
                f"runbase (answering to wandb): wandb.{name}() is not supported; "
                "the call does nothing",
                RuntimeWarning,
                stacklevel=2,
            )

    call.__name__ = name
    return call


def __getattr__(name: str) -> Any:
    try:
        return getattr(runbase, name)
    except AttributeError:
        pass
    if name in _UNSUPPORTED:
        return _unsupported(name)
    raise AttributeError(
        f"module 'wandb' (runbase, answering to wandb through RUNBASE_AS_WANDB) has no "
        f"attribute {name!r}"
    )


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(dir(runbase)) | set(runbase.__all__) | _UNSUPPORTED)
