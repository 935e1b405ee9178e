"""Keeping ``project_keys``: per project, how many runs hold each config and summary
leaf and each history key (and how many log that key as a number).

The indexer counts what it changes as it writes runs (``KeyCounts``) and applies
the counts once per transaction, in one statement, so the columns a project offers (the
runs table's headers, the workspace's panels) are a read of a few hundred rows
whatever the project's run count. Deleting runs takes their keys off first.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from runbase.records.shapes import MAX_KEY
from runbase.store.db.schema import project_keys, run_keys, run_values, runs


def leaf_keys(leaves: dict[str, Any]) -> set[str]:
    """The keys ``run_values`` holds for flat leaves (as ``write_run`` stores them:
    NUL made U+FFFD, keys longer than the column left out)."""
    return {k.replace("\x00", "\ufffd") for k in leaves if len(k) <= MAX_KEY}


class KeyCounts:
    """Changes to key counts: ``(entity, project, section, key) -> [runs, numeric]``.

    ``project`` is the project of the run being written (``Indexer.index_run`` sets
    it); one ``KeyCounts`` gathers a whole transaction's runs, so a thousand small
    runs of one project cost one statement, not a thousand."""

    def __init__(self) -> None:
        self.delta: dict[tuple[str, str, str, str], list[int]] = {}
        self.project = ("", "")

    def add(self, section: str, key: str, runs: int, numeric: int = 0) -> None:
        d = self.delta.setdefault((*self.project, section, key), [0, 0])
        d[0] += runs
        d[1] += numeric

    def leaves(self, section: str, old: Iterable[str], new: Iterable[str]) -> None:
        """A run's leaves of ``section`` went from ``old`` to ``new``."""
        before, after = set(old), set(new)
        for k in after - before:
            self.add(section, k, 1)
        for k in before - after:
            self.add(section, k, -1)

    def apply(self, conn: sa.Connection) -> None:
        """Write the changes (in key order, so concurrent writers lock rows alike)."""
        rows: list[dict[str, Any]] = [
            {"entity": e, "project": p, "section": s, "key": k, "runs": r, "numeric": n}
            for (e, p, s, k), (r, n) in sorted(self.delta.items())
            if r or n
        ]
        self.delta = {}
        if not rows:
            return
        conn.execute(_upsert(conn), rows)
        gone = [(r["entity"], r["project"], r["section"], r["key"]) for r in rows if r["runs"] < 0]
        if gone:
            # A key no run holds any more is no column: drop its row.
            pk = project_keys.c
            conn.execute(
                sa.delete(project_keys).where(
                    sa.tuple_(pk.entity, pk.project, pk.section, pk.key).in_(gone), pk.runs <= 0
                )
            )


def _upsert(conn: sa.Connection) -> Any:
    from sqlalchemy.dialects import postgresql, sqlite

    pg = conn.dialect.name == "postgresql"
    stmt: Any = postgresql.insert(project_keys) if pg else sqlite.insert(project_keys)
    return stmt.on_conflict_do_update(
        index_elements=[
            project_keys.c.entity,
            project_keys.c.project,
            project_keys.c.section,
            project_keys.c.key,
        ],
        set_={
            "runs": project_keys.c.runs + stmt.excluded.runs,
            "numeric": project_keys.c.numeric + stmt.excluded.numeric,
        },
    )


def forget_runs(conn: sa.Connection, rids: list[int]) -> None:
    """Take the keys of runs about to be deleted off their projects' counts."""
    if not rids:
        return
    values = (
        sa.select(runs.c.entity, runs.c.project, run_values.c.section, run_values.c.key)
        .add_columns(sa.func.count().label("n"), sa.literal(0).label("num"))
        .join(runs, runs.c.rid == run_values.c.rid)
        .where(run_values.c.rid.in_(rids))
        .group_by(runs.c.entity, runs.c.project, run_values.c.section, run_values.c.key)
    )
    numeric = sa.case((run_keys.c.numeric_count > 0, 1), else_=0)
    keys = (
        sa.select(runs.c.entity, runs.c.project, sa.literal("h").label("section"), run_keys.c.key)
        .add_columns(sa.func.count().label("n"), sa.func.sum(numeric).label("num"))
        .join(runs, runs.c.rid == run_keys.c.rid)
        .where(run_keys.c.rid.in_(rids))
        .group_by(runs.c.entity, runs.c.project, run_keys.c.key)
    )
    counts = KeyCounts()
    for q in (values, keys):
        for r in conn.execute(q):
            counts.project = (r.entity, r.project)
            counts.add(r.section, r.key, -r.n, -int(r.num or 0))
    counts.apply(conn)
