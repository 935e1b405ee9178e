"""W&B's small module-level helpers: ``termlog``/``termwarn``/``termerror`` and ``require``.

Frameworks call them on ``wandb`` (Hugging Face's callback warns through
``termwarn(..., repeat=False)``); runbase prints to stderr with its own prefix.
"""

from __future__ import annotations

import os
import sys
from typing import Any

_said: set[str] = set()
_SILENT = ("RUNBASE_SILENT", "WANDB_SILENT")


def _say(level: str, message: str, newline: bool, repeat: bool, prefix: bool) -> None:
    if not repeat:
        if message in _said:
            return
        _said.add(message)
    head = f"runbase: {level}" if prefix else ""
    text = "\n".join(head + line for line in str(message).split("\n"))
    print(text, end="\n" if newline else "", file=sys.stderr, flush=True)


def termlog(
    string: str = "", newline: bool = True, repeat: bool = True, prefix: bool = True
) -> None:
    """Print a line to stderr (not when ``RUNBASE_SILENT``/``WANDB_SILENT`` is set)."""
    if any(os.environ.get(v, "").lower() in ("1", "true", "yes") for v in _SILENT):
        return
    _say("", string, newline, repeat, prefix)


def termwarn(string: str, newline: bool = True, repeat: bool = True, prefix: bool = True) -> None:
    """Print a warning line to stderr; ``repeat=False`` prints a message once per process."""
    _say("WARNING ", string, newline, repeat, prefix)


def termerror(string: str, newline: bool = True, repeat: bool = True, prefix: bool = True) -> None:
    """Print an error line to stderr."""
    _say("ERROR ", string, newline, repeat, prefix)


def termsetup(settings: Any = None, logger: Any = None) -> None:
    """Accepted for W&B code; runbase's terminal output needs no setup."""


def require(requirement: str | list[str] | None = None, experiment: str | None = None) -> None:
    """Accepted for W&B code: W&B's optional features ("service", "core") are how runbase
    always works, so there is nothing to switch on."""
