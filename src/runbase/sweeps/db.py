"""Where a sweep's state lives: one SQLite database per sweep, beside the runs.

``RUNBASE_DIR/sweeps/<entity>/<project>/<sweep_id>/sweep.db`` holds the config as
given, the sweep's state, and one row per run it handed out (the parameters, the
grid point, the metric values its agent reported, how it ended). Every agent
and reader of the sweep opens the same file; a claim is one ``BEGIN IMMEDIATE``
transaction (SQLite's write lock taken before the read), so two agents never
see the same "next" point. Runs' own records stay in ``runs/``; the database
only says which runs belong to the sweep and what the controller decided.
"""

from __future__ import annotations

import glob
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sweep (
  id TEXT PRIMARY KEY, entity TEXT NOT NULL, project TEXT NOT NULL, name TEXT,
  config TEXT NOT NULL, method TEXT NOT NULL, state TEXT NOT NULL,
  created_at REAL NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE,
  params TEXT NOT NULL, internal TEXT, point_key TEXT, grid_index INTEGER UNIQUE,
  state TEXT NOT NULL, agent TEXT, claimed_at REAL NOT NULL, ended_at REAL,
  value REAL, history TEXT NOT NULL DEFAULT '[]', stop_reason TEXT);
CREATE INDEX IF NOT EXISTS ix_runs_point ON runs(point_key);
CREATE TABLE IF NOT EXISTS agents (
  id TEXT PRIMARY KEY, host TEXT, pid INTEGER, started_at REAL, heartbeat_at REAL);
"""
BUSY_TIMEOUT_S = 60.0


def sweeps_root(root: Path) -> Path:
    return root / "sweeps"


def sweep_dir(root: Path, entity: str, project: str, sweep_id: str) -> Path:
    return sweeps_root(root) / entity / project / sweep_id


def find(root: Path, sweep_id: str) -> list[Path]:
    """Folders of sweeps with this id, whatever their entity and project."""
    base = sweeps_root(root)
    if not base.is_dir():
        return []
    pattern = f"*/*/{glob.escape(sweep_id)}"
    return sorted(p for p in base.glob(pattern) if (p / "sweep.db").is_file())


def connect(folder: Path) -> sqlite3.Connection:
    """The sweep's database (autocommit: transactions are explicit, ``transaction``)."""
    conn = sqlite3.connect(
        folder / "sweep.db", timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    conn.row_factory = sqlite3.Row
    # The rollback journal, not WAL: WAL needs shared memory, which a shared file
    # system across machines does not give; the rollback journal needs only locks.
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA synchronous=FULL")
    return conn


def create(folder: Path, row: dict[str, Any]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    conn = connect(folder)
    try:
        with transaction(conn):
            _schema(conn)
            conn.execute(
                "INSERT INTO sweep (id, entity, project, name, config, method, state, "
                "created_at, updated_at) VALUES (:id, :entity, :project, :name, :config, "
                ":method, :state, :created_at, :created_at)",
                row,
            )
    finally:
        conn.close()


def _schema(conn: sqlite3.Connection) -> None:
    for stmt in SCHEMA.split(";"):
        if stmt.strip():
            conn.execute(stmt)


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE``: the write lock first, so read-then-write is atomic across processes."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def dumps(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def now() -> float:
    return time.time()
