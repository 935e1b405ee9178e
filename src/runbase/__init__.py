"""runbase: an experiment tracker that runs W&B scripts unchanged (``import runbase as wandb``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runbase.errors import CommError, ConfigError, Error, UsageError
from runbase.sdk import preinit
from runbase.sdk.init import finish, init, setup, teardown
from runbase.sdk.run import Run
from runbase.sdk.settings import Settings
from runbase.version import __version__

if TYPE_CHECKING:  # loaded on first use (``__getattr__`` below); named here for type checkers
    from runbase import plot
    from runbase.sdk.data_types import Audio, Histogram, Html, Image, Object3D, Plotly, Table, Video

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


def login(
    key: str | None = None,
    relogin: bool | None = None,
    host: str | None = None,
    anonymous: str | None = None,
    timeout: int | None = None,
    **kwargs: Any,
) -> bool:
    """Accepted so W&B scripts run: the local store needs no login. Returns True."""
    return True


_DATA_TYPES = frozenset(
    ("Audio", "Histogram", "Html", "Image", "Object3D", "Plotly", "Table", "Video")
)


def __getattr__(name: str) -> Any:
    # The read API pulls in SQLAlchemy; load it only when asked, to keep `import runbase` fast.
    if name == "Api":
        from runbase.api import Api

        return Api
    # The data types and plots load on first use too (``runbase.Image``, ``runbase.plot``).
    if name in _DATA_TYPES:
        from runbase.sdk import data_types

        return getattr(data_types, name)
    if name == "plot":
        import importlib

        return importlib.import_module("runbase.plot")
    raise AttributeError(f"module 'runbase' has no attribute {name!r}")


__all__ = [
    "Api",
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
    "alert",
    "config",
    "define_metric",
    "finish",
    "init",
    "log",
    "login",
    "mark_preempting",
    "plot",
    "run",
    "save",
    "setup",
    "summary",
    "teardown",
    "unwatch",
    "watch",
]
