"""Settings: explicit values override the environment, which overrides defaults.

Precedence for a run (highest first): ``init(...)`` keyword, ``init(settings=)``,
``setup(Settings(...))``, environment (``RUNBASE_*`` then ``WANDB_*``), default.
"""

from __future__ import annotations

import os
import warnings
from typing import Any

REINIT_VALUES = ("create_new", "finish_previous", "return_previous")
MODES = ("online", "offline", "disabled")
CONSOLE_VALUES = ("auto", "wrap", "redirect", "off")

_DEFAULTS: dict[str, Any] = {
    "project": None,
    "entity": None,
    "name": None,
    "id": None,
    "notes": None,
    "tags": None,
    "group": None,
    "job_type": None,
    "dir": None,
    "mode": "online",
    "reinit": "default",
    "resume": None,
    "allow_val_change": False,
    "system_sample_interval": 15.0,
    "disable_system_metrics": False,
    "console": "auto",
    "disable_git": False,
    "save_requirements": True,
    "program": None,
    "silent": False,
    "heartbeat_interval": 15.0,
}

# Environment variable suffix -> setting name. Each is read as RUNBASE_<X>, then WANDB_<X>.
_ENV = {
    "PROJECT": "project",
    "ENTITY": "entity",
    "NAME": "name",
    "RUN_ID": "id",
    "NOTES": "notes",
    "TAGS": "tags",
    "RUN_GROUP": "group",
    "JOB_TYPE": "job_type",
    "MODE": "mode",
    "REINIT": "reinit",
    "RESUME": "resume",
    "SYSTEM_SAMPLE_INTERVAL": "system_sample_interval",
    "DISABLE_SYSTEM_METRICS": "disable_system_metrics",
    "CONSOLE": "console",
    "DISABLE_GIT": "disable_git",
    "PROGRAM": "program",
    "SILENT": "silent",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _parse_bool(name: str, raw: str) -> bool:
    low = raw.strip().lower()
    if low in _TRUE:
        return True
    if low in _FALSE:
        return False
    raise ValueError(f"setting {name}={raw!r} is not a boolean; use true or false")


def _from_env(name: str, raw: str) -> Any:
    default = _DEFAULTS[name]
    if name == "tags":
        return [t.strip() for t in raw.split(",") if t.strip()]
    if name == "reinit" and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    if isinstance(default, bool):
        return _parse_bool(name, raw)
    if isinstance(default, float):
        try:
            return float(raw)
        except ValueError:
            raise ValueError(f"setting {name}={raw!r} is not a number") from None
    if name == "mode" and raw == "dryrun":
        return "offline"
    return raw


def validate_reinit(value: Any) -> str:
    """Normalise a reinit value; booleans are the deprecated spellings."""
    if value is True or value is False:
        warnings.warn(
            "Using a boolean value for 'reinit' is deprecated. Use 'finish_previous' "
            "(for True) or 'return_previous' (for False) instead.",
            DeprecationWarning,
            stacklevel=4,
        )
        return "finish_previous" if value else "return_previous"
    if value == "default" or value in REINIT_VALUES:
        return str(value)
    raise ValueError(
        f"reinit={value!r} is not valid; use one of {', '.join(map(repr, REINIT_VALUES))}"
    )


class Settings:
    """Run settings, W&B style: ``Settings(reinit="create_new", mode="offline")``.

    Only values given explicitly take part in precedence, so an unset field never
    overrides a value from a lower layer. Unknown names warn and are ignored, so
    W&B scripts that pass W&B-only settings keep running.
    """

    def __init__(self, **kwargs: Any) -> None:
        explicit: dict[str, Any] = {}
        for key, value in kwargs.items():
            if key not in _DEFAULTS:
                if not key.startswith("x_") and not key.startswith("_"):
                    warnings.warn(
                        f"runbase.Settings: {key!r} is not a runbase setting and is ignored",
                        stacklevel=2,
                    )
                continue
            if value is None and _DEFAULTS[key] is not None:
                continue
            explicit[key] = self._check(key, value)
        object.__setattr__(self, "_explicit", explicit)

    @staticmethod
    def _check(key: str, value: Any) -> Any:
        if key == "reinit":
            return validate_reinit(value)
        if key == "mode":
            if value == "dryrun":
                value = "offline"
            if value not in MODES:
                raise ValueError(f"mode={value!r} is not valid; use one of {', '.join(MODES)}")
        if key == "console" and value not in CONSOLE_VALUES:
            raise ValueError(
                f"console={value!r} is not valid; use one of {', '.join(CONSOLE_VALUES)}"
            )
        if key in ("system_sample_interval", "heartbeat_interval"):
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"{key} must be a positive number of seconds, got {value!r}")
            value = float(value)
        return value

    def __getattr__(self, name: str) -> Any:
        if name in _DEFAULTS:
            return self._explicit.get(name, _DEFAULTS[name])
        raise AttributeError(f"runbase.Settings has no setting {name!r}")

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _DEFAULTS:
            raise AttributeError(f"runbase.Settings has no setting {name!r}")
        self._explicit[name] = self._check(name, value)

    def __repr__(self) -> str:
        inner = ", ".join(f"{k}={v!r}" for k, v in self._explicit.items())
        return f"Settings({inner})"

    def explicit(self) -> dict[str, Any]:
        """The values set explicitly on this object."""
        return dict(self._explicit)

    @classmethod
    def from_environment(cls) -> Settings:
        """Settings read from RUNBASE_* and WANDB_* variables (RUNBASE_* wins)."""
        values: dict[str, Any] = {}
        for suffix, name in _ENV.items():
            raw = os.environ.get("RUNBASE_" + suffix)
            source = "RUNBASE_" + suffix
            if raw is None:
                raw = os.environ.get("WANDB_" + suffix)
                source = "WANDB_" + suffix
            if raw is None:
                continue
            try:
                values[name] = _from_env(name, raw)
                cls._check(name, values[name])
            except ValueError as e:
                raise ValueError(f"environment variable {source}: {e}") from None
        out = cls()
        out._explicit.update(values)
        return out

    @classmethod
    def merged(cls, *layers: Settings | None) -> Settings:
        """Later layers override earlier ones, field by field."""
        out = cls()
        for layer in layers:
            if layer is not None:
                out._explicit.update(layer._explicit)
        return out
