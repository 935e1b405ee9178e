"""Writing a pass's history series as chunks, and per-key statistics.

The indexer collects the rows of one pass in a ``batch.Batch``, which cuts them
into one series per key; this module merges each series with the tail chunk
already stored and keeps min/max/last/count of every key up to date.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sqlalchemy as sa

from runbase.store.db import chunks
from runbase.store.db.chunks import Points
from runbase.store.db.keyed import select_keyed
from runbase.store.db.schema import hist_chunks, run_keys
from runbase.store.db.values import is_number, pack, unpack
from runbase.store.indexing.batch import Batch, stats_of
from runbase.store.indexing.fold import summarize, warn_unplain
from runbase.store.indexing.inserts import Inserts
from runbase.store.indexing.project_keys import KeyCounts
from runbase.store.indexing.runstate import RunState, exact_mean, exact_sum_add
from runbase.store.indexing.tail import Seg
from runbase.store.indexing.write_media import write_media


def write_batch(
    conn: sa.Connection,
    rid: int,
    st: RunState,
    segs: list[Seg],
    batch: Batch,
    inserts: Inserts,
    fresh: bool,
    keys: KeyCounts,
    series: dict[str, Points] | None = None,
    stored: Stored | None = None,
) -> None:
    """Write a pass's history rows and set the summary and row count they give
    (counting new keys, and keys that turned numeric or not, in ``keys``).
    ``series``: ``batch.series()``, and ``stored``: what ``stored_many`` read for the
    run, when the caller has them already."""
    series = batch.series() if series is None else series
    if batch.unplain:
        warn_unplain(segs, batch.unplain)
    mean_keys = {k for k in series if "mean" in (st.summary_spec(k) or ())}
    stats = write_series(conn, rid, series, mean_keys, inserts, fresh, keys, stored)
    write_media(conn, rid, series, batch.first_row, fresh, inserts)
    summarize(st, batch, series, stats)
    if batch.n:
        st.rows = batch.first_row + batch.n
        st.last_step = batch.steps[-1]


def _load_series(conn: sa.Connection, rid: int, key: str) -> Points:
    rows = conn.execute(
        sa.select(hist_chunks)
        .where(hist_chunks.c.rid == rid, hist_chunks.c.key == key)
        .order_by(hist_chunks.c.seq)
    ).all()
    return chunks.join([chunks.decode(r) for r in rows])


# A run's stored statistics rows and last chunks, by key.
Stored = tuple[dict[str, Any], dict[str, Any]]

_STORED_KEYS = sa.select(run_keys).where(
    run_keys.c.rid == sa.bindparam("b_rid"),
    run_keys.c.key.in_(sa.bindparam("b_keys", expanding=True)),
)


def write_series(
    conn: sa.Connection,
    rid: int,
    series: dict[str, Points],
    mean_keys: set[str],
    inserts: Inserts,
    fresh: bool,
    keys: KeyCounts,
    known: Stored | None = None,
) -> dict[str, dict[str, Any]]:
    """Append each series to its stored chunks and update the key statistics.

    ``fresh`` says the run has no history stored yet (nothing to read back).
    New rows go to ``inserts``. Returns the statistics of every key in
    ``series`` (for summaries), with ``mean`` filled in for keys in ``mean_keys``.
    """
    if not series:
        return {}
    stored, tails = _stored(conn, rid, list(series), fresh) if known is None else known
    chunk_rows: list[dict[str, Any]] = []
    stat_rows: list[dict[str, Any]] = []
    drop: list[tuple[str, int]] = []
    out: dict[str, dict[str, Any]] = {}
    for key, new in series.items():
        old = stored.get(key)
        tail = tails.get(key)
        replaced = old is not None and old.last_row == int(new.rows[0])
        seq = 0
        merged = new
        if tail is not None and (tail.n < chunks.CAPACITY or replaced):
            merged = chunks.concat(chunks.decode(tail), new)
            seq = tail.seq
            drop.append((key, seq))
        elif old is not None:
            seq = old.chunks
        parts = chunks.encode_all(merged)
        for i, part in enumerate(parts):
            part.update(rid=rid, key=key, seq=seq + i)
        chunk_rows += parts
        stats, sum_parts = _key_stats(conn, rid, key, new, old, replaced, key in mean_keys)
        stat_rows.append(_stat_row(rid, key, stats, sum_parts, seq + len(parts)))
        out[key] = stats
        was = old is not None and old.numeric_count > 0
        keys.add("h", key, int(old is None), int(stats["numeric_count"] > 0) - int(was))
    inserts.delete(hist_chunks, ("rid", "key", "seq"), [(rid, k, seq) for k, seq in drop])
    inserts.delete(run_keys, ("rid", "key"), [(rid, k) for k in stored])
    inserts.add(hist_chunks, chunk_rows)
    inserts.add(run_keys, stat_rows)
    return out


def stored_many(conn: sa.Connection, wanted: dict[int, list[str]]) -> dict[int, Stored]:
    """``_stored`` of many runs (run -> its keys) in two queries."""
    out: dict[int, Stored] = {rid: ({}, {}) for rid in wanted}
    pairs = sorted((rid, k) for rid, ks in wanted.items() for k in ks)
    for r in select_keyed(conn, run_keys, ("rid", "key"), pairs):
        out[r.rid][0][r.key] = r
    tails = sorted((rid, k, r.chunks - 1) for rid, (st, _) in out.items() for k, r in st.items()
                   if r.chunks)  # fmt: skip
    for r in select_keyed(conn, hist_chunks, ("rid", "key", "seq"), tails):
        out[r.rid][1][r.key] = r
    return out


def _stored(conn: sa.Connection, rid: int, keys: list[str], fresh: bool) -> Stored:
    """The stored statistics rows of ``keys``, and each key's last chunk."""
    if fresh:
        return {}, {}
    stored = {r.key: r for r in conn.execute(_STORED_KEYS, {"b_rid": rid, "b_keys": keys})}
    tails = {}
    wanted = [(k, r.chunks - 1) for k, r in stored.items() if r.chunks]
    if wanted:
        for r in conn.execute(
            sa.select(hist_chunks).where(
                hist_chunks.c.rid == rid,
                sa.tuple_(hist_chunks.c.key, hist_chunks.c.seq).in_(wanted),
            )
        ):
            tails[r.key] = r
    return stored, tails


def _key_stats(
    conn: sa.Connection, rid: int, key: str, new: Points, old: Any, replaced: bool, mean: bool
) -> tuple[dict[str, Any], bytes | None]:
    """A key's statistics after ``new``, and its packed exact sum when it needs a mean."""
    if replaced:
        # A value of the last row was overwritten: statistics that counted the
        # old value must be taken again from the whole series.
        full = _load_series(conn, rid, key)
        full = chunks.concat(full, new) if len(full) else new
        stats = stats_of(full)
        acc_source: Any = full.vals
    else:
        stats = stats_of(new)
        acc_source = new.vals
        if old is not None:
            stats["count"] += old.count
            stats["numeric_count"] += old.numeric_count
            stats["first"] = unpack(old.first)
            for name, pick in (("vmin", min), ("vmax", max)):
                prev = getattr(old, name)
                if prev is not None:
                    cur = stats[name]
                    stats[name] = prev if cur is None else pick(prev, cur)
    if not mean:
        return stats, None
    acc = _unpack_acc(old.sum_parts) if old is not None and not replaced else None
    if acc is None:
        # First time this key needs a mean: sum everything logged so far.
        acc = {}
        if old is not None and not replaced:
            acc_source = _values(chunks.concat(_load_series(conn, rid, key), new))
    values = acc_source.tolist() if isinstance(acc_source, np.ndarray) else acc_source
    exact_sum_add(acc, values)
    stats["mean"] = exact_mean(acc)
    return stats, _pack_acc(acc)


def _stat_row(
    rid: int, key: str, stats: dict[str, Any], sum_parts: bytes | None, n_chunks: int
) -> dict[str, Any]:
    last = stats["last"]
    return {
        "rid": rid,
        "key": key,
        "count": stats["count"],
        "numeric_count": stats["numeric_count"],
        "vmin": stats["vmin"],
        "vmax": stats["vmax"],
        "first": pack(stats["first"]),
        "last": pack(last),
        "last_num": float(last) if is_number(last) else None,
        "last_row": stats["last_row"],
        "sum_parts": sum_parts,
        "chunks": n_chunks,
    }


def _values(p: Points) -> Any:
    return p.vals


def _pack_acc(acc: dict[str, int]) -> bytes:
    return pack({k: (format(v, "x") if k == "s" else v) for k, v in acc.items()})


def _unpack_acc(blob: bytes | None) -> dict[str, int] | None:
    if blob is None:
        return None
    raw = unpack(blob)
    return {k: (int(v, 16) if k == "s" else v) for k, v in raw.items()}
