"""Encoding values for the store (exact blobs, flat leaves that SQL can filter) and for output."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    import numpy as np  # loaded by the chart queries that call num_list; not by Api()

_enc = msgspec.msgpack.Encoder()
_dec = msgspec.msgpack.Decoder()
_json = msgspec.json.Encoder()


def pack(value: Any) -> bytes:
    """Exact encoding (NaN, ±inf, ints and nesting survive)."""
    return _enc.encode(value)


def unpack(blob: bytes | None, default: Any = None) -> Any:
    """Inverse of :func:`pack`; ``default`` for a NULL column."""
    if blob is None:
        return default
    return _dec.decode(blob)


def flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Leaves of nested dicts under dotted keys; a non-empty dict is not itself a leaf."""
    out: dict[str, Any] = {}
    for k, v in value.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out.update(flatten(v, key + "."))
        else:
            out[key] = v
    return out


def leaf(value: Any) -> tuple[str, float | None, str | None]:
    """(vtype, vnum, vstr) of one leaf for the run_values table.

    NaN gets its own type: SQLite stores a NaN REAL as NULL, and a NaN must not
    compare as equal, greater or less than anything.
    """
    if value is None:
        return "z", None, None
    if isinstance(value, bool):
        return "b", float(value), None
    if isinstance(value, int):
        if abs(value) >= 2**63:
            return "j", None, str(value)
        return "n", float(value), None
    if isinstance(value, float):
        if math.isnan(value):
            return "f", None, None
        return "n", value, None
    if isinstance(value, str):
        return "s", None, value
    try:
        return "j", None, _json.encode(value).decode()
    except (TypeError, msgspec.EncodeError):
        return "j", None, repr(value)


def is_number(value: Any) -> bool:
    """An int or float that is not a bool."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def safe(value: Any) -> Any:
    """A copy of ``value`` for JSON: non-finite floats become "NaN", "Infinity", "-Infinity"."""
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, dict):
        return {k: safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [safe(v) for v in value]
    return value


def num_list(arr: np.ndarray) -> list[float | None]:
    """Floats for a chart: non-finite values become None (a gap)."""
    import numpy as np

    out = arr.tolist()
    if not np.isfinite(arr).all():
        bad = np.nonzero(~np.isfinite(arr))[0].tolist()
        for i in bad:
            out[i] = None
    return out
