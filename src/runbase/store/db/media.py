"""Which history values are media, and the ``media`` rows they make.

Shared by the indexer (``indexing/write_media.py``), the migration that
filled the media index of older stores, and the media queries.
"""

from __future__ import annotations

from typing import Any

from runbase.store.db.chunks import Points
from runbase.store.db.schema import ROW_KEYS
from runbase.store.db.values import pack

# W&B's ``_type`` tags (single values and lists of them) -> the kind a panel shows.
MEDIA_KINDS = {
    "image-file": "image",
    "images/separated": "image",
    "audio-file": "audio",
    "audio": "audio",
    "video-file": "video",
    "videos": "video",
    "html-file": "html",
    "html": "html",
    "object3D-file": "object3D",
    "object3D": "object3D",
    "plotly-file": "plotly",
    "molecule-file": "molecule",
    "molecule": "molecule",
    "table-file": "table",
    "incremental-table-file": "table",
    "partitioned-table": "table",
    "joined-table": "table",
    "histogram": "histogram",
}


def media_kind(value: Any) -> str | None:
    """The media kind of a logged history value, or None for anything else."""
    if isinstance(value, dict):
        tag = value.get("_type")
        if isinstance(tag, str):
            return MEDIA_KINDS.get(tag)
    return None


def media_points(
    rid: int, series: dict[str, Points]
) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The ``media`` rows of a pass's series, and the kind last logged per media key."""
    rows: list[dict[str, Any]] = []
    kinds: dict[str, str] = {}
    for key, points in series.items():
        if points.dtype != "obj" or key in ROW_KEYS:
            continue  # numbers never point at media
        for row, step, value in zip(
            points.rows.tolist(), points.steps.tolist(), points.vals, strict=True
        ):
            kind = media_kind(value)
            if kind is not None:
                rows.append(
                    {"rid": rid, "key": key, "row": row, "step": step, "kind": kind,
                     "value": pack(value)}
                )  # fmt: skip
                kinds[key] = kind
    return rows, kinds
