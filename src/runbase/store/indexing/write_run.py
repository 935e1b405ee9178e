"""Writing a folded run to the database: its ``runs`` row, tags, values, samples, lines, files.

Also deleting runs' rows and recounting a project, which ``changes.py`` shares with the indexer.
"""

from __future__ import annotations

import logging
import time
from typing import Any

import sqlalchemy as sa

from runbase.records import Frame, Kind
from runbase.records.process import segment_state
from runbase.records.shapes import MAX_KEY
from runbase.store.db.keyed import any_of, is_pg
from runbase.store.db.lock import lock_name
from runbase.store.db.schema import (
    PER_RUN,
    console_lines,
    ingest_chunks,
    ingest_runs,
    ingest_segments,
    projects,
    run_files,
    run_tags,
    run_values,
    runs,
    segments,
    system_samples,
)
from runbase.store.db.values import flatten, leaf, pack, unpack
from runbase.store.indexing.inserts import Inserts
from runbase.store.indexing.project_keys import KeyCounts, forget_runs, leaf_keys
from runbase.store.indexing.runstate import RunState

# Statements built once: building one per run costs more than running it.
UPDATE_RUN = sa.update(runs).where(runs.c.rid == sa.bindparam("b_rid"))
# With the run's last post to the team server (None for a local run): one round trip.
_LATEST_STARTED_SEGMENT = (
    sa.select(
        segments,
        sa.select(ingest_runs.c.last_post_at)
        .where(ingest_runs.c.rid == segments.c.rid)
        .scalar_subquery()
        .label("last_post_at"),
    )
    .where(segments.c.rid == sa.bindparam("b_rid"), segments.c.start_time.is_not(None))
    .order_by(segments.c.name.desc())
    .limit(1)
)
# A shipped run with no EXIT and no post for this long is crashed (W&B waits 5 minutes).
CRASH_TIMEOUT = 300.0
_DELETE_TAGS = sa.delete(run_tags).where(run_tags.c.rid == sa.bindparam("b_rid"))
log = logging.getLogger("runbase.store")


def text(value: str) -> str:
    """``value`` as PostgreSQL can store it in a text column: NUL becomes U+FFFD."""
    return value.replace("\x00", "\ufffd") if "\x00" in value else value


def write_other(conn: sa.Connection, rid: int, other: list[Frame], inserts: Inserts) -> None:
    """Queue a run's system samples and console lines; replace the rows of files saved again."""
    samples, lines, files = [], [], {}
    for f in other:
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
                lines.append({"rid": rid, "t": float(t), "stream": stream, "line": text(line)})
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
            sa.delete(run_files).where(run_files.c.rid == rid, run_files.c.path.in_(list(files)))
        )
        inserts.add(run_files, list(files.values()))


def derive_state(
    conn: sa.Connection, rid: int, host: str, crash_timeout: float = CRASH_TIMEOUT
) -> tuple[str, int | None]:
    """(state, exit code) from the latest segment that has a START.

    Call it after this pass's segment changes: a local segment is running until
    the pass that read its last bytes closed it (``tail.read_new``), so a run
    turns crashed together with its last records, never before them. A segment
    shipped to the team server runs until its EXIT, or crashed once nothing was
    posted for ``crash_timeout`` seconds.
    """
    rows = conn.execute(_LATEST_STARTED_SEGMENT, {"b_rid": rid}).all()
    if not rows:
        return "running", None
    return _state_of(rows[0], host, crash_timeout)


def _state_of(seg: Any, host: str, crash_timeout: float) -> tuple[str, int | None]:
    """The state the latest started segment (a row with ``last_post_at``) gives."""
    if seg.ingested and seg.exit_code is None:
        last = seg.last_post_at
        late = last is not None and time.time() - last > crash_timeout
        return ("crashed" if late else "running"), None
    return segment_state(
        seg.exit_code, seg.done, seg.host, seg.pid, seg.pid_start, seg.last_time, host,
        seg.stopped,
    )  # fmt: skip


def _latest_started(rids: sa.ColumnElement[bool]) -> sa.Select[Any]:
    latest = (
        sa.select(
            segments,
            sa.select(ingest_runs.c.last_post_at)
            .where(ingest_runs.c.rid == segments.c.rid)
            .scalar_subquery()
            .label("last_post_at"),
            sa.func.row_number()
            .over(partition_by=segments.c.rid, order_by=segments.c.name.desc())
            .label("nth"),
        )
        .where(rids, segments.c.start_time.is_not(None))
        .subquery()
    )
    return sa.select(latest).where(latest.c.nth == 1)


# SQLite's IN list; PostgreSQL's array, one SQL text for any number of runs (``keyed.py``).
_LATEST_STARTED_SEGMENTS = _latest_started(
    segments.c.rid.in_(sa.bindparam("b_rids", expanding=True))
)
_PG_LATEST_STARTED_SEGMENTS = _latest_started(any_of(segments.c.rid, "b_rids"))


def derive_states(
    conn: sa.Connection, rids: list[int], host: str, crash_timeout: float = CRASH_TIMEOUT
) -> dict[int, tuple[str, int | None]]:
    """``derive_state`` of each of ``rids``, in one query."""
    out: dict[int, tuple[str, int | None]] = {}
    query = _PG_LATEST_STARTED_SEGMENTS if is_pg(conn) else _LATEST_STARTED_SEGMENTS
    for seg in conn.execute(query, {"b_rids": sorted(set(rids))}):
        out[seg.rid] = _state_of(seg, host, crash_timeout)
    for rid in rids:
        out.setdefault(rid, ("running", None))
    return out


def write_run(
    conn: sa.Connection,
    rid: int,
    row: Any,
    st: RunState,
    state: str,
    exit_code: int | None,
    inserts: Inserts,
    keys: KeyCounts,
) -> None:
    """Write the run's row, and its tags and config/summary leaves where they changed
    (counting the leaves that appear and go in ``keys``)."""
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
        "sweep_id": st.sweep,
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
    # Sent with the other runs' at the flush: nothing reads the row before it.
    inserts.later(UPDATE_RUN, {"b_rid": rid, **values})
    old_tags = unpack(row.tags, [])
    if old_tags != tags:
        if old_tags:
            conn.execute(_DELETE_TAGS, {"b_rid": rid})
        if tags:
            inserts.add(run_tags, [{"rid": rid, "tag": str(t)} for t in dict.fromkeys(tags)])
    for section, new, old in (
        ("c", st.config.values, unpack(row.config, {})),
        ("s", st.summary.values, unpack(row.summary, {})),
    ):
        if new == old and _same_nans(new, old):
            continue
        if old:  # an empty section has no rows to delete (a new run's first pass)
            inserts.delete(run_values, ("rid", "section"), [(rid, section)])
        leaves = flatten(new)
        keys.leaves(section, leaf_keys(flatten(old)) if old else (), leaf_keys(leaves))
        if leaves:
            inserts.add(run_values, _leaf_rows(rid, section, leaves, row))


def _leaf_rows(rid: int, section: str, leaves: dict[str, Any], row: Any) -> list[dict[str, Any]]:
    """``run_values`` rows of flat config or summary leaves (what SQL filters and sorts on)."""
    rows = []
    long = []
    seen = set()
    for key, value in leaves.items():
        if len(key) > MAX_KEY:
            # Nested keys can join into more than the column holds; the value itself
            # stays in the run's config/summary, it just cannot be filtered on.
            long.append(key)
            continue
        column_key = text(key)
        if column_key in seen:
            continue  # "a\x00" and "a\ufffd": one row (the blob keeps both)
        seen.add(column_key)
        vtype, vnum, vstr = leaf(value)
        rows.append(
            {
                "rid": rid,
                "section": section,
                "key": column_key,
                "vtype": vtype,
                "vnum": vnum,
                "vstr": None if vstr is None else text(vstr),
            }
        )
    if long:
        log.warning(
            "runbase: run %s/%s/%s: %d %s keys are longer than %d characters (%r...): "
            "kept, but they cannot be filtered or sorted on",
            row.entity,
            row.project,
            row.run_id,
            len(long),
            "config" if section == "c" else "summary",
            MAX_KEY,
            long[0][:40],
        )
    return rows


def refresh_project(conn: sa.Connection, entity: str, project: str) -> None:
    """Recount one project's runs and last activity (its row goes when it has none)."""
    # Team server processes index shipped runs of one project at once: one recount at a time.
    lock_name(conn, f"project:{entity}/{project}")
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
    forget_runs(conn, rids)
    for table in PER_RUN:
        conn.execute(sa.delete(table).where(table.c.rid.in_(rids)))
    # A shipped run's bytes go with it (a run shipped again starts afresh).
    for table in (ingest_chunks, ingest_segments, ingest_runs):
        conn.execute(sa.delete(table).where(table.c.rid.in_(rids)))
    conn.execute(sa.delete(runs).where(runs.c.rid.in_(rids)))


def _same_nans(a: dict[str, Any], b: dict[str, Any]) -> bool:
    # NaN != NaN would make every summary holding a NaN look changed.
    return pack(a) == pack(b)
