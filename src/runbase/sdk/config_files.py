"""Config that W&B reads from elsewhere than a dict: YAML files and absl flags.

- ``init(config="config.yaml")``: a YAML file whose top-level keys are the config.
- ``config-defaults.yaml`` in the working directory: loaded into every run's config
  first, so ``init(config=...)`` and sweeps override it (W&B reads it from the
  working directory too, not from beside the script).
- absl's ``flags.FLAGS`` (and the ``absl.flags`` module itself): every flag's value.

W&B's file format nests each value as ``key: {desc: ..., value: ...}`` (with an
optional ``wandb_version: 1``); a plain ``key: value`` file is read as written too.
PyYAML is imported only when a YAML file is read.
"""

from __future__ import annotations

import os
import types
import warnings
from collections.abc import Iterable, Mapping
from typing import Any

from runbase.errors import ConfigError, UsageError

DEFAULTS_FILE = "config-defaults.yaml"
_ENTRY_KEYS = frozenset(("value", "desc"))


def _yaml() -> Any:
    try:
        import yaml
    except ImportError:
        raise ImportError(
            "runbase reads config files with PyYAML, which is not installed: "
            "`pip install pyyaml`, or pass the config as a dict"
        ) from None
    return yaml


def read_config_file(path: str | os.PathLike[str], must_exist: bool = True) -> dict[str, Any]:
    """The config in YAML file ``path``; ``{}`` for an empty file (or a missing one
    when ``must_exist`` is false). ConfigError names the file and what is wrong."""
    name = os.fspath(path)
    if not os.path.exists(name):
        if must_exist:
            raise ConfigError(f"config file {name} doesn't exist")
        return {}
    yaml = _yaml()
    try:
        with open(name, encoding="utf-8") as f:
            loaded = yaml.safe_load(f)
    except OSError as e:
        raise ConfigError(f"couldn't read config file {name}: {e.strerror or e}") from None
    except yaml.YAMLError as e:
        raise ConfigError(f"config file {name} is not valid YAML: {e}") from None
    if loaded is None:
        warnings.warn(
            f"runbase: the config file {name} is empty; proceeding with no values from it",
            stacklevel=3,
        )
        return {}
    if not isinstance(loaded, dict):
        raise ConfigError(
            f"config file {name} must map keys to values (`lr: 0.01`), "
            f"not hold a {type(loaded).__name__}"
        )
    version = loaded.pop("wandb_version", None)
    if version is not None and version != 1:
        raise ConfigError(f"config file {name}: unknown wandb_version {version!r}; 1 is read")
    return {str(k): _entry_value(v) for k, v in loaded.items()}


def _entry_value(value: Any) -> Any:
    """W&B's ``{desc: ..., value: ...}`` entry as its value; any other value as written."""
    if isinstance(value, dict) and "value" in value and set(value) <= _ENTRY_KEYS:
        return value["value"]
    return value


def defaults() -> dict[str, Any]:
    """``config-defaults.yaml`` in the working directory, or ``{}`` when there is none."""
    return read_config_file(DEFAULTS_FILE, must_exist=False)


def flag_values(params: Any) -> dict[str, Any] | None:
    """absl's FlagValues (or the ``absl.flags`` module) as ``{flag: value}``; else None.

    Recognised by where the object comes from, as W&B does: absl need not be installed
    for anything else to work.
    """
    if isinstance(params, types.ModuleType) and params.__name__ in (
        "absl.flags",
        "tensorflow.python.platform.flags",
    ):
        params = params.FLAGS
    if not type(params).__module__.startswith("absl.flags"):
        return None
    return {name: params[name].value for name in dir(params)}


def filtered(
    params: dict[str, Any], include: Iterable[str] | None, exclude: Iterable[str] | None
) -> dict[str, Any]:
    """``config_include_keys`` / ``config_exclude_keys`` applied to the top-level keys."""
    if include and exclude:
        raise UsageError("runbase.init: pass config_include_keys or config_exclude_keys, not both")
    for what, keys in (("config_include_keys", include), ("config_exclude_keys", exclude)):
        if isinstance(keys, str | bytes | Mapping):
            raise TypeError(f"runbase.init: {what} takes a list of key names, got {keys!r}")
    if include:
        wanted = set(include)
        return {k: v for k, v in params.items() if k in wanted}
    if exclude:
        unwanted = set(exclude)
        return {k: v for k, v in params.items() if k not in unwanted}
    return params
