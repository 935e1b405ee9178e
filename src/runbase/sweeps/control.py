"""The local sweep controller: proposes the next run's parameters, enforces
``run_cap`` and the metric's ``target``, applies Hyperband, and moves the sweep
between its states. It is a library over the sweep's database (``db.py``), not
a process: each agent calls it, and every decision is one transaction.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import string
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runbase.errors import UsageError
from runbase.records.layout import id_problem, name_problem
from runbase.sweeps import db, search, space
from runbase.sweeps.config import SweepConfig, check

STATES = ("pending", "running", "paused", "finished", "stopped", "canceled")
# action -> (states it applies to, the state it leads to)
ACTIONS = {
    "pause": (("running", "pending"), "paused"),
    "resume": (("paused", "stopped", "canceled", "finished", "pending"), "running"),
    "stop": (("running", "paused", "pending"), "stopped"),
    "cancel": (("running", "paused", "pending", "stopped"), "canceled"),
}
_ID_CHARS = string.ascii_lowercase + string.digits
WAIT = "wait"  # claim(): the sweep is paused; ask again later


def new_id() -> str:
    return "".join(secrets.choice(_ID_CHARS) for _ in range(8))


@dataclass(frozen=True)
class Claim:
    """A run handed to an agent: its id (preassigned, as W&B's controller does) and
    its parameters, nested as the run's config receives them."""

    run_id: str
    params: dict[str, Any]


class Controller:
    """One sweep, opened from its folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.conn = db.connect(folder)
        row = self.conn.execute("SELECT * FROM sweep").fetchone()
        if row is None:
            raise UsageError(f"{folder} holds no sweep")
        self.id: str = row["id"]
        self.entity: str = row["entity"]
        self.project: str = row["project"]
        self.name: str | None = row["name"]
        self.created_at: float = row["created_at"]
        self.raw: dict[str, Any] = json.loads(row["config"])
        self.cfg: SweepConfig = check(self.raw)

    @classmethod
    def create(cls, root: Path, config: Any, entity: str, project: str) -> Controller:
        cfg = check(config)
        sweep_id = new_id()
        folder = db.sweep_dir(root, entity, project, sweep_id)
        db.create(folder, {
            "id": sweep_id, "entity": entity, "project": project, "name": cfg.name,
            "config": json.dumps(cfg.raw), "method": cfg.method, "state": "running",
            "created_at": db.now(),
        })  # fmt: skip
        return cls(folder)

    @classmethod
    def open(
        cls, root: Path, sweep_id: str, entity: str | None = None, project: str | None = None
    ) -> Controller:
        """The sweep ``sweep_id`` (or ``entity/project/sweep_id``)."""
        parts = sweep_id.split("/")
        if len(parts) == 3:
            entity, project, sweep_id = parts
        if (
            len(parts) not in (1, 3)
            or id_problem(sweep_id)
            or any(name_problem("name", n) for n in (entity, project) if n is not None)
        ):
            raise UsageError(f"a sweep is named `id` or `entity/project/id`, not {sweep_id!r}")
        if entity and project:
            folder = db.sweep_dir(root, entity, project, sweep_id)
            found = [folder] if (folder / "sweep.db").is_file() else []
        else:
            found = [f for f in db.find(root, sweep_id)
                     if (entity is None or f.parent.parent.name == entity)
                     and (project is None or f.parent.name == project)]  # fmt: skip
        if not found:
            raise UsageError(
                f"no sweep {sweep_id!r} in {root}; create one with `runbase sweep config.yaml` "
                "or runbase.sweep(config)"
            )
        if len(found) > 1:
            raise UsageError(f"sweep id {sweep_id!r} is in several projects; pass entity/project")
        return cls(found[0])

    def close(self) -> None:
        self.conn.close()

    # --- state ------------------------------------------------------------------------

    @property
    def state(self) -> str:
        return str(self.conn.execute("SELECT state FROM sweep").fetchone()[0])

    def act(self, action: str) -> str:
        """pause, resume, stop or cancel; returns the new state."""
        if action not in ACTIONS:
            raise UsageError(f"unknown sweep action {action!r}; use {', '.join(ACTIONS)}")
        allowed, to = ACTIONS[action]
        with db.transaction(self.conn):
            state = self.state
            if state == to:
                return to
            if state not in allowed:
                raise UsageError(f"sweep {self.id} is {state}: it cannot {action}")
            self._set_state(to)
            if action == "cancel":
                self.conn.execute(
                    "UPDATE runs SET stop_reason = 'sweep canceled' "
                    "WHERE state = 'running' AND stop_reason IS NULL"
                )
        return to

    def _set_state(self, state: str) -> None:
        self.conn.execute("UPDATE sweep SET state = ?, updated_at = ?", (state, db.now()))

    # --- runs -------------------------------------------------------------------------

    def runs(self) -> list[dict[str, Any]]:
        """Every run the sweep handed out, in order."""
        return [_run(r) for r in self.conn.execute("SELECT * FROM runs ORDER BY seq")]

    def best(self) -> dict[str, Any] | None:
        """``{"run_id", "value"}`` of the best finished metric value, or None."""
        metric = self.cfg.metric
        if metric is None:
            return None
        order = "ASC" if metric["goal"] == "minimize" else "DESC"
        row = self.conn.execute(
            "SELECT run_id, value FROM runs WHERE value IS NOT NULL "
            f"ORDER BY value {order}, seq LIMIT 1"
        ).fetchone()
        return None if row is None else {"run_id": row["run_id"], "value": row["value"]}

    def register_agent(self) -> str:
        agent = new_id()
        t = db.now()
        with db.transaction(self.conn):
            self.conn.execute(
                "INSERT INTO agents VALUES (?, ?, ?, ?, ?)",
                (agent, socket.gethostname(), os.getpid(), t, t),
            )
        return agent

    def claim(self, agent: str) -> Claim | str | None:
        """The next run for ``agent``: a Claim, WAIT while paused, None when the sweep
        hands out no more (stopped, canceled, finished, the grid done, run_cap reached)."""
        with db.transaction(self.conn):
            state = self.state
            if state == "paused":
                return WAIT
            if state not in ("running", "pending"):
                return None
            self._crash_orphans()
            n = self.conn.execute("SELECT COUNT(*) FROM runs").fetchone()[0]
            if self.cfg.run_cap is not None and n >= self.cfg.run_cap:
                self._set_state("finished")
                return None
            point = self._next_point()
            if point is None:
                self._set_state("finished")
                return None
            values, internal, grid_index = point
            run_id = new_id()
            self.conn.execute(
                "INSERT INTO runs (run_id, params, internal, point_key, grid_index, state, "
                "agent, claimed_at) VALUES (?, ?, ?, ?, ?, 'running', ?, ?)",
                (run_id, db.dumps(values), db.dumps(internal) if internal else None,
                 db.dumps(values), grid_index, agent, db.now()),
            )  # fmt: skip
        return Claim(run_id, space.nest(values))

    def _next_point(self) -> tuple[dict[str, Any], dict[str, Any] | None, int | None] | None:
        cfg = self.cfg
        if cfg.method == "grid":
            row = self.conn.execute("SELECT MAX(grid_index) FROM runs").fetchone()
            index = 0 if row[0] is None else row[0] + 1
            values = space.grid_point(cfg.params, index)
            return None if values is None else (values, None, index)
        if cfg.method == "random":
            return search.random_point(cfg), None, None
        runs = self.runs()
        search.impute(cfg, runs)
        taken = {r[0] for r in self.conn.execute("SELECT point_key FROM runs")}
        values, internal = search.bayes_point(cfg, runs, taken)
        if db.dumps(values) in taken and _finite(cfg) and len(taken) >= space.grid_size(cfg.params):
            return None  # every point of a finite space has been tried
        return values, internal, None

    def _crash_orphans(self) -> None:
        """Runs whose agent died on this machine (killed, rebooted) ended as crashed."""
        here = socket.gethostname()
        for row in self.conn.execute(
            "SELECT DISTINCT a.id, a.pid FROM agents a JOIN runs r ON r.agent = a.id "
            "WHERE r.state = 'running' AND a.host = ?",
            (here,),
        ).fetchall():
            if not _alive(row["pid"]):
                self.conn.execute(
                    "UPDATE runs SET state = 'crashed', ended_at = ? "
                    "WHERE agent = ? AND state = 'running'",
                    (db.now(), row["id"]),
                )

    def report(self, run_id: str, history: list[float]) -> str | None:
        """Record the metric values a running run has logged so far; return why it
        should stop (Hyperband, or the sweep canceled), or None to go on."""
        with db.transaction(self.conn):
            self.conn.execute(
                "UPDATE runs SET history = ? WHERE run_id = ?", (db.dumps(history), run_id)
            )
            row = self.conn.execute("SELECT * FROM runs WHERE run_id = ?", (run_id,)).fetchone()
            if row is None or row["state"] != "running":
                return None
            if row["stop_reason"]:
                return str(row["stop_reason"])
            if self.cfg.hyperband is None:
                return None
            why = search.hyperband_stop(self.cfg, _run(row), self.runs())
            if why:
                self.conn.execute("UPDATE runs SET stop_reason = ? WHERE run_id = ?", (why, run_id))
            return why

    def end_run(self, run_id: str, state: str, value: float | None, history: list[float]) -> None:
        """The run ended: ``state`` finished, failed, crashed or stopped."""
        with db.transaction(self.conn):
            self.conn.execute(
                "UPDATE runs SET state = ?, value = ?, history = ?, ended_at = ? WHERE run_id = ?",
                (state, value, db.dumps(history), db.now(), run_id),
            )
            metric = self.cfg.metric
            target = metric.get("target") if metric else None
            if metric is None or target is None or value is None:
                return
            hit = value <= target if metric["goal"] == "minimize" else value >= target
            if hit and self.state == "running":
                self._set_state("finished")


def _run(row: Any) -> dict[str, Any]:
    return {
        "run_id": row["run_id"],
        "params": json.loads(row["params"]),
        "internal": json.loads(row["internal"]) if row["internal"] else None,
        "state": row["state"],
        "value": row["value"],
        "history": json.loads(row["history"]),
        "stop_reason": row["stop_reason"],
        "claimed_at": row["claimed_at"],
        "ended_at": row["ended_at"],
    }


def _finite(cfg: SweepConfig) -> bool:
    return all(p.distribution in ("constant", "categorical", "int_uniform") for p in cfg.params)


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
