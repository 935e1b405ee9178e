"""Media logged in history, read from the media index (``media``, ``media_keys``).

What a media panel asks: the media keys of the visible runs, the steps at which
each run logged a key (the step slider), and the pointers of a key for several
runs at one step. Runs log media at different steps, so each run shows the
**nearest logged step at or before the step asked for, else its first logged
step after it** (W&B's rule): a slider never shows a run's future when its past
has something, and never a blank when the run only started logging later.

Re-exported by ``runbase.store.queries``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
import sqlalchemy as sa

from runbase.store.db.schema import media, media_keys, runs
from runbase.store.db.values import unpack

if TYPE_CHECKING:
    from runbase.store.store import Store


class MediaKey(msgspec.Struct, frozen=True):
    """A media key of some runs: its kind, how many of the runs logged it, and which
    (in the order asked for)."""

    key: str
    kind: str
    runs: int
    run_ids: tuple[str, ...] = ()


class MediaItem(msgspec.Struct):
    """One run's media value of a key at the step shown for it.

    ``labels`` are the run's class labels of masks and boxes, as the SDK writes
    them to ``config["_wandb"]`` (``"mask/class_labels"`` and
    ``"bounding_box/class_labels"``, each by ``"<key>_wandb_delimeter_<name>"``).
    """

    run_id: str
    step: int
    kind: str
    value: Any
    labels: dict[str, dict[str, dict[str, str]]]


def _rids(conn: sa.Connection, entity: str, project: str, run_ids: list[str]) -> dict[int, str]:
    """rid -> run_id of the named runs that exist (unknown ids are left out)."""
    if not run_ids:
        return {}
    q = sa.select(runs.c.rid, runs.c.run_id).where(
        runs.c.entity == entity,
        runs.c.project == project,
        runs.c.run_id.in_(run_ids),
        runs.c.started == sa.true(),
    )
    return {r.rid: r.run_id for r in conn.execute(q)}


def _wandb_config(conn: sa.Connection, rids: list[int]) -> dict[int, dict[str, Any]]:
    """Each run's ``config["_wandb"]`` (visualize specs, class labels)."""
    out: dict[int, dict[str, Any]] = {}
    for rid, blob in conn.execute(sa.select(runs.c.rid, runs.c.config).where(runs.c.rid.in_(rids))):
        config = unpack(blob, {})
        section = config.get("_wandb") if isinstance(config, dict) else None
        out[rid] = section if isinstance(section, dict) else {}
    return out


def media_keys_of(store: Store, entity: str, project: str, run_ids: list[str]) -> list[MediaKey]:
    """The media keys the runs logged, sorted by key; plus one ``"chart"`` key per
    ``wandb.plot`` chart (``config["_wandb"]["visualize"]``), whose ``<key>_table``
    is listed as a table as well."""
    with store.engine.connect() as conn:
        rids = _rids(conn, entity, project, run_ids)
        if not rids:
            return []
        q = sa.select(media_keys.c.rid, media_keys.c.key, media_keys.c.kind).where(
            media_keys.c.rid.in_(list(rids))
        )
        found: dict[tuple[str, str], set[str]] = {}
        for r in conn.execute(q):
            found.setdefault((r.key, r.kind), set()).add(rids[r.rid])
        for rid, section in _wandb_config(conn, list(rids)).items():
            visualize = section.get("visualize")
            for key in visualize if isinstance(visualize, dict) else ():
                found.setdefault((key, "chart"), set()).add(rids[rid])
    order = {r: i for i, r in enumerate(run_ids)}
    return [
        MediaKey(k, kind, len(ids), tuple(sorted(ids, key=order.__getitem__)))
        for (k, kind), ids in sorted(found.items())
    ]


def media_steps(
    store: Store, entity: str, project: str, key: str, run_ids: list[str]
) -> dict[str, list[int]]:
    """run_id -> the steps at which it logged ``key``, ascending (runs that never did
    are left out)."""
    with store.engine.connect() as conn:
        rids = _rids(conn, entity, project, run_ids)
        if not rids:
            return {}
        q = (
            sa.select(media.c.rid, media.c.step)
            .where(media.c.rid.in_(list(rids)), media.c.key == key)
            .order_by(media.c.rid, media.c.step)
        )
        out: dict[str, list[int]] = {}
        for rid, step in conn.execute(q):
            steps = out.setdefault(rids[rid], [])
            if not steps or steps[-1] != step:
                steps.append(step)
    return {rid: out[rid] for rid in run_ids if rid in out}


def media_step_union(
    store: Store, entity: str, project: str, key: str, run_ids: list[str]
) -> list[int]:
    """Every step at which any of the runs logged ``key``, ascending, once each (a
    slider's stops: the database merges them, a twentieth of the rows for 20 runs)."""
    with store.engine.connect() as conn:
        rids = _rids(conn, entity, project, run_ids)
        if not rids:
            return []
        q = (
            sa.select(media.c.step)
            .where(media.c.rid.in_(list(rids)), media.c.key == key)
            .distinct()
            .order_by(media.c.step)
        )
        return [int(s) for s in conn.execute(q).scalars()]


def _shown_steps(key: str, step: int) -> sa.Select[Any]:
    """(rid, step shown) for the runs in ``b_rids``: the nearest step at or before
    ``step``, else the first after. Each is one seek in ``ix_media_steps``."""
    m = media.alias("m")
    before = (
        sa.select(sa.func.max(m.c.step))
        .where(m.c.rid == runs.c.rid, m.c.key == key, m.c.step <= step)
        .scalar_subquery()
    )
    after = (
        sa.select(sa.func.min(m.c.step))
        .where(m.c.rid == runs.c.rid, m.c.key == key, m.c.step > step)
        .scalar_subquery()
    )
    return sa.select(runs.c.rid, sa.func.coalesce(before, after).label("shown")).where(
        runs.c.rid.in_(sa.bindparam("b_rids", expanding=True))
    )


def media_at_step(
    store: Store, entity: str, project: str, key: str, run_ids: list[str], step: int
) -> list[MediaItem]:
    """``key`` of each run at ``step`` (or the nearest step it logged: see the module
    docstring), in the order of ``run_ids``; runs that never logged it are left out."""
    with store.engine.connect() as conn:
        rids = _rids(conn, entity, project, run_ids)
        if not rids:
            return []
        shown = _shown_steps(key, step).subquery()
        q = (
            sa.select(media.c.rid, media.c.step, media.c.kind, media.c.value)
            .join(shown, sa.and_(shown.c.rid == media.c.rid, shown.c.shown == media.c.step))
            .where(media.c.key == key)
            .order_by(media.c.row)
        )
        found: dict[int, Any] = {}
        for r in conn.execute(q, {"b_rids": list(rids)}):
            found[r.rid] = r  # a step logged in two rows (a rewound run): the last wins
        sections = _wandb_config(conn, list(found)) if found else {}
    by_id: dict[str, Any] = {rids[rid]: r for rid, r in found.items()}
    return [
        MediaItem(
            run_id=run_id,
            step=row.step,
            kind=row.kind,
            value=unpack(row.value),
            labels=_labels(sections.get(row.rid, {})),
        )
        for run_id in run_ids
        if (row := by_id.get(run_id)) is not None
    ]


def _labels(section: dict[str, Any]) -> dict[str, dict[str, dict[str, str]]]:
    out: dict[str, dict[str, dict[str, str]]] = {}
    for kind in ("mask/class_labels", "bounding_box/class_labels"):
        entries = section.get(kind)
        if not isinstance(entries, dict):
            continue
        out[kind] = {
            name: {str(c): str(label) for c, label in entry["value"].items()}
            for name, entry in entries.items()
            if isinstance(entry, dict) and isinstance(entry.get("value"), dict)
        }
    return out
