"""A ``Table``'s cells and column types as W&B's table JSON, and the pending write.

Runbase has no artifacts yet, so the run file ``media/table/<key>_<step>_<h>.table.json``
holds the *full* table JSON (W&B's run copy only has ``columns`` and ``data``
with media cells as their type name; the full JSON lives in W&B's ``run_table``
artifact). Media in cells are written as content-addressed run files
(``media/images/<sha256[:20]>.png``), the names W&B gives them inside that
artifact, and the cells hold their pointer dicts.
"""

from __future__ import annotations

import datetime
import json
import numbers
from typing import TYPE_CHECKING, Any

from runbase.sdk.data_types.base import Media, WBValue, is_array, is_tensor, tensor_to_numpy

if TYPE_CHECKING:
    from runbase.sdk.data_types.table import Table
    from runbase.sdk.data_types.writer import MediaContext

CELL_HINT = (
    "table cells take numbers, strings, booleans, None, lists and dicts of those, "
    "datetimes, and runbase media (Image, Audio, Video, Html, Object3D, Plotly, Histogram); "
    "convert the value first (e.g. str(x))"
)


def kind_of(value: Any) -> str:
    """W&B's type name for one cell (``number``, ``string``, ``image-file``...)."""
    if value is None:
        return "none"
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return "boolean"
    if isinstance(value, numbers.Number):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, WBValue):
        return type(value)._log_type
    if isinstance(value, datetime.date):
        return "timestamp"
    if isinstance(value, dict):
        return "typedDict"
    if isinstance(value, list | tuple) or is_array(value) or is_tensor(value):
        return "list"
    return "pyobject"


def column_types(columns: list[Any], kinds: list[str | None]) -> dict[str, Any]:
    """``column_types``: each column optional (None allowed) plus its kind."""
    type_map = {}
    for col, kind in zip(columns, kinds, strict=True):
        allowed = [{"wb_type": "none"}]
        if kind is not None:
            allowed.append({"wb_type": kind})
        type_map[str(col)] = {"wb_type": "union", "params": {"allowed_types": allowed}}
    return {"wb_type": "typedDict", "params": {"type_map": type_map}}


def cell(value: Any, where: str, media: list[tuple[list[Any], int, Media]], row: list[Any]) -> Any:
    """One cell as JSON; media cells are noted in ``media`` to be written later."""
    if value is None or type(value) in (int, float, str, bool):
        return value
    if isinstance(value, Media):
        media.append((row, len(row), value))
        return None  # replaced by the pointer once its file is written
    if isinstance(value, WBValue):
        return value._prepare(where)  # inline types (Histogram)
    if is_tensor(value):
        value = tensor_to_numpy(value)
    if hasattr(value, "tolist") and type(value).__module__.split(".")[0] == "numpy":
        value = value.tolist()
        if not isinstance(value, list | dict):
            return cell(value, where, media, row)
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=datetime.UTC)
        return int(value.timestamp() * 1000)
    if isinstance(value, datetime.date):
        return int(
            datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.UTC).timestamp()
            * 1000
        )
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, list | tuple):
        return [_nested(v, where) for v in value]
    if isinstance(value, dict):
        return {str(k): _nested(v, where) for k, v in value.items()}
    t = type(value)
    raise TypeError(f"{where} is a {t.__module__}.{t.__qualname__}; {CELL_HINT}")


def _nested(value: Any, where: str) -> Any:
    if isinstance(value, Media):
        raise TypeError(
            f"{where} holds a {type(value).__name__} inside a list or dict; {CELL_HINT}"
        )
    return cell(value, where, [], [])


class CellContext:
    """Writes cell media under content-addressed names (``media/images/<sha[:20]>.png``)."""

    def __init__(self, ctx: MediaContext) -> None:
        self._ctx = ctx

    def store(
        self, subdir: str, key: str, step: int | str, data: bytes, ext: str
    ) -> dict[str, Any]:
        import hashlib

        sha = hashlib.sha256(data).hexdigest()
        rel = f"{subdir}/{sha[:20]}{ext}"
        self._ctx.store_named(rel, data)
        return {"sha256": sha, "size": len(data), "path": rel}

    def store_path(
        self, subdir: str, key: str, step: int | str, src: str, ext: str
    ) -> dict[str, Any]:
        with open(src, "rb") as f:
            return self.store(subdir, key, step, f.read(), ext)


class TablePending:
    """A table snapshot taken by ``log()``; the media thread writes it."""

    def __init__(self, table: Table, body: dict[str, Any], media: list[Any], extra: dict[str, Any]):
        self.table = table
        self.body = body
        self.media = media
        self.extra = extra  # log-mode fields of the pointer
        self.nbytes = sum(getattr(m, "nbytes", 0) for _, _, m in media)
        self.undo: Any = None  # set by Table._prepare: forget the log if the call fails

    @property
    def _log_type(self) -> str:
        """The pointer's ``_type``, for the row's placeholder until the file is written."""
        return _table_type(self.table)

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        cells = CellContext(ctx)
        for row, index, value in self.media:
            pointer = value.write(cells, key, step)
            pointer.pop("size", None)  # a cell pointer has no size (as in W&B's table JSON)
            row[index] = pointer
        data = json.dumps(self.body).encode("utf-8")
        table = self.table
        incremental = table.log_mode == "INCREMENTAL"
        out: dict[str, Any] = {"_type": _table_type(table)}
        out.update(ctx.store("media/table", key, step, data, ".table.json"))
        out.update(self.extra)
        if incremental:
            out["previous_increments_paths"] = list(table._increment_paths)
            table._increment_paths.append(out["path"])
        table._pointer = out
        return out


class ReusePending:
    """A table logged again unchanged: the pointer of its last log (W&B's behaviour)."""

    nbytes = 0

    def __init__(self, table: Table) -> None:
        self.table = table

    @property
    def _log_type(self) -> str:
        return _table_type(self.table)

    def write(self, ctx: MediaContext, key: str, step: int | str) -> dict[str, Any]:
        pointer = self.table._pointer
        if pointer is None:
            raise RuntimeError("the table's first log was not stored")
        return dict(pointer)


def _table_type(table: Table) -> str:
    return "incremental-table-file" if table.log_mode == "INCREMENTAL" else "table-file"
