"""What ``runbase.log`` and friends are before ``init()``: clear errors, not AttributeErrors."""

from __future__ import annotations

from typing import Any, NoReturn

from runbase.errors import UsageError


def _fail(what: str) -> NoReturn:
    raise UsageError(
        f"You must call runbase.init() before runbase.{what}, or call it on a run object "
        f"(run = runbase.init(); run.{what.split('(')[0]}...)."
    )


def log(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.log``."""
    _fail("log()")


def define_metric(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.define_metric``."""
    _fail("define_metric()")


def save(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.save``."""
    _fail("save()")


def watch(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.watch``."""
    _fail("watch()")


def unwatch(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.unwatch``."""
    _fail("unwatch()")


def alert(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.alert``."""
    _fail("alert()")


def mark_preempting(*args: Any, **kwargs: Any) -> None:
    """Placeholder for ``runbase.mark_preempting``."""
    _fail("mark_preempting()")


def log_artifact(*args: Any, **kwargs: Any) -> Any:
    """Placeholder for ``runbase.log_artifact``."""
    _fail("log_artifact()")


def use_artifact(*args: Any, **kwargs: Any) -> Any:
    """Placeholder for ``runbase.use_artifact``."""
    _fail("use_artifact()")


def log_model(*args: Any, **kwargs: Any) -> Any:
    """Placeholder for ``runbase.log_model``."""
    _fail("log_model()")


def use_model(*args: Any, **kwargs: Any) -> Any:
    """Placeholder for ``runbase.use_model``."""
    _fail("use_model()")


def link_model(*args: Any, **kwargs: Any) -> Any:
    """Placeholder for ``runbase.link_model``."""
    _fail("link_model()")


class _PreInit:
    def __init__(self, name: str) -> None:
        object.__setattr__(self, "_name", name)

    def __getattr__(self, key: str) -> Any:
        if key.startswith("__"):
            raise AttributeError(key)
        _fail(f"{self._name}.{key}")

    def __setattr__(self, key: str, value: Any) -> None:
        _fail(f"{self._name}.{key}")

    def __getitem__(self, key: str) -> Any:
        _fail(f"{self._name}[{key!r}]")

    def __setitem__(self, key: str, value: Any) -> None:
        _fail(f"{self._name}[{key!r}]")

    def update(self, *args: Any, **kwargs: Any) -> None:
        _fail(f"{self._name}.update()")

    def __repr__(self) -> str:
        return f"<runbase.{self._name}: call runbase.init() first>"


config = _PreInit("config")
summary = _PreInit("summary")
