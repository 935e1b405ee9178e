"""W&B's ``command`` macros, expanded into the argument list of a run's process.

``${env}`` /usr/bin/env, ``${interpreter}`` this Python, ``${program}`` the config's
``program``, ``${args}`` ``--key=value`` per parameter, ``${args_no_hyphens}``
``key=value``, ``${args_no_boolean_flags}`` like ``${args}`` but a true boolean as
a bare ``--key`` and a false one left out, ``${args_json}`` the parameters as one JSON
argument, ``${args_json_file}`` the path of a file holding that JSON,
``${envvar:NAME}`` an environment variable. Nested parameters are passed as
their top-level key with a JSON value, as W&B does.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from runbase.errors import UsageError
from runbase.sweeps.config import SweepConfig

DEFAULT_COMMAND = ["${env}", "${interpreter}", "${program}", "${args}"]


def _text(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def expand(cfg: SweepConfig, params: dict[str, Any], folder: Path, run_id: str) -> list[str]:
    command = cfg.command or DEFAULT_COMMAND
    out: list[str] = []
    for part in command:
        if part == "${env}":
            if os.name != "nt":
                out.append("/usr/bin/env")
        elif part == "${interpreter}":
            out.append(sys.executable)
        elif part == "${program}":
            if not cfg.program:
                raise UsageError(
                    "the sweep's command uses ${program} but the config has no program"
                )
            out.append(cfg.program)
        elif part == "${args}":
            out += [f"--{k}={_text(v)}" for k, v in params.items()]
        elif part == "${args_no_hyphens}":
            out += [f"{k}={_text(v)}" for k, v in params.items()]
        elif part == "${args_no_boolean_flags}":
            for k, v in params.items():
                if v is True:
                    out.append(f"--{k}")
                elif v is not False:
                    out.append(f"--{k}={_text(v)}")
        elif part == "${args_json}":
            out.append(json.dumps(params))
        elif part == "${args_json_file}":
            path = folder / f"{run_id}.args.json"
            path.write_text(json.dumps(params))
            out.append(str(path))
        else:
            out.append(_envvars(part))
    return out


def _envvars(part: str) -> str:
    """``${envvar:NAME}`` inside an argument, replaced by the variable's value."""
    while "${envvar:" in part:
        start = part.index("${envvar:")
        end = part.find("}", start)
        if end < 0:
            break
        name = part[start + 9 : end]
        if name not in os.environ:
            raise UsageError(f"the sweep's command uses ${{envvar:{name}}} but {name} is not set")
        part = part[:start] + os.environ[name] + part[end + 1 :]
    return part
