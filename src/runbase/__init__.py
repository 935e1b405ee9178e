"""runbase: an experiment tracker that runs W&B scripts unchanged (``import runbase as wandb``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runbase.errors import CommError, ConfigError, Error, UsageError
from runbase.sdk import preinit
from runbase.version import __version__

if TYPE_CHECKING:  # loaded on first use (``__getattr__`` below); named here for type checkers
    from runbase import plot
    from runbase.api import Api
    from runbase.sdk.artifacts import Artifact
    from runbase.sdk.data_types import Audio, Histogram, Html, Image, Object3D, Plotly, Table, Video
    from runbase.sdk.init import finish, init, setup, teardown
    from runbase.sdk.run import Run
    from runbase.sdk.settings import Settings
    from runbase.sdk.term import require, termerror, termlog, termsetup, termwarn
    from runbase.sweeps import agent, controller, sweep

# Rebound by init() to the global run's objects, and back by finish() (see sdk/process.py).
run: Any = None
log: Any = preinit.log
config: Any = preinit.config
summary: Any = preinit.summary
define_metric: Any = preinit.define_metric
save: Any = preinit.save
watch: Any = preinit.watch
unwatch: Any = preinit.unwatch
alert: Any = preinit.alert
mark_preempting: Any = preinit.mark_preempting
log_artifact: Any = preinit.log_artifact
use_artifact: Any = preinit.use_artifact
log_model: Any = preinit.log_model
use_model: Any = preinit.use_model
link_model: Any = preinit.link_model


def login(
    key: str | None = None,
    relogin: bool | None = None,
    host: str | None = None,
    anonymous: str | None = None,
    timeout: int | None = None,
    **kwargs: Any,
) -> bool:
    """W&B's ``wandb.login``: with a server (``host``, else RUNBASE_BASE_URL), store
    ``key`` for it in ~/.netrc and send this process's runs there; without one, the
    local store needs no login. True when runs can be logged (docs/server.md)."""
    from runbase.sdk.ship import login as _login

    return _login(key, host, bool(relogin))


_DATA_TYPES = frozenset(
    ("Audio", "Histogram", "Html", "Image", "Object3D", "Plotly", "Table", "Video")
)


# Where each name is loaded from at first use. A script that only reads
# (``runbase.Api()``) never loads the SDK's run machinery, and one that only logs never
# loads the read API; the data types and plots load when first used.
_LAZY = {
    "init": "runbase.sdk.init",
    "finish": "runbase.sdk.init",
    "setup": "runbase.sdk.init",
    "teardown": "runbase.sdk.init",
    "Run": "runbase.sdk.run",
    "Settings": "runbase.sdk.settings",
    "Api": "runbase.api",
    "Artifact": "runbase.sdk.artifacts",
    "sweep": "runbase.sweeps",
    "agent": "runbase.sweeps",
    "controller": "runbase.sweeps",
    # W&B's helpers that frameworks call on ``wandb`` (see runbase.as_wandb).
    **dict.fromkeys(
        ("require", "termlog", "termwarn", "termerror", "termsetup"), "runbase.sdk.term"
    ),
    "_attach": "runbase.sdk.attach",
    **dict.fromkeys(_DATA_TYPES, "runbase.sdk.data_types"),
}


def __getattr__(name: str) -> Any:
    import importlib

    if name in ("plot", "tensorboard"):
        return importlib.import_module(f"runbase.{name}")
    where = _LAZY.get(name)
    if where is None:
        raise AttributeError(f"module 'runbase' has no attribute {name!r}")
    value = getattr(importlib.import_module(where), name)
    globals()[name] = value  # looked up once; later reads are plain attribute reads
    return value


__all__ = [
    "Api",
    "Artifact",
    "Audio",
    "CommError",
    "ConfigError",
    "Error",
    "Histogram",
    "Html",
    "Image",
    "Object3D",
    "Plotly",
    "Run",
    "Settings",
    "Table",
    "UsageError",
    "Video",
    "__version__",
    "agent",
    "alert",
    "config",
    "controller",
    "define_metric",
    "finish",
    "init",
    "link_model",
    "log",
    "log_artifact",
    "log_model",
    "login",
    "mark_preempting",
    "plot",
    "require",
    "run",
    "save",
    "setup",
    "summary",
    "sweep",
    "teardown",
    "termerror",
    "termlog",
    "termsetup",
    "termwarn",
    "unwatch",
    "use_artifact",
    "use_model",
    "watch",
]
