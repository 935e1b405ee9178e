"""Bringing the store up to date from the record files.

Discovery: new segments are listed in ``journal.rbr``, read from the offset the
last pass stopped at; a store that is new walks ``runs/`` instead. Reading: each
segment not yet finished is read from its stored byte offset, and each run's
``edits.rbr`` likewise. A run's new records, its offsets and everything derived
from them are written in one transaction, so a pass that dies half way leaves
the store as if it had not started, and indexing twice changes nothing.

Every write happens under the index lock (``lock.py``): any number of
processes may call :func:`sync` while SDK processes write records.

This module runs a pass; ``discovery.py`` finds segments, ``newrecords.py``
reads them, ``fold.py`` folds a run's records and ``runwrites.py`` writes it.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from runbase.records import Frame
from runbase.records.blocks import records_in
from runbase.records.process import host_name
from runbase.store.db.lock import index_lock, lock_run
from runbase.store.db.schema import runs, segments
from runbase.store.indexing.discovery import discover
from runbase.store.indexing.fold import (
    apply_other_info,
    check_history,
    fold_edit,
    fold_segment,
    load_state,
)
from runbase.store.indexing.inserts import Inserts
from runbase.store.indexing.project_keys import KeyCounts
from runbase.store.indexing.tail import Seg, load_segments, read_edits, read_new
from runbase.store.indexing.write_run import (
    CRASH_TIMEOUT,
    UPDATE_RUN,
    delete_run_rows,
    derive_states,
    refresh_project,
    write_other,
    write_run,
)

if TYPE_CHECKING:
    from runbase.store.indexing.batch import Batch
    from runbase.store.indexing.runstate import RunState

__all__ = ["Indexer", "SyncReport", "delete_run_rows", "refresh_project"]

# Statements built once: building one per run costs more than running it.
# Refresh planner statistics after about this many runs (or thousands of records).
_ANALYZE_AFTER = 1000

_RUN_BY_RID = sa.select(runs).where(runs.c.rid == sa.bindparam("b_rid"))
_UPDATE_SEGMENT = sa.update(segments).where(
    segments.c.rid == sa.bindparam("b_rid"), segments.c.name == sa.bindparam("b_name")
)
# Records (plus one per run) folded before a transaction is committed.
_TRANSACTION_LOAD = 20_000
# A run that could not be indexed is retried after this long (by this process).
QUARANTINE_SECONDS = 600
# Errors that say nothing about the run being indexed.
_TRANSIENT = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.DisconnectionError)

log = logging.getLogger("runbase.store")
_RunWork = tuple[int, list[Seg], tuple[list[Frame], int] | None]


@dataclass
class SyncReport:
    """What one pass did (for logging, tests and benchmarks)."""

    runs: int = 0
    frames: int = 0
    problems: int = 0
    seconds: float = 0.0


class Indexer:
    """Indexes the record files under ``root`` into the store behind ``engine``."""

    def __init__(self, engine: sa.Engine, root: Path) -> None:
        self.engine = engine
        self.root = root
        self._host = host_name()
        # Runs plus thousands of records this process indexed since it last refreshed
        # planner statistics (a rebuild or a big load crosses the threshold).
        self._since_analyze = 0
        # rid -> monotonic time before which a run that failed to index is skipped.
        self._quarantine: dict[int, float] = {}
        # A run shipped to the team server with no EXIT and no post for this long is crashed.
        self.crash_timeout = CRASH_TIMEOUT

    def sync(self, full: bool = False, edits_for: set[int] | None = None) -> SyncReport:
        """Index everything new. ``full`` also walks ``runs/`` for unlisted segments."""
        t0 = time.perf_counter()
        report = SyncReport()
        with index_lock(self.root):
            edited = discover(self.engine, self.root, full)
            segs = load_segments(self.engine, self.root)
            by_run: dict[int, list[Seg]] = defaultdict(list)
            for seg in segs:
                by_run[seg.rid].append(seg)
            edits = self._edits_to_read(set(by_run) | (edits_for or set()), edited)
            touched: set[tuple[str, str]] = set()
            group: list[_RunWork] = []
            load = 0
            now = time.monotonic()
            for rid in sorted(set(by_run) | set(edits)):
                if self._quarantine.get(rid, 0.0) > now:
                    continue
                run_segs = sorted(by_run.get(rid, []), key=lambda s: s.name)
                for seg in run_segs:
                    read_new(seg, self._host, report)
                group.append((rid, run_segs, edits.get(rid)))
                # Many small runs share a transaction (a commit costs more than
                # indexing one); a big one gets its own.
                load += 1 + sum(records_in(seg.frames) for seg in run_segs)
                if load >= _TRANSACTION_LOAD:
                    self._index_group(group, touched, report)
                    group, load = [], 0
            if group:
                self._index_group(group, touched, report)
            if touched:
                with self.engine.begin() as conn:
                    for entity, project in sorted(touched):
                        refresh_project(conn, entity, project)
            self._since_analyze += report.runs + report.frames // 1000
            if self._since_analyze >= _ANALYZE_AFTER:
                self._analyze()
        report.seconds = time.perf_counter() - t0
        return report

    def _index_group(
        self, group: list[_RunWork], touched: set[tuple[str, str]], report: SyncReport
    ) -> None:
        """Index runs in one transaction; if that fails, each in its own, so a run
        the store cannot take (a bug, a value no check foresaw) leaves the others indexed."""
        try:
            changed: list[tuple[str, str] | None] = []
            with self.engine.begin() as conn:
                inserts = Inserts()
                for rid, segs, _ in group:
                    if not segs:
                        # Only edits: the run may be one shipped to the team server,
                        # whose bytes are indexed under this lock (``shipped.py``).
                        lock_run(conn, rid)
                changed = self.index_runs(conn, group, inserts)
                inserts.flush(conn)
        except _TRANSIENT:
            raise  # a locked or unreachable database is no run's fault
        except Exception as e:
            if len(group) > 1:
                for work in group:
                    self._index_group([work], touched, report)
            else:
                self._set_aside(group[0], e)
            return
        finally:
            for _, segs, _ in group:
                for seg in segs:
                    seg.frames = []
        for project in changed:
            if project is not None:
                touched.add(project)
                report.runs += 1

    def _set_aside(self, work: _RunWork, error: Exception) -> None:
        rid, segs, _ = work
        self._quarantine[rid] = time.monotonic() + QUARANTINE_SECONDS
        where = segs[0].path.parent.parent if segs else f"run #{rid}"
        log.error(
            "runbase: could not index %s (%s: %s); its new records are set aside for %d s, "
            "other runs are not affected",
            where,
            type(error).__name__,
            str(error).splitlines()[0][:300] if str(error) else "",
            QUARANTINE_SECONDS,
        )

    def _analyze(self) -> None:
        # Without table statistics the query planners pick terrible plans after a big
        # load (PostgreSQL with autovacuum off: 7-13 s instead of 30 ms for a sorted
        # runs page). Refresh them once enough has been indexed since the last time.
        self._since_analyze = 0
        statement = "PRAGMA optimize" if self.engine.dialect.name == "sqlite" else "ANALYZE"
        with self.engine.begin() as conn:
            conn.exec_driver_sql(statement)

    def _edits_to_read(
        self, rids: set[int], edited: set[tuple[str, str, str]] | None
    ) -> dict[int, tuple[list[Frame], int]]:
        """New edits of ``rids`` and of the runs the journal named (None: of every run)."""
        if edited is None:
            return read_edits(self.engine, self.root, None)
        if edited:
            with self.engine.connect() as conn:
                named = conn.execute(
                    sa.select(runs.c.rid).where(
                        sa.tuple_(runs.c.entity, runs.c.project, runs.c.run_id).in_(list(edited))
                    )
                )
                rids = rids | {r.rid for r in named}
        return read_edits(self.engine, self.root, rids) if rids else {}

    def index_run(
        self,
        conn: sa.Connection,
        rid: int,
        segs: list[Seg],
        edits: tuple[list[Frame], int] | None,
        inserts: Inserts,
        row: Any = None,
    ) -> tuple[str, str] | None:
        """Fold a run's new records; its (entity, project) if it changed."""
        return self.index_runs(conn, [(rid, segs, edits)], inserts, {rid: row} if row else None)[0]

    def index_runs(
        self,
        conn: sa.Connection,
        work: Sequence[_RunWork],
        inserts: Inserts,
        rows: dict[int, Any] | None = None,
    ) -> list[tuple[str, str] | None]:
        """Fold runs' new records; per run its (entity, project) if it changed.

        ``rows``: the runs' rows, read by the caller in this transaction under the
        runs' locks (a caller indexing many runs reads them in one statement). The
        segments' new offsets go in one ``executemany``, then the runs' states are
        read in one query, and the run rows are written at ``inserts``' flush: a
        few round trips per pass, not several per run.
        """
        # The projects' key counts change once for all these runs (one statement).
        keys = KeyCounts()
        folded = [
            self._fold_run(conn, rid, segs, edits, inserts, rows, keys) for rid, segs, edits in work
        ]
        _write_histories(conn, [f for f in folded if isinstance(f, _Folded)], inserts, keys)
        updates: dict[tuple[str, ...], list[dict[str, Any]]] = {}
        for f in folded:
            for params in f.segment_updates if isinstance(f, _Folded) else ():
                updates.setdefault(tuple(sorted(params)), []).append(params)
        for same_keys in updates.values():
            conn.execute(_UPDATE_SEGMENT, same_keys)
        rids = [f.rid for f in folded if isinstance(f, _Folded)]
        states = derive_states(conn, rids, self._host, self.crash_timeout) if rids else {}
        out: list[tuple[str, str] | None] = []
        for f in folded:
            if not isinstance(f, _Folded):
                out.append(f)
                continue
            state, exit_code = states.get(f.rid, ("running", None))
            if not (f.segment_updates or f.edited or state != f.row.state):
                out.append(None)
                continue
            keys.project = (f.row.entity, f.row.project)
            write_run(conn, f.rid, f.row, f.st, state, exit_code, inserts, keys)
            out.append((f.row.entity, f.row.project))
        keys.apply(conn)
        return out

    def _fold_run(
        self,
        conn: sa.Connection,
        rid: int,
        segs: list[Seg],
        edits: tuple[list[Frame], int] | None,
        inserts: Inserts,
        rows: dict[int, Any] | None,
        keys: KeyCounts,
    ) -> _Folded | tuple[str, str] | None:
        """Fold one run's new records and write what does not wait for its state:
        ``_Folded``, or the run's (entity, project) when it was deleted, or None."""
        row = rows.get(rid) if rows is not None else None
        if row is None:
            row = conn.execute(_RUN_BY_RID, {"b_rid": rid}).first()
        if row is None:
            return None
        st = load_state(row)
        moved = [s for s in segs if s.new_offset != s.offset or s.finish or s.frames]
        other: list[Frame] = []
        seg_changes: dict[str, dict[str, Any]] = {}
        batch = _fold_segments(st, segs, other, seg_changes)
        if edits is not None:
            frames, offset = edits
            for f in frames:
                fold_edit(st, f)
            conn.execute(UPDATE_RUN, {"b_rid": rid, "edits_offset": offset})
        if st.deleted:
            # The edits stream says the run was deleted (its folder may remain).
            delete_run_rows(conn, [rid])
            return (row.entity, row.project)
        apply_other_info(st, other)
        write_other(conn, rid, other, inserts)
        updates = []
        for seg in moved:
            values = {"offset": seg.new_offset, **seg_changes.get(seg.name, {})}
            if seg.finish:
                values["done"] = True
            updates.append({"b_rid": rid, "b_name": seg.name, **values})
        history = (segs, batch) if batch is not None else None
        return _Folded(rid, row, st, updates, edits is not None, history)


@dataclass
class _Folded:
    """A run folded, waiting for its state (read for all the pass's runs at once)."""

    rid: int
    row: Any
    st: RunState
    segment_updates: list[dict[str, Any]]
    edited: bool
    # The pass's history rows, written for all the pass's runs at once (``_write_histories``).
    history: tuple[list[Seg], Batch] | None = None


def _write_histories(
    conn: sa.Connection, folded: list[_Folded], inserts: Inserts, keys: KeyCounts
) -> None:
    """Write the folded runs' history rows, the stored statistics and tail chunks they
    extend read for all the runs in two queries (not two per run)."""
    todo = [f for f in folded if f.history is not None]
    if not todo:
        return
    from runbase.store.indexing import write_history

    series = {f.rid: f.history[1].series() for f in todo if f.history is not None}
    wanted = {f.rid: list(series[f.rid]) for f in todo if f.row.history_rows and series[f.rid]}
    stored = write_history.stored_many(conn, wanted)
    for f in todo:
        assert f.history is not None
        segs, batch = f.history
        keys.project = (f.row.entity, f.row.project)
        write_history.write_batch(
            conn, f.rid, f.st, segs, batch, inserts, fresh=f.row.history_rows == 0, keys=keys,
            series=series[f.rid], stored=stored.get(f.rid, ({}, {})),
        )  # fmt: skip


def _fold_segments(
    st: RunState, segs: list[Seg], other: list[Frame], seg_changes: dict[str, dict[str, Any]]
) -> Batch | None:
    """Fold the segments' new frames (see ``fold_segment``); the history rows, or None
    when no segment has new frames."""
    if not any(seg.frames for seg in segs):
        return None
    # NumPy and the history writer load here: a sync that finds nothing new needs neither.
    from runbase.store.indexing.batch import Batch

    batch = Batch(first_row=st.rows)
    for seg in segs:
        if seg.frames:
            fold_segment(st, seg, batch, other, seg_changes)
    check_history(segs, batch)
    return batch
