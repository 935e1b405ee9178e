"""The media index: history values that point at media, one row per (run, key, row).

W&B writes a logged Image, Audio, Table, ... into history as a small dict whose
``_type`` names the kind (``{"_type": "image-file", "path": ..., ...}``). The
indexer copies each such value, whole, into ``media`` beside the chunk that
holds it, and keeps ``media_keys`` (the media keys of each run), so the web
app asks for "key K of runs R1..Rn at step S" without decoding history chunks.
"""

from __future__ import annotations

import sqlalchemy as sa

from runbase.store.db.chunks import Points
from runbase.store.db.media import media_points
from runbase.store.db.schema import media, media_keys
from runbase.store.indexing.inserts import Inserts


def write_media(
    conn: sa.Connection,
    rid: int,
    series: dict[str, Points],
    first_row: int,
    fresh: bool,
    inserts: Inserts,
) -> None:
    """Index the media values of a pass whose rows start at ``first_row``.

    A pass may go on with the row the last one left open (same step): values of
    that row logged again replace the stored ones, so their media rows go first.
    """
    if not fresh:
        again = [k for k, p in series.items() if len(p) and int(p.rows[0]) == first_row]
        inserts.delete(media, ("rid", "row", "key"), [(rid, first_row, k) for k in again])
    rows, kinds = media_points(rid, series)
    if not rows:
        return
    if not fresh:
        inserts.delete(media_keys, ("rid", "key"), [(rid, k) for k in kinds])
    inserts.add(media, rows)
    inserts.add(media_keys, [{"rid": rid, "key": k, "kind": v} for k, v in kinds.items()])
