"""Finding segments to index: new lines of ``journal.rbr``, or a walk of ``runs/``.

The journal names each segment as it is created, so a pass costs what changed,
not the number of runs; a new store (or ``sync(full=True)``) walks ``runs/``.
Found segments get a ``segments`` row (and their run a ``runs`` row) at offset 0.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from runbase.records import Kind, read_segment
from runbase.records.layout import journal_path, run_dir
from runbase.store.schema import meta, runs, segments

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
        here = str(root.resolve())
        moved = m.get("root", here) != here
        if moved:
            # The journal offset belongs to another folder's journal (a moved RUNBASE_DIR,
            # or a database shared by mistake): start this folder's journal from the top.
            log.warning("runbase: store indexed %s before, now %s: re-reading it", m["root"], here)
        if full or "walked" not in m or size < offset or moved:
            # A new store, or a journal that was replaced: list every segment.
            found |= _walk(root)
            walked = True
            if size < offset or moved:
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
                        if p.get("edits"):
                            edited.add((p["entity"], p["project"], p["run_id"]))
                        else:
                            found.add((p["entity"], p["project"], p["run_id"], p["segment"]))
                    except KeyError:
                        log.warning("runbase: journal %s: bad entry at byte %d", jpath, f.offset)
            offset = read.next_offset
        if found:
            _register(conn, root, found)
        for key, value in (("journal_offset", str(offset)), ("walked", "1"), ("root", here)):
            if m.get(key) != value:
                conn.execute(sa.delete(meta).where(meta.c.key == key))
                conn.execute(sa.insert(meta).values(key=key, value=value))
    return None if walked else edited


def _walk(root: Path) -> set[tuple[str, str, str, str]]:
    out = set()
    base = root / "runs"
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


def _register(conn: sa.Connection, root: Path, found: set[tuple[str, str, str, str]]) -> None:
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
        # A deleted run's journal lines outlive its folder: skip what is gone.
        if not (run_dir(root, e, p, r) / "segments" / name).exists():
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
    rids = {}
    for e, p, r in sorted(paths):
        rid = existing.get((e, p, r))
        if rid is None:
            if not (run_dir(root, e, p, r) / "segments").is_dir():
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


def _subdirs(path: Any) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(path) as it:
            return [e for e in it if e.is_dir()]
    except OSError:
        return []
