"""Bringing the store up to date from the record files.

Discovery: new segments are listed in ``journal.rbr``, read from the offset the
last pass stopped at; a store that is new walks ``runs/`` instead. Reading: each
segment not yet finished is read from its stored byte offset, and each run's
``edits.rbr`` likewise. A run's new records, its offsets and everything derived
from them are written in one transaction, so a pass that dies half way leaves
the store as if it had not started, and indexing twice changes nothing.

Every write happens under the index lock (``lock.py``): any number of
processes may call :func:`sync` while SDK processes write records.
"""

from __future__ import annotations

import logging
import os
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from runbase.records import Frame, Kind, read_segment
from runbase.records.framing import HEADER_SIZE
from runbase.records.layout import edits_path, journal_path, run_dir
from runbase.records.process import host_name
from runbase.store import history
from runbase.store.inserts import Inserts
from runbase.store.liveness import writer_alive
from runbase.store.lock import index_lock
from runbase.store.runstate import RunState, Stamped, aggregate
from runbase.store.schema import (
    PER_RUN,
    console_lines,
    meta,
    projects,
    run_files,
    run_tags,
    run_values,
    runs,
    segments,
    system_samples,
)
from runbase.store.values import flatten, leaf, pack, unpack

log = logging.getLogger("runbase.store")

# A writer on another host counts as alive while its last record is this recent.
REMOTE_LIVE_SECONDS = 60.0
# How often a pass looks for edits written by other processes to any run.
EDITS_SCAN_SECONDS = 2.0


# Statements built once: building one per run costs more than running it.
_RUN_BY_RID = sa.select(runs).where(runs.c.rid == sa.bindparam("b_rid"))
_UPDATE_RUN = sa.update(runs).where(runs.c.rid == sa.bindparam("b_rid"))
_UPDATE_SEGMENT = sa.update(segments).where(
    segments.c.rid == sa.bindparam("b_rid"), segments.c.name == sa.bindparam("b_name")
)
_LATEST_STARTED_SEGMENT = (
    sa.select(segments)
    .where(segments.c.rid == sa.bindparam("b_rid"), segments.c.start_time.is_not(None))
    .order_by(segments.c.name.desc())
    .limit(1)
)
_DELETE_TAGS = sa.delete(run_tags).where(run_tags.c.rid == sa.bindparam("b_rid"))
_DELETE_VALUES = sa.delete(run_values).where(
    run_values.c.rid == sa.bindparam("b_rid"), run_values.c.section == sa.bindparam("b_section")
)
# Records (plus one per run) folded before a transaction is committed.
_TRANSACTION_LOAD = 20_000


@dataclass
class _Seg:
    rid: int
    name: str
    path: Path
    offset: int
    done: bool
    host: str | None
    pid: int | None
    pid_start: int | None
    start_time: float | None
    last_time: float | None
    exit_code: int | None
    frames: list[Frame] = field(default_factory=list)
    new_offset: int = 0
    finish: bool = False


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
        self._last_edits_scan = 0.0
        self._host = host_name()

    # ---- entry point -------------------------------------------------------

    def sync(self, full: bool = False, edits_for: set[int] | None = None) -> SyncReport:
        """Index everything new. ``full`` also walks ``runs/`` for unlisted segments."""
        t0 = time.perf_counter()
        report = SyncReport()
        with index_lock(self.root):
            self._discover(full)
            segs = self._load_segments()
            by_run: dict[int, list[_Seg]] = defaultdict(list)
            for seg in segs:
                by_run[seg.rid].append(seg)
            edits = self._edits_to_read(set(by_run), edits_for or set())
            touched: set[tuple[str, str]] = set()
            inserts = Inserts()
            with ExitStack() as stack:
                conn = None
                load = 0
                for rid in sorted(set(by_run) | set(edits)):
                    run_segs = sorted(by_run.get(rid, []), key=lambda s: s.name)
                    for seg in run_segs:
                        self._read(seg, report)
                    if conn is None:
                        conn = stack.enter_context(self.engine.begin())
                    project = self._index_run(conn, rid, run_segs, edits.get(rid), inserts)
                    if project is not None:
                        touched.add(project)
                        report.runs += 1
                    # Many small runs share a transaction (a commit costs more than
                    # indexing one); a big one gets its own.
                    load += 1 + sum(len(seg.frames) for seg in run_segs)
                    for seg in run_segs:
                        seg.frames = []
                    if load >= _TRANSACTION_LOAD:
                        inserts.flush(conn)
                        stack.close()
                        conn, load = None, 0
                if conn is not None:
                    inserts.flush(conn)
            if touched:
                with self.engine.begin() as conn:
                    for entity, project in sorted(touched):
                        refresh_project(conn, entity, project)
        report.seconds = time.perf_counter() - t0
        return report

    # ---- discovery ---------------------------------------------------------

    def _meta(self, conn: sa.Connection) -> dict[str, str]:
        return {r.key: r.value for r in conn.execute(sa.select(meta))}

    def _discover(self, full: bool) -> None:
        jpath = journal_path(self.root)
        with self.engine.begin() as conn:
            m = self._meta(conn)
            offset = int(m.get("journal_offset", "0"))
            try:
                size = jpath.stat().st_size
            except FileNotFoundError:
                size = 0
            found: set[tuple[str, str, str, str]] = set()
            if full or "walked" not in m or size < offset:
                # A new store, or a journal that was replaced: list every segment.
                found |= self._walk()
                if size < offset:
                    offset = 0
            if size > offset:
                read = read_segment(jpath, offset, final=False)
                for problem in read.problems:
                    log.warning(
                        "runbase: journal %s: %s at byte %d", jpath, problem.reason, problem.offset
                    )
                for f in read.frames:
                    p = f.payload
                    if f.kind == Kind.JOURNAL and isinstance(p, dict):
                        try:
                            found.add((p["entity"], p["project"], p["run_id"], p["segment"]))
                        except KeyError:
                            log.warning(
                                "runbase: journal %s: bad entry at byte %d", jpath, f.offset
                            )
                offset = read.next_offset
            if found:
                self._register(conn, found)
            for key, value in (("journal_offset", str(offset)), ("walked", "1")):
                if m.get(key) != value:
                    conn.execute(sa.delete(meta).where(meta.c.key == key))
                    conn.execute(sa.insert(meta).values(key=key, value=value))

    def _walk(self) -> set[tuple[str, str, str, str]]:
        out = set()
        base = self.root / "runs"
        for entity in _subdirs(base):
            for project in _subdirs(entity):
                for run in _subdirs(project):
                    seg_dir = Path(run.path) / "segments"
                    try:
                        names = os.listdir(seg_dir)
                    except OSError:
                        continue
                    for name in names:
                        if name.endswith(".rbr"):
                            out.add((entity.name, project.name, run.name, name))
        return out

    def _register(self, conn: sa.Connection, found: set[tuple[str, str, str, str]]) -> None:
        paths = {(e, p, r) for e, p, r, _ in found}
        rids = self._ensure_runs(conn, paths)
        known = {(r.rid, r.name) for r in conn.execute(sa.select(segments.c.rid, segments.c.name))}
        new = []
        for e, p, r, name in sorted(found):
            rid = rids.get((e, p, r))
            if rid is None:
                continue
            if (rid, name) in known:
                continue
            # A deleted run's journal lines outlive its folder: skip what is gone.
            if not (run_dir(self.root, e, p, r) / "segments" / name).exists():
                continue
            known.add((rid, name))
            new.append({"rid": rid, "name": name, "offset": 0, "done": False})
        if new:
            conn.execute(sa.insert(segments), new)

    def _ensure_runs(
        self, conn: sa.Connection, paths: set[tuple[str, str, str]]
    ) -> dict[tuple[str, str, str], int]:
        existing = {
            (r.entity, r.project, r.run_id): r.rid
            for r in conn.execute(
                sa.select(runs.c.rid, runs.c.entity, runs.c.project, runs.c.run_id)
            )
        }
        rids = {}
        for e, p, r in sorted(paths):
            rid = existing.get((e, p, r))
            if rid is None:
                if not (run_dir(self.root, e, p, r) / "segments").is_dir():
                    continue
                rid = conn.execute(
                    sa.insert(runs).values(
                        entity=e,
                        project=p,
                        run_id=r,
                        started=False,
                        state="running",
                        history_rows=0,
                        edits_offset=0,
                    )
                ).inserted_primary_key[0]
            rids[(e, p, r)] = rid
        return rids

    # ---- reading -----------------------------------------------------------

    def _load_segments(self) -> list[_Seg]:
        q = (
            sa.select(segments, runs.c.entity, runs.c.project, runs.c.run_id)
            .join(runs, runs.c.rid == segments.c.rid)
            .where(segments.c.done == sa.false())
        )
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [
            _Seg(
                rid=r.rid,
                name=r.name,
                path=run_dir(self.root, r.entity, r.project, r.run_id) / "segments" / r.name,
                offset=r.offset,
                done=r.done,
                host=r.host,
                pid=r.pid,
                pid_start=r.pid_start,
                start_time=r.start_time,
                last_time=r.last_time,
                exit_code=r.exit_code,
            )
            for r in rows
        ]

    def _writer_alive(self, seg: _Seg) -> bool:
        if seg.pid is None:
            # No START yet: the writer is creating the file right now, unless that
            # was long ago.
            try:
                age = time.time() - seg.path.stat().st_mtime
            except OSError:
                return False
            return age < REMOTE_LIVE_SECONDS
        if seg.host == self._host:
            return writer_alive(seg.pid, seg.pid_start)
        return seg.last_time is not None and time.time() - seg.last_time < REMOTE_LIVE_SECONDS

    def _read(self, seg: _Seg, report: SyncReport) -> None:
        seg.new_offset = seg.offset
        alive = self._writer_alive(seg)
        # Only a local writer is known to be gone for good; a remote one may
        # just be late, so its segment is never closed.
        final = not alive and (seg.host is None or seg.host == self._host)
        if alive and seg.offset and _nothing_new(seg.path, seg.offset):
            return
        read = read_segment(seg.path, seg.offset, final=final)
        if seg.pid is None and not final:
            start = next((f.payload for f in read.frames if f.kind == Kind.START), None)
            if isinstance(start, dict) and start.get("host") == self._host:
                # First sight of this segment: now that its writer is known, a
                # dead one's torn tail can be settled in this same pass.
                if not writer_alive(start.get("pid", -1), start.get("pid_start")):
                    final = True
                    rest = read_segment(seg.path, read.next_offset, final=True)
                    read.frames.extend(rest.frames)
                    read.problems.extend(rest.problems)
                    read.next_offset = rest.next_offset
                    read.pending = False
        for problem in read.problems:
            report.problems += 1
            log.warning(
                "runbase: %s: %s at byte %d (%d bytes skipped)",
                seg.path,
                problem.reason,
                problem.offset,
                problem.length,
            )
        seg.frames = read.frames
        seg.new_offset = read.next_offset
        report.frames += len(read.frames)
        if final:
            seg.finish = True
        elif seg.exit_code is not None or any(f.kind == Kind.EXIT for f in read.frames):
            # A closed writer trims its file: nothing can follow.
            try:
                closed = not read.pending and seg.path.stat().st_size == read.next_offset
            except OSError:
                closed = True
            seg.finish = closed

    def _edits_to_read(self, with_segments: set[int], forced: set[int]) -> dict[int, list[Frame]]:
        now = time.monotonic()
        scan_all = now - self._last_edits_scan >= EDITS_SCAN_SECONDS
        q = sa.select(runs.c.rid, runs.c.entity, runs.c.project, runs.c.run_id, runs.c.edits_offset)
        if not scan_all:
            wanted = with_segments | forced
            if not wanted:
                return {}
            q = q.where(runs.c.rid.in_(wanted))
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        if scan_all:
            self._last_edits_scan = now
        out = {}
        base = str(self.root / "runs")
        for r in rows:
            # Plain strings: this loop stats every run's edits file on a full scan.
            try:
                size = os.stat(f"{base}/{r.entity}/{r.project}/{r.run_id}/edits.rbr").st_size
            except OSError:
                continue
            if size <= r.edits_offset:
                continue
            path = edits_path(self.root, r.entity, r.project, r.run_id)
            read = read_segment(path, r.edits_offset, final=False)
            for problem in read.problems:
                log.warning("runbase: %s: %s at byte %d", path, problem.reason, problem.offset)
            if read.next_offset != r.edits_offset:
                out[r.rid] = (read.frames, read.next_offset)
        return out  # type: ignore[return-value]

    # ---- folding a run -----------------------------------------------------

    def _index_run(
        self, conn: sa.Connection, rid: int, segs: list[_Seg], edits: Any, inserts: Inserts
    ) -> tuple[str, str] | None:
        """Fold a run's new records; its (entity, project) if it changed."""
        if True:
            row = conn.execute(_RUN_BY_RID, {"b_rid": rid}).first()
            if row is None:
                return None
            project = (row.entity, row.project)
            st = _load_state(row)
            moved = [s for s in segs if s.new_offset != s.offset or s.finish or s.frames]
            batch = history.Batch(first_row=st.rows)
            other: list[tuple[Frame, str]] = []
            seg_changes: dict[str, dict[str, Any]] = {}
            for seg in segs:
                if seg.frames:
                    self._fold_segment(st, seg, batch, other, seg_changes)
            if edits is not None:
                frames, offset = edits
                for f in frames:
                    _fold_edit(st, f)
                conn.execute(_UPDATE_RUN, {"b_rid": rid, "edits_offset": offset})
            if st.deleted:
                # The edits stream says the run was deleted (its folder may remain).
                delete_run_rows(conn, [rid])
                return project
            _apply_other_info(st, other)
            self._write_other(conn, rid, other, inserts)
            mean_keys = set()
            series = batch.series()
            for key in series:
                spec = st.summary_spec(key)
                if spec and "mean" in spec:
                    mean_keys.add(key)
            stats = history.write_series(
                conn, rid, series, mean_keys, inserts, fresh=row.history_rows == 0
            )
            _summarize(st, batch, series, stats)
            if batch.rows:
                st.rows = batch.first_row + len(batch.rows)
                st.last_step = batch.steps[-1]
            for seg in moved:
                values = {"offset": seg.new_offset, **seg_changes.get(seg.name, {})}
                if seg.finish:
                    values["done"] = True
                conn.execute(_UPDATE_SEGMENT, {"b_rid": rid, "b_name": seg.name, **values})
            state, exit_code = self._derive_state(conn, rid)
            changed = bool(moved) or edits is not None or state != row.state
            if not changed:
                return None
            self._write_run(conn, rid, row, st, state, exit_code, inserts)
            return project

    def _fold_segment(
        self,
        st: RunState,
        seg: _Seg,
        batch: history.Batch,
        other: list[tuple[Frame, str]],
        seg_changes: dict[str, dict[str, Any]],
    ) -> None:
        changes = seg_changes.setdefault(seg.name, {})
        start_time = seg.start_time
        open_row = st.open_row
        cur_step = open_row[1] if open_row and open_row[2] == seg.name else None
        cur: dict[str, Any] | None = None
        rows = batch.rows
        steps = batch.steps
        times = batch.times
        stretch = len(rows)
        batch.starts.append((stretch, start_time or 0.0))
        HISTORY = Kind.HISTORY
        last_t = None
        for f in seg.frames:
            kind = f.kind
            last_t = f.time
            if kind == HISTORY:
                step, vals = f.payload
                if cur is not None and step == cur_step:
                    cur.update(vals)
                    times[-1] = f.time
                    continue
                if cur is None and step == cur_step and not rows and st.rows:
                    # Same step as the row the last pass ended on: that row goes on.
                    batch.first_row = st.rows - 1
                cur = vals
                cur_step = step
                rows.append(vals)
                steps.append(step)
                times.append(f.time)
                if start_time is None:
                    start_time = f.time
                    batch.starts[-1] = (stretch, f.time)
            elif kind == Kind.START:
                p = f.payload if isinstance(f.payload, dict) else {}
                st.apply_start(p, f.time)
                start_time = p.get("start_time") or f.time
                changes.update(
                    host=p.get("host"),
                    pid=p.get("pid"),
                    pid_start=p.get("pid_start"),
                    start_time=start_time,
                    exit_code=None,
                )
                seg.host, seg.pid, seg.pid_start = p.get("host"), p.get("pid"), p.get("pid_start")
                seg.exit_code = None
                # Runtimes of the rows that follow count from this start.
                stretch = len(rows)
                batch.starts.append((stretch, start_time))
                cur = None
                cur_step = None
            elif kind == Kind.EXIT:
                code = f.payload.get("exit_code", 0) if isinstance(f.payload, dict) else 0
                code = code if isinstance(code, int) else 1
                changes["exit_code"] = code
                seg.exit_code = code
            else:
                other.append((f, seg.name))
        if last_t is not None:
            changes["last_time"] = last_t
            seg.last_time = last_t
            if st.heartbeat_at is None or last_t > st.heartbeat_at:
                st.heartbeat_at = last_t
        # Keep the (offset, start) list free of empty stretches.
        batch.starts = _compact_starts(batch.starts, len(rows))
        if rows and cur is not None:
            st.open_row = (batch.first_row + len(rows) - 1, cur_step, seg.name)

    def _write_other(
        self, conn: sa.Connection, rid: int, other: list[tuple[Frame, str]], inserts: Inserts
    ) -> None:
        samples, lines, files = [], [], {}
        for f, _seg in other:
            p = f.payload
            kind = f.kind
            if kind == Kind.SYSTEM and isinstance(p, dict):
                samples.append({"rid": rid, "t": f.time, "data": pack(p)})
            elif kind == Kind.OUTPUT and isinstance(p, list):
                for item in p:
                    try:
                        t, stream, line = item
                    except (TypeError, ValueError):
                        continue
                    lines.append(
                        {"rid": rid, "t": float(t), "stream": str(stream), "line": str(line)}
                    )
            elif kind == Kind.FILE and isinstance(p, dict) and p.get("path"):
                files[p["path"]] = {
                    "rid": rid,
                    "path": p["path"],
                    "size": p.get("size"),
                    "policy": p.get("policy"),
                    "t": f.time,
                }
        inserts.add(system_samples, samples)
        inserts.add(console_lines, lines)
        if files:
            conn.execute(
                sa.delete(run_files).where(
                    run_files.c.rid == rid, run_files.c.path.in_(list(files))
                )
            )
            inserts.add(run_files, list(files.values()))

    def _derive_state(self, conn: sa.Connection, rid: int) -> tuple[str, int | None]:
        rows = conn.execute(_LATEST_STARTED_SEGMENT, {"b_rid": rid}).all()
        if not rows:
            return "running", None
        seg = rows[0]
        if seg.exit_code is not None:
            return ("finished" if seg.exit_code == 0 else "failed"), seg.exit_code
        if seg.host == self._host:
            alive = writer_alive(seg.pid, seg.pid_start) if seg.pid is not None else False
        else:
            alive = seg.last_time is not None and time.time() - seg.last_time < REMOTE_LIVE_SECONDS
        return ("running" if alive else "crashed"), None

    def _write_run(
        self,
        conn: sa.Connection,
        rid: int,
        row: Any,
        st: RunState,
        state: str,
        exit_code: int | None,
        inserts: Inserts,
    ) -> None:
        info = st.info.values
        tags = list(info.get("tags") or [])
        values = {
            "started": st.created_at is not None,
            "name": info.get("name"),
            "notes": info.get("notes"),
            "run_group": info.get("group"),
            "job_type": info.get("job_type"),
            "user": st.user,
            "host": st.host,
            "tags": pack(tags),
            "state": state,
            "exit_code": exit_code,
            "created_at": st.created_at,
            "heartbeat_at": st.heartbeat_at,
            "runtime": (st.heartbeat_at - st.created_at)
            if st.heartbeat_at is not None and st.created_at is not None
            else None,
            "history_rows": st.rows,
            "last_step": st.last_step,
            "config": pack(st.config.values),
            "summary": pack(st.summary.values),
            "run_metadata": pack(st.metadata),
            "metrics": pack(list(st.metrics.values())),
            "ix": pack(st.bookkeeping()),
        }
        conn.execute(_UPDATE_RUN, {"b_rid": rid, **values})
        old_tags = unpack(row.tags, [])
        if old_tags != tags:
            conn.execute(_DELETE_TAGS, {"b_rid": rid})
            if tags:
                inserts.add(run_tags, [{"rid": rid, "tag": str(t)} for t in dict.fromkeys(tags)])
        for section, new, old in (
            ("c", st.config.values, unpack(row.config, {})),
            ("s", st.summary.values, unpack(row.summary, {})),
        ):
            if new == old and _same_nans(new, old):
                continue
            conn.execute(_DELETE_VALUES, {"b_rid": rid, "b_section": section})
            leaves = flatten(new)
            if leaves:
                rows = []
                for key, value in leaves.items():
                    vtype, vnum, vstr = leaf(value)
                    rows.append(
                        {
                            "rid": rid,
                            "section": section,
                            "key": key,
                            "vtype": vtype,
                            "vnum": vnum,
                            "vstr": vstr,
                        }
                    )
                inserts.add(run_values, rows)


def refresh_project(conn: sa.Connection, entity: str, project: str) -> None:
    """Recount one project's runs and last activity (its row goes when it has none)."""
    agg = conn.execute(
        sa.select(
            sa.func.count(),
            sa.func.min(runs.c.created_at),
            sa.func.max(sa.func.coalesce(runs.c.heartbeat_at, runs.c.created_at)),
        ).where(runs.c.entity == entity, runs.c.project == project, runs.c.started == sa.true())
    ).one()
    conn.execute(
        sa.delete(projects).where(projects.c.entity == entity, projects.c.project == project)
    )
    if agg[0]:
        conn.execute(
            sa.insert(projects).values(
                entity=entity,
                project=project,
                run_count=agg[0],
                created_at=agg[1],
                last_activity=agg[2],
            )
        )


def delete_run_rows(conn: sa.Connection, rids: list[int]) -> None:
    """Remove runs and everything indexed about them."""
    for table in PER_RUN:
        conn.execute(sa.delete(table).where(table.c.rid.in_(rids)))
    conn.execute(sa.delete(runs).where(runs.c.rid.in_(rids)))


def _load_state(row: Any) -> RunState:
    ix = unpack(row.ix, {})
    info_vals = {
        "name": row.name,
        "notes": row.notes,
        "group": row.run_group,
        "job_type": row.job_type,
        "tags": unpack(row.tags, []),
    }
    it = ix.get("it", {})
    st = RunState(
        info=Stamped({k: v for k, v in info_vals.items() if k in it}, it),
        config=Stamped(unpack(row.config, {}), ix.get("ct", {})),
        summary=Stamped(unpack(row.summary, {}), ix.get("st", {})),
        metadata=unpack(row.run_metadata, {}),
        metrics={m["name"]: m for m in unpack(row.metrics, [])},
        user=row.user,
        host=row.host,
        created_at=row.created_at,
        heartbeat_at=row.heartbeat_at,
        rows=row.history_rows,
        last_step=row.last_step,
        deleted=bool(ix.get("deleted")),
    )
    if ix.get("open"):
        r, s, name = ix["open"]
        st.open_row = (r, s, name)
    return st


def _apply_change(st: RunState, f: Frame) -> bool:
    """INFO, CONFIG and SUMMARY: the changes that segments and edits both carry."""
    p = f.payload
    if not isinstance(p, dict):
        return False
    if f.kind == Kind.INFO:
        st.apply_info(p, f.time)
    elif f.kind == Kind.CONFIG:
        st.apply_config(p, f.time)
    elif f.kind == Kind.SUMMARY:
        st.apply_summary(p, f.time)
    else:
        return False
    return True


def _fold_edit(st: RunState, f: Frame) -> None:
    if not _apply_change(st, f) and f.kind == Kind.DELETE:
        st.deleted = True


def _summarize(
    st: RunState,
    batch: history.Batch,
    series: dict[str, Any],
    stats: dict[str, dict[str, Any]],
) -> None:
    """Set the summary from this pass's history (latest time wins against SUMMARY edits)."""
    if not series:
        return
    times = batch.times
    first = batch.first_row
    for key, points in series.items():
        t = times[int(points.rows[-1]) - first]
        spec = st.summary_spec(key)
        if spec is None:
            last = points.vals[-1]
            st.summary.set(key, last.item() if hasattr(last, "item") else last, t)
        elif spec == ["none"]:
            st.summary.delete(key, t)
        else:
            st.summary.set(key, aggregate(spec, stats[key]), t)


def _apply_other_info(st: RunState, other: list[tuple[Frame, str]]) -> None:
    for f, _seg in other:
        p = f.payload
        if _apply_change(st, f):
            continue
        if f.kind == Kind.METRIC and isinstance(p, dict):
            st.apply_metric(p)
        elif f.kind == Kind.METADATA and isinstance(p, dict):
            st.metadata.update(p)


def _compact_starts(starts: list[tuple[int, float]], n: int) -> list[tuple[int, float]]:
    out: list[tuple[int, float]] = []
    for i, t in starts:
        if out and out[-1][0] == i:
            out[-1] = (i, t)
        else:
            out.append((i, t))
    return out or [(0, 0.0)]


def _same_nans(a: dict[str, Any], b: dict[str, Any]) -> bool:
    # NaN != NaN would make every summary holding a NaN look changed.
    return pack(a) == pack(b)


def _nothing_new(path: Path, offset: int) -> bool:
    """True when the bytes at ``offset`` are an unwritten (zero) header."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            head = f.read(HEADER_SIZE)
    except OSError:
        return False
    return len(head) == HEADER_SIZE and head == b"\x00" * HEADER_SIZE


def _subdirs(path: Any) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return [e for e in it if e.is_dir()]
    except OSError:
        return []
