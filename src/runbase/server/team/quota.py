"""A storage quota per entity (``runbase server --blob-quota 50G``): the bytes of the
distinct blobs the runs of a user or team hold. A blob several runs of the entity
hold counts once; a blob shared with another entity counts for both (either may
delete its runs and leave the other's). Checked when a shipper announces blobs
(before any byte travels) and when it maps them into a run (the count that holds),
so a run over the quota is refused with 413 and a message saying what to do; its
shipper says so once and the run goes on locally."""

from __future__ import annotations

import re

import sqlalchemy as sa
from fastapi import HTTPException

from runbase.store.db.schema import run_blobs, runs

_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT]?)(?:I?B)?", re.I)


def parse_size(text: str) -> int:
    """Bytes of ``500M``, ``50G``, ``1.5T``, ``1024`` (powers of 1024); ValueError else."""
    m = _SIZE.fullmatch(text.strip())
    if m is None:
        raise ValueError(f"{text!r} is not a size: write bytes, or a number with K, M, G or T")
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def show(size: int) -> str:
    for unit in ("T", "G", "M", "K"):
        if size >= _UNITS[unit]:
            return f"{size / _UNITS[unit]:.1f} {unit}iB"
    return f"{size} bytes"


def _held(entity: str) -> sa.Select[tuple[str, int]]:
    return (
        sa.select(run_blobs.c.sha256, run_blobs.c.size)
        .join(runs, runs.c.rid == run_blobs.c.rid)
        .where(runs.c.entity == entity)
        .distinct()
    )


def check_room(conn: sa.Connection, entity: str, quota: int | None, new: dict[str, int]) -> None:
    """Raise 413 when the blobs ``new`` ({sha256: size}) would take ``entity`` over ``quota``."""
    if quota is None or not new:
        return
    held = _held(entity).subquery()
    used = int(conn.execute(sa.select(sa.func.sum(held.c.size))).scalar() or 0)
    known = sa.select(held.c.sha256).where(held.c.sha256.in_(list(new)))
    mine = {s for (s,) in conn.execute(known)}
    extra = {s: n for s, n in new.items() if s not in mine}
    more = sum(extra.values())
    if used + more <= quota:
        return
    files = f"this {len(extra)} file" if len(extra) == 1 else f"these {len(extra)} files"
    raise HTTPException(
        413,
        f"{entity}'s runs hold {show(used)} of files and its quota is {show(quota)}: "
        f"{files} ({show(more)}) would go over it. Delete runs of {entity}, or ask "
        "the server's admin to raise --blob-quota",
    )
