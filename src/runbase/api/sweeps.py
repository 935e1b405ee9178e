"""``Api().sweep(path)``: a sweep as W&B's public API shows it, plus its controls.

The sweep's own state (config, state, which runs it handed out, their metric
values) comes from its database (``runbase.sweeps.control``); its runs are the
store's runs filtered by ``{"sweep": id}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from runbase.sweeps.control import Controller
from runbase.sweeps.space import grid_size

if TYPE_CHECKING:
    from runbase.api.api import Api, Runs
    from runbase.api.run import Run


class Sweep:
    """One sweep: ``id``, ``name``, ``state``, ``config``, ``runs``, ``best_run()``,
    and ``pause()``/``resume()``/``stop()``/``cancel()``."""

    def __init__(self, api: Api, ctl: Controller) -> None:
        self._api = api
        self._ctl = ctl
        self.id: str = ctl.id
        self.entity: str = ctl.entity
        self.project: str = ctl.project
        self.config: dict[str, Any] = ctl.raw
        self.method: str = ctl.cfg.method

    def __repr__(self) -> str:
        return f"<Sweep {self.entity}/{self.project}/{self.id} ({self.state})>"

    @property
    def name(self) -> str:
        """The config's ``name``, else the id (as W&B shows it)."""
        return self._ctl.name or self.id

    @property
    def path(self) -> list[str]:
        return [self.entity, self.project, self.id]

    @property
    def state(self) -> str:
        """pending, running, paused, finished, stopped or canceled (read now)."""
        return self._ctl.state

    @property
    def runs(self) -> Runs:
        """The sweep's runs, newest first."""
        return self._api.runs(f"{self.entity}/{self.project}", filters={"sweep": self.id})

    @property
    def expected_run_count(self) -> int | None:
        """``run_cap``, else the number of grid points; None for an open-ended sweep."""
        cfg = self._ctl.cfg
        if cfg.run_cap is not None:
            return cfg.run_cap
        return grid_size(cfg.params) if cfg.method == "grid" else None

    def best_run(self, order: str | None = None) -> Run | None:
        """The run with the best metric value (per the config's goal), or by ``order``
        (e.g. ``"-summary.acc"``) when given."""
        if order is not None:
            found = list(self._api.runs(
                f"{self.entity}/{self.project}", filters={"sweep": self.id}, order=order
            )[:1])  # fmt: skip
            return found[0] if found else None
        best = self._ctl.best()
        if best is None:
            return None
        return self._api.run(f"{self.entity}/{self.project}/{best['run_id']}")

    def controller_runs(self) -> list[dict[str, Any]]:
        """What the controller knows of each run it handed out: parameters, state,
        metric value, logged metric values, and why it was stopped."""
        return self._ctl.runs()

    def pause(self) -> str:
        return self._ctl.act("pause")

    def resume(self) -> str:
        return self._ctl.act("resume")

    def stop(self) -> str:
        return self._ctl.act("stop")

    def cancel(self) -> str:
        return self._ctl.act("cancel")
