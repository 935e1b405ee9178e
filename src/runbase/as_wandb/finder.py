"""How ``wandb`` resolves to runbase: a meta-path finder and a distribution finder.

Placed first on ``sys.meta_path``, the finder answers for ``wandb`` and every
``wandb.*`` name before the path finder can reach an installed wandb:

- ``wandb.X`` is the module ``runbase.as_wandb.wandb.X`` (the names frameworks
  import: ``wandb.sdk.lib.config_util``, ``wandb.wandb_run``, ...), or, for the
  prefixes in ``_ALIASES``, a runbase module itself (``wandb.plot`` is
  ``runbase.plot``), so classes keep one identity (``isinstance`` and ``except``
  work across both names);
- any other ``wandb.*`` name is a ``ModuleNotFoundError`` that says runbase answers
  for ``wandb``, rather than a copy of a runbase module loaded under a second name.

The loader hands back the runbase module itself (``sys.modules["wandb"]`` is
``runbase.as_wandb.wandb``), so nothing is loaded twice.

``find_distributions`` makes ``importlib.metadata`` see a ``wandb`` distribution
whose version is ``WANDB_VERSION``; with the finder first, it is found before an
installed wandb's own.
"""

from __future__ import annotations

import functools
import importlib
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Iterable, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any

from runbase.as_wandb import WANDB_VERSION

if TYPE_CHECKING:
    from importlib.metadata import Distribution

# importlib.abc and importlib.metadata are not imported here: they would cost every
# Python started with the opt-in ~20 ms. The finder and the loader are plain classes
# with the methods the import system calls; the distribution is made at first use.

_SHIM = "runbase.as_wandb.wandb"
# W&B module paths served by runbase's own modules (longest prefix first).
_ALIASES = (
    ("wandb.integration.keras", "runbase.integration.keras"),
    ("wandb.apis.public", "runbase.api"),
    ("wandb.data_types", "runbase.sdk.data_types"),
    ("wandb.errors", "runbase.errors"),
    ("wandb.plot", "runbase.plot"),
    ("wandb.tensorboard", "runbase.tensorboard"),
)


def target_of(fullname: str) -> str | None:
    """The runbase module that answers for ``fullname``, or None when it is not a wandb name."""
    if fullname != "wandb" and not fullname.startswith("wandb."):
        return None
    for prefix, target in _ALIASES:
        if fullname == prefix or fullname.startswith(prefix + "."):
            return target + fullname[len(prefix) :]
    return _SHIM + fullname[len("wandb") :]


class _AliasLoader:
    """Loads ``wandb.X`` by importing its runbase module and putting that in its place."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return None  # a placeholder; exec_module swaps in the runbase module

    def exec_module(self, module: ModuleType) -> None:
        name = module.__name__
        if name == "wandb":
            from runbase.as_wandb import announce_real_wandb

            announce_real_wandb()
        # The import system returns what sys.modules holds after exec_module.
        sys.modules[name] = importlib.import_module(self.target)


@functools.cache
def _distribution() -> Distribution:
    """The ``wandb`` distribution as ``importlib.metadata`` sees it inside the opt-in."""
    import pathlib
    from importlib.metadata import Distribution

    from runbase.version import __version__

    metadata = (
        "Metadata-Version: 2.1\n"
        "Name: wandb\n"
        f"Version: {WANDB_VERSION}\n"
        f"Summary: runbase {__version__}, answering to wandb (RUNBASE_AS_WANDB)\n"
    )

    class WandbDistribution(Distribution):
        def read_text(self, filename: str) -> str | None:
            return metadata if filename in ("METADATA", "PKG-INFO") else None

        def locate_file(self, path: str | os.PathLike[str]) -> Any:
            return pathlib.Path(__file__).parent / path

    return WandbDistribution()


class WandbFinder:
    """The one finder of the opt-in (``FINDER``); see the module docstring."""

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        where = target_of(fullname)
        if where is None:
            return None
        if where in sys.modules or _exists(where):
            loader: Any = _AliasLoader(where)  # a Loader by its methods, not by importlib.abc
            return importlib.machinery.ModuleSpec(fullname, loader)
        raise ModuleNotFoundError(
            f"No module named {fullname!r}: RUNBASE_AS_WANDB is set, so runbase answers for "
            f"wandb, and runbase has no {fullname} (docs/switching-from-wandb.md lists what "
            "it covers)",
            name=fullname,
        )

    def find_distributions(self, context: Any = None) -> Iterable[Distribution]:
        """``importlib.metadata``'s question: a ``wandb`` distribution, when asked for it."""
        name = getattr(context, "name", None)
        if name is None or _normalized(name) == "wandb":
            return iter([_distribution()])
        return iter(())

    def invalidate_caches(self) -> None:
        """Nothing is cached."""


def _exists(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # its parent package does not exist
        return False


def _normalized(name: str) -> str:
    return name.lower().replace("-", "_").replace(".", "_")


FINDER = WandbFinder()
