"""Reading what a run logged as tables, histograms and charts (``wandb.Table``,
``wandb.Histogram``, ``wandb.plot.*``): the values of one history key with their
steps, and the table file a ``table-file`` pointer names.

Re-exported by ``runbase.store.queries``; call it from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import msgspec
import numpy as np
import sqlalchemy as sa

from runbase.store.db import chunks
from runbase.store.db.schema import hist_chunks
from runbase.store.queries.environment import local_file
from runbase.store.queries.runref import RunRef, resolve_run

if TYPE_CHECKING:  # the Store opens the indexer; queries only read through it
    from runbase.store.store import Store

TABLE_TYPES = ("table-file", "incremental-table-file")
# Why a table whose row was recorded has no file: the SDK records a row holding
# media at log() time and its pointers once the files are written (records/media_rows.py).
NEVER_WRITTEN = "the table file was never written: the run was killed while writing it"


class LoggedValueError(ValueError):
    """A key that holds something else than asked for, or a table file that cannot be read."""


@dataclass(slots=True)
class KeyValues:
    """The points of one history key: ``steps[i]`` logged ``values[i]``."""

    steps: list[int]
    values: list[Any]


@dataclass(slots=True)
class TableData:
    """A logged table: its column names and rows (media cells are pointer dicts)."""

    columns: list[str]
    data: list[list[Any]]


def key_values(store: Store, run: RunRef, key: str, samples: int | None = None) -> KeyValues:
    """Every value logged under ``key`` with its step, in order (empty when never logged).

    With ``samples``, at most that many, evenly spaced, first and last included.
    Only the key's own chunks are read, not the run's other series.
    """
    with store.engine.connect() as conn:
        rid = resolve_run(conn, run).rid
        q = (
            sa.select(hist_chunks)
            .where(hist_chunks.c.rid == rid, hist_chunks.c.key == key)
            .order_by(hist_chunks.c.seq)
        )
        parts = [chunks.decode(r) for r in conn.execute(q)]
    if not parts:
        return KeyValues([], [])
    p = chunks.join(parts)
    steps: list[int] = p.steps.tolist()
    values: list[Any] = p.vals if p.dtype == "obj" else p.vals.tolist()
    if samples is not None and 0 < samples < len(steps):
        pick = np.unique(np.linspace(0, len(steps) - 1, samples).round().astype(np.int64))
        steps = [steps[i] for i in pick]
        values = [values[i] for i in pick]
    return KeyValues(steps, values)


def is_missing(value: Any) -> bool:
    """True for a media pointer whose file was never written (``{"_type": ..., "missing":
    True}``: the run was killed between ``log()`` and writing the file)."""
    return isinstance(value, dict) and value.get("missing") is True and "path" not in value


def is_table(value: Any) -> bool:
    """True for the history pointer of a logged ``wandb.Table`` (written or missing)."""
    return (
        isinstance(value, dict)
        and value.get("_type") in TABLE_TYPES
        and ("path" in value or is_missing(value))
    )


def table_pointer(
    store: Store, run: RunRef, key: str, step: int | None = None
) -> tuple[int, dict[str, Any], list[int]]:
    """(step, pointer, every step with a table) of the table logged under ``key``.

    ``step`` None means the latest. Raises KeyError when the key holds no table
    (or none at ``step``, or its file was never written), LoggedValueError when it
    holds something else.
    """
    kv = key_values(store, run, key)
    found = [(s, v) for s, v in zip(kv.steps, kv.values, strict=True) if is_table(v)]
    if not found:
        if kv.steps:
            raise LoggedValueError(f"{key!r} holds {_kind(kv.values[-1])}, not a table")
        raise KeyError(f"no table logged under {key!r}")
    steps = [s for s, _ in found]
    for s, v in reversed(found) if step is None else found:
        if step is None or s == step:
            if is_missing(v):
                raise KeyError(f"{key!r} at step {s}: {NEVER_WRITTEN}")
            return s, v, steps
    raise KeyError(f"no table logged under {key!r} at step {step}; its steps: {_few(steps)}")


def table_paths(pointer: dict[str, Any]) -> list[str]:
    """The run files holding the table's rows: an incremental table's earlier
    increments first, then its own."""
    if pointer.get("_type") == "incremental-table-file":
        earlier = pointer.get("previous_increments_paths") or []
        return [str(p) for p in earlier if isinstance(p, str)] + [str(pointer["path"])]
    return [str(pointer["path"])]


def read_table(store: Store, run: RunRef, pointer: dict[str, Any]) -> TableData:
    """The rows of the table ``pointer`` names, read from the run's files."""
    if is_missing(pointer):
        raise KeyError(NEVER_WRITTEN)
    columns: list[str] | None = None
    data: list[list[Any]] = []
    for name in table_paths(pointer):
        try:
            path = local_file(store, run, name)
        except ValueError as e:
            raise LoggedValueError(str(e)) from None
        if not path.is_file():
            raise KeyError(f"the table file {name!r} is no longer stored with the run")
        body = parse_table_json(path.read_bytes(), name)
        if columns is None:
            columns = body.columns
        data.extend(body.data)
    return TableData(columns or [], data)


def parse_table_json(raw: bytes, name: str = "table") -> TableData:
    """Columns and rows of W&B's table JSON (``{"columns": [...], "data": [[...]]}``)."""
    try:
        body = msgspec.json.decode(raw)
    except msgspec.DecodeError:
        # Python's json module writes NaN and Infinity, which strict JSON lacks.
        try:
            body = json.loads(raw)
        except ValueError as e:
            raise LoggedValueError(f"{name} is not table JSON: {e}") from None
    if not isinstance(body, dict) or not isinstance(body.get("columns"), list):
        raise LoggedValueError(f"{name} is not table JSON: it has no list of columns")
    columns = [str(c) for c in body["columns"]]
    rows = body.get("data") or []
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise LoggedValueError(f"{name} is not table JSON: its data is not a list of rows")
    return TableData(columns, rows)


def _kind(value: Any) -> str:
    if isinstance(value, dict) and "_type" in value:
        return f"a {value['_type']}"
    return f"a {type(value).__name__}"


def _few(steps: list[int]) -> str:
    return ", ".join(map(str, steps[:10])) + (", ..." if len(steps) > 10 else "")
