"""``run.config``: a dict with attribute access whose changes are recorded."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from runbase.errors import ConfigError
from runbase.sdk import config_files
from runbase.sdk.values import MAX_DEPTH, convert

Emit = Callable[[dict[str, Any], list[str]], None]


def _plain(value: Any, key: str, path: tuple[int, ...] = ()) -> Any:
    """Config values are stored as JSON-like data; nested mappings stay nested."""
    if isinstance(value, Mapping):
        items = value.items()
    elif hasattr(value, "__dict__") and type(value).__name__ == "Namespace":
        items = vars(value).items()
    else:
        return convert(value, key, "config")
    if id(value) in path:
        raise TypeError(f"config: the value of {key!r} contains itself; pass a copy without it")
    if len(path) >= MAX_DEPTH:
        raise TypeError(
            f"config: the value of {key[:80]!r}... is nested more than {MAX_DEPTH} levels deep; "
            "pass a flatter config"
        )
    inner = (*path, id(value))
    out: dict[str, Any] = {}
    for k, v in items:
        name = str(k)
        if name in out:
            raise ValueError(f"config: {key!r} has two keys that both read {name!r}; keep one")
        out[name] = _plain(v, f"{key}.{k}", inner)
    return out


def as_dict(params: Any) -> dict[str, Any]:
    """A dict, an argparse Namespace, absl's ``flags.FLAGS``, or a YAML file's path, as a dict."""
    if params is None:
        return {}
    if isinstance(params, Mapping):
        return dict(params)
    if isinstance(params, str | os.PathLike):
        return config_files.read_config_file(params)
    if type(params).__name__ == "Namespace" or hasattr(params, "_get_kwargs"):
        return dict(vars(params))
    flags = config_files.flag_values(params)
    if flags is not None:
        return flags
    raise TypeError(
        "config must be a dict, an argparse Namespace, absl flags or the path of a YAML "
        f"file, got {type(params).__name__}"
    )


class Config:
    """Run configuration. ``config.lr``, ``config["lr"]``, ``config.update({...})``.

    Changing an existing key to a different value raises ConfigError unless
    ``allow_val_change`` is given (per call, or for the run in ``init()``).
    """

    def __init__(self, emit: Emit | None = None, allow_val_change: bool = False) -> None:
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_emit", emit)
        object.__setattr__(self, "_allow", allow_val_change)
        # key -> who locked it ("sweep"): the script's own values for it are ignored.
        object.__setattr__(self, "_locked", {})

    def _lock(self, keys: Any, user: str) -> None:
        self._locked.update(dict.fromkeys(keys, user))

    def _set_many(self, params: Any, allow_val_change: bool | None) -> None:
        raw = as_dict(params)
        allow = self._allow if allow_val_change is None else allow_val_change
        changes: dict[str, Any] = {}
        for k, v in raw.items():
            key = str(k).strip("-")  # argparse-style names
            value = _plain(v, key)
            if key in self._locked:
                if self._items.get(key) != value:
                    warnings.warn(
                        f"Config item {key!r} was locked by {self._locked[key]!r} "
                        "(ignored update).",
                        stacklevel=3,
                    )
                continue
            if key in self._items and self._items[key] != value and not allow:
                raise ConfigError(
                    f"Attempted to change value of config key {key!r} from "
                    f"{self._items[key]!r} to {value!r}. If you really want to do this, pass "
                    "allow_val_change=True to config.update() or to runbase.init()"
                )
            if key not in self._items or self._items[key] != value:
                changes[key] = value
        if not changes:
            return
        # Recorded first: a change the record file refuses (e.g. an int too large to
        # store) raises and leaves the config as it was.
        if self._emit is not None:
            self._emit(changes, [])
        self._items.update(changes)

    def update(self, params: Any = None, allow_val_change: bool | None = None) -> None:
        """Add or change keys from a dict or argparse Namespace."""
        self._set_many(params, allow_val_change)

    def setdefaults(self, params: Any) -> None:
        """Set keys that are not set yet; existing ones are left alone."""
        raw = as_dict(params)
        self._set_many({k: v for k, v in raw.items() if k not in self._items}, None)

    def __setitem__(self, key: str, value: Any) -> None:
        self._set_many({key: value}, None)

    def __setattr__(self, key: str, value: Any) -> None:
        self._set_many({key: value}, None)

    def __getitem__(self, key: str) -> Any:
        return self._items[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._items[key]
        except KeyError:
            raise AttributeError(f"config has no key {key!r}") from None

    def __delitem__(self, key: str) -> None:
        if key not in self._items:
            raise KeyError(key)
        if self._emit is not None:
            self._emit({}, [key])
        del self._items[key]

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Config):
            return bool(self._items == other._items)
        return isinstance(other, Mapping) and bool(self._items == dict(other))

    def __repr__(self) -> str:
        return repr(self._items)

    def get(self, key: str, default: Any = None) -> Any:
        """Value of ``key``, or ``default``."""
        return self._items.get(key, default)

    def keys(self) -> list[str]:
        """User keys (keys starting with ``_`` are internal and hidden, as in W&B)."""
        return [k for k in self._items if not k.startswith("_")]

    def items(self) -> list[tuple[str, Any]]:
        """User ``(key, value)`` pairs."""
        return [(k, v) for k, v in self._items.items() if not k.startswith("_")]

    def values(self) -> list[Any]:
        """User values."""
        return [v for k, v in self._items.items() if not k.startswith("_")]

    def as_dict(self) -> dict[str, Any]:
        """A plain copy of every key."""
        return dict(self._items)
