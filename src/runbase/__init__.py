"""runbase: an experiment tracker that runs W&B scripts unchanged (``import runbase as wandb``)."""

from __future__ import annotations

from typing import Any

from runbase.errors import CommError, ConfigError, Error, UsageError
from runbase.sdk import preinit
from runbase.sdk.init import finish, init, setup, teardown
from runbase.sdk.run import Run
from runbase.sdk.settings import Settings

__version__ = "0.1.0"

# Rebound by init() to the global run's objects, and back by finish() (see sdk/process.py).
run: Any = None
log: Any = preinit.log
config: Any = preinit.config
summary: Any = preinit.summary
define_metric: Any = preinit.define_metric
save: Any = preinit.save


def __getattr__(name: str) -> Any:
    # The read API pulls in SQLAlchemy; load it only when asked, to keep `import runbase` fast.
    if name == "Api":
        from runbase.api import Api

        return Api
    raise AttributeError(f"module 'runbase' has no attribute {name!r}")


__all__ = [
    "Api",
    "CommError",
    "ConfigError",
    "Error",
    "Run",
    "Settings",
    "UsageError",
    "__version__",
    "config",
    "define_metric",
    "finish",
    "init",
    "log",
    "run",
    "save",
    "setup",
    "summary",
    "teardown",
]
