"""A run that a sweep's agent started: its parameters and the agent's stop request.

The agent names a parameter file (``RUNBASE_SWEEP_PARAM_PATH``, W&B's
``{key: {"value": v}}``) and a stop file (``RUNBASE_SWEEP_STOP_PATH``) that it
writes, with the reason, before it interrupts the run.
"""

from __future__ import annotations

import json
import os
from typing import Any

from runbase.errors import UsageError


def params(path: str | None) -> dict[str, Any]:
    """The sweep's parameters for this run (``{}`` when it is not a sweep run)."""
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError as e:
        raise UsageError(f"cannot read the sweep parameter file {path}: {e}") from None
    try:
        raw = json.loads(text)
    except ValueError:
        import yaml  # W&B writes YAML; runbase's agent writes JSON (a subset)

        raw = yaml.safe_load(text)
    if not isinstance(raw, dict):
        raise UsageError(f"the sweep parameter file {path} does not hold a mapping")
    return {
        str(k): v["value"] if isinstance(v, dict) and "value" in v else v for k, v in raw.items()
    }


def is_agent_run(run_id: str | None, sweep_id: str | None) -> bool:
    """True when ``run_id`` is the id a sweep's agent gave this process's trial.

    The agent names a fresh id per trial, so a second ``init()`` with it in the same
    trial (Hugging Face's hyperparameter search finishes the agent's run and starts
    it again) continues that trial's run, as W&B does, rather than being refused as
    an id already taken.
    """
    return bool(run_id and sweep_id and run_id == os.environ.get("RUNBASE_RUN_ID"))


def stop_reason() -> str | None:
    """Why the sweep's agent asked this run to stop, or None when it did not."""
    path = os.environ.get("RUNBASE_SWEEP_STOP_PATH")
    if not path:
        return None
    try:
        with open(path, encoding="utf-8") as f:
            return f.read() or "stopped by the sweep"
    except OSError:
        return None
