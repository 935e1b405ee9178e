"""Sweeps: ``runbase.sweep(config)`` creates one, ``runbase.agent(sweep_id)`` runs it.

Everything is local and offline: the sweep's state is a SQLite database under
``RUNBASE_DIR/sweeps/`` (``db.py``), the controller is a library each agent calls
(``control.py``; ``runner.py`` is the agent's loop), and runs are ordinary runs
that carry the sweep's id. See docs/sweeps.md.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from runbase.records.layout import default_entity, runbase_dir

DEFAULT_PROJECT = "Uncategorized"  # as runbase.init's


def _where(config: dict[str, Any], entity: str | None, project: str | None) -> tuple[str, str]:
    entity = (entity or config.get("entity") or os.environ.get("RUNBASE_ENTITY")
              or os.environ.get("WANDB_ENTITY") or default_entity())  # fmt: skip
    project = (project or config.get("project") or os.environ.get("RUNBASE_PROJECT")
               or os.environ.get("WANDB_PROJECT") or DEFAULT_PROJECT)  # fmt: skip
    return str(entity), str(project)


def sweep(
    sweep: Any = None,
    entity: str | None = None,
    project: str | None = None,
    prior_runs: list[str] | None = None,
    *,
    config: Any = None,
) -> str:
    """Create a sweep from a config (a dict, YAML text or a YAML file's path); return its id.

    The config is checked first: an invalid one raises ``SweepConfigError`` naming
    every field that is wrong and what is allowed there, and nothing is created.
    """
    from runbase.sweeps.config import check
    from runbase.sweeps.control import Controller

    cfg = check(sweep if sweep is not None else config)
    entity, project = _where(cfg.raw, entity, project)
    ctl = Controller.create(runbase_dir(), cfg.raw, entity, project)
    try:
        print(f"runbase: created sweep {ctl.id} in {entity}/{project}", flush=True)
        print(f"runbase: run it with `runbase agent {entity}/{project}/{ctl.id}`", flush=True)
        return ctl.id
    finally:
        ctl.close()


def agent(
    sweep_id: str,
    function: Callable[[], Any] | None = None,
    entity: str | None = None,
    project: str | None = None,
    count: int | None = None,
) -> int:
    """Run the sweep's runs here until it hands out no more, or ``count`` are done.

    With ``function`` each run calls it in this process (it calls ``runbase.init()``,
    which picks up the run's id and parameters); without, each run is the sweep's
    ``program``/``command`` in a child process. Returns the number of runs done.
    """
    from runbase.sweeps.control import Controller
    from runbase.sweeps.runner import Agent

    if count is not None and (type(count) is not int or count < 1):
        from runbase.errors import UsageError

        raise UsageError(f"count must be a whole number >= 1, got {count!r}")
    root = runbase_dir()
    ctl = Controller.open(root, sweep_id, entity, project)
    try:
        if function is None and not (ctl.cfg.program or ctl.cfg.command):
            from runbase.errors import UsageError

            raise UsageError(f"sweep {ctl.id} has no program or command: pass function= to agent()")
        return Agent(root, ctl, function).loop(count)
    finally:
        ctl.close()


def controller(sweep_id: str, entity: str | None = None, project: str | None = None) -> Any:
    """The sweep's controller (``.state``, ``.act("pause")``, ``.runs()``, ``.best()``)."""
    from runbase.sweeps.control import Controller

    return Controller.open(runbase_dir(), sweep_id, entity, project)
