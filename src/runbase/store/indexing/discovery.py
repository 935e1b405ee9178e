"""Finding segments to index: new lines of ``journal.rbr``, or a walk of ``runs/``.

The journal names each segment as it is created, so a pass costs what changed,
not the number of runs; a new store (or ``sync(full=True)``) walks ``runs/``.
Found segments get a ``segments`` row (and their run a ``runs`` row) at offset 0.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from runbase.records import Kind, read_segment
from runbase.records.layout import id_problem, journal_path, name_problem, run_dir
from runbase.records.shapes import journal_problem, segment_name_problem
from runbase.store.db.schema import meta, runs, segments
from runbase.store.indexing.tail import log_problems

log = logging.getLogger("runbase.store")


def _meta(conn: sa.Connection) -> dict[str, str]:
    return {r.key: r.value for r in conn.execute(sa.select(meta))}


def discover(engine: sa.Engine, root: Path, full: bool) -> set[tuple[str, str, str]] | None:
    """Register segments the journal listed since the last pass (``full``: walk ``runs/``).

    Returns the runs whose edits the journal announced, or None after a walk of
    ``runs/`` (a new or rebuilt store), when every run's edits must be read.
    """
    edited: set[tuple[str, str, str]] = set()
    walked = False
    jpath = journal_path(root)
    with engine.begin() as conn:
        m = _meta(conn)
        offset = int(m.get("journal_offset", "0"))
        try:
            size = jpath.stat().st_size
        except FileNotFoundError:
            size = 0
        found: set[tuple[str, str, str, str]] = set()
        walked_found: set[tuple[str, str, str, str]] = set()
        rejected: set[tuple[str, str, str, str]] = set()  # warned about by the walk
        here = str(root.resolve())
        moved = m.get("root", here) != here
        if moved:
            # The journal offset belongs to another folder's journal (a moved RUNBASE_DIR,
            # or a database shared by mistake): start this folder's journal from the top.
            log.warning("runbase: store indexed %s before, now %s: re-reading it", m["root"], here)
        if full or "walked" not in m or size < offset or moved:
            # A new store, or a journal that was replaced: list every segment.
            walked_found = _walk(root, rejected)
            found |= walked_found
            walked = True
            if size < offset or moved:
                offset = 0
        if size > offset:
            read = read_segment(jpath, offset, final=False)
            log_problems(jpath, read.problems)
            for f in read.frames:
                if f.kind != Kind.JOURNAL:
                    continue
                p = f.payload
                why = journal_problem(p)
                if why is not None:
                    log.warning(
                        "runbase: %s at byte %d: journal entry skipped: %s", jpath, f.offset, why
                    )
                elif p.get("edits"):
                    edited.add((p["entity"], p["project"], p["run_id"]))
                else:
                    found.add((p["entity"], p["project"], p["run_id"], p["segment"]))
            offset = read.next_offset
        if found:
            _register(conn, root, found - rejected, walked_found)
        for key, value in (("journal_offset", str(offset)), ("walked", "1"), ("root", here)):
            if m.get(key) != value:
                conn.execute(sa.delete(meta).where(meta.c.key == key))
                conn.execute(sa.insert(meta).values(key=key, value=value))
    return None if walked else edited


def _walk(root: Path, rejected: set[tuple[str, str, str, str]]) -> set[tuple[str, str, str, str]]:
    """Every usable segment under ``runs/``; the others are warned about, into ``rejected``."""
    out: set[tuple[str, str, str, str]] = set()
    base = root / "runs"
    for entity in _subdirs(base, "entity"):
        for project in _subdirs(entity, "project"):
            for run in _subdirs(project, "run"):
                seg_dir = Path(run.path) / "segments"
                try:
                    with os.scandir(seg_dir) as it:
                        entries = list(it)
                except OSError:
                    continue
                for e in entries:
                    if not e.name.endswith(".rbr"):
                        continue
                    key = (entity.name, project.name, run.name, e.name)
                    (out if _usable_segment(Path(e.path), e.name) else rejected).add(key)
    return out


def _usable_segment(path: Path, name: str) -> bool:
    """A regular file with a name the store can hold; warn about anything else."""
    why = segment_name_problem(name)
    if why is None:
        try:
            if not stat.S_ISREG(path.stat().st_mode):
                why = "not a regular file"
        except OSError as e:
            why = f"cannot be read ({e.strerror})"
    if why is None:
        return True
    log.warning("runbase: %s: skipped: %s", path, why)
    return False


def _register(
    conn: sa.Connection,
    root: Path,
    found: set[tuple[str, str, str, str]],
    checked: set[tuple[str, str, str, str]],
) -> None:
    """Add ``segments`` rows for what was found (``checked``: already known to be usable)."""
    paths = {(e, p, r) for e, p, r, _ in found}
    rids = _ensure_runs(conn, root, paths)
    known = {(r.rid, r.name) for r in conn.execute(sa.select(segments.c.rid, segments.c.name))}
    new = []
    for e, p, r, name in sorted(found):
        rid = rids.get((e, p, r))
        if rid is None:
            continue
        if (rid, name) in known:
            continue
        path = run_dir(root, e, p, r) / "segments" / name
        # A deleted run's journal lines outlive its folder: skip what is gone.
        if not path.exists() or not ((e, p, r, name) in checked or _usable_segment(path, name)):
            continue
        known.add((rid, name))
        new.append({"rid": rid, "name": name, "offset": 0, "done": False})
    if new:
        conn.execute(sa.insert(segments), new)


def _ensure_runs(
    conn: sa.Connection, root: Path, paths: set[tuple[str, str, str]]
) -> dict[tuple[str, str, str], int]:
    existing = {
        (r.entity, r.project, r.run_id): r.rid
        for r in conn.execute(sa.select(runs.c.rid, runs.c.entity, runs.c.project, runs.c.run_id))
    }
    rids: dict[tuple[str, str, str], int] = {}
    for e, p, r in sorted(paths):
        rid = existing.get((e, p, r))
        if rid is None:
            if not (run_dir(root, e, p, r) / "segments").is_dir():
                continue
            inserted = conn.execute(
                sa.insert(runs).values(
                    entity=e,
                    project=p,
                    run_id=r,
                    started=False,
                    state="running",
                    history_rows=0,
                    edits_offset=0,
                )
            ).inserted_primary_key
            assert inserted is not None  # an INSERT of one row always has a key
            rid = inserted[0]
        rids[(e, p, r)] = rid
    return rids


def _subdirs(path: Any, what: str) -> list[os.DirEntry[str]]:
    """Sub-folders of ``path`` named as the SDK names an entity, project or run."""
    try:
        with os.scandir(path) as it:
            found = [e for e in it if e.is_dir()]
    except OSError:
        return []
    out = []
    for e in found:
        why = id_problem(e.name) if what == "run" else name_problem(what, e.name)
        if why is None:
            out.append(e)
        else:
            log.warning("runbase: %s: skipped: %s", e.path, why)
    return out
