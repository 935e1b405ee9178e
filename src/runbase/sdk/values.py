"""Turning what a user logs into record values: flat keys, plain types.

The fast path (a flat dict of floats, ints, strs, bools and None) costs one
type check per value and no copy. Everything else goes through ``_convert``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SMALL_ARRAY = 32
MAX_DEPTH = 100
_PLAIN = (float, int, str, bool, type(None))
_PLAIN_SET = frozenset(_PLAIN)


def is_plain_flat(data: dict[str, Any], _plain: Any = _PLAIN_SET, _type: Any = type) -> bool:
    """True when ``data`` can be stored as it is: str keys, plain values, nothing nested."""
    for k, v in data.items():
        if _type(v) not in _plain or _type(k) is not str:
            return False
    return True


def flatten(data: Mapping[str, Any], what: str = "log") -> dict[str, Any]:
    """Flatten nested mappings into ``a.b`` keys and convert values.

    Raises TypeError naming the key and the type of an unsupported value (or a
    dict nested too deeply or containing itself), and ValueError when two keys
    flatten to the same name, before anything is written, so a failing call
    logs nothing.
    """
    out: dict[str, Any] = {}
    _flatten_into(out, "", data, what, {id(data)})
    return out


def _flatten_into(
    out: dict[str, Any], prefix: str, data: Mapping[Any, Any], what: str, path: set[int]
) -> None:
    if len(path) > MAX_DEPTH:
        raise TypeError(
            f"{what}: the dict under {prefix[:-1][:80]!r}... is nested more than {MAX_DEPTH} "
            "levels deep; log fewer levels (e.g. join some keys). Nothing from this call was logged"
        )
    for k, v in data.items():
        if not isinstance(k, str):
            raise TypeError(
                f"{what}: keys must be strings, got {type(k).__name__} key {k!r}"
                + (f" under {prefix[:-1]!r}" if prefix else "")
            )
        key = prefix + k
        if isinstance(v, Mapping):
            if not v:
                continue
            if id(v) in path:
                raise TypeError(
                    f"{what}: the dict under {key!r} contains itself; log a copy without the cycle"
                )
            path.add(id(v))
            _flatten_into(out, key + ".", v, what, path)
            path.discard(id(v))
        elif key in out:
            raise ValueError(
                f"{what}: two values for the key {key!r}: a nested dict and a dotted key both "
                "flatten to it. Rename one of them; nothing from this call was logged"
            )
        else:
            out[key] = convert(v, key, what)


def convert(value: Any, key: str, what: str = "log") -> Any:
    """One value as a plain type, or TypeError naming ``key`` and the type."""
    t = type(value)
    if t in _PLAIN:
        return value
    if isinstance(value, int):  # IntEnum and other int subclasses
        return int(value)
    if isinstance(value, float):
        return float(value)
    if isinstance(value, str):
        return str(value)
    module = t.__module__.split(".")[0]
    if module == "numpy":
        return _from_numpy(value, key, what)
    if module == "torch":
        return _from_torch(value, key, what)
    if isinstance(value, list | tuple):
        return _convert_sequence(value, key, what, 0)
    # Data types (runbase.Image, Table...), figures and DataFrames: kept for log() to store.
    from runbase.sdk.data_types.rows import NOT_A_DATA_TYPE, data_type_value

    kept = data_type_value(value, key, what)
    if kept is not NOT_A_DATA_TYPE:
        return kept
    raise TypeError(
        f"{what}: {key!r} has a value of type {t.__module__}.{t.__qualname__}, which runbase "
        "cannot store; log numbers, strings, booleans, None, lists of those, numpy values "
        "or torch tensors (convert it first, e.g. float(x) or str(x))"
    )


def _convert_sequence(value: list[Any] | tuple[Any, ...], key: str, what: str, depth: int) -> Any:
    if len(value) > 100_000:
        raise TypeError(f"{what}: {key!r} is a sequence of {len(value)} items; too long")
    if depth >= MAX_DEPTH:
        raise TypeError(
            f"{what}: {key!r} holds lists nested more than {MAX_DEPTH} levels deep (or a list "
            "that contains itself); log a flatter copy"
        )
    return [
        _convert_sequence(v, key, what, depth + 1)
        if isinstance(v, list | tuple)
        else convert(v, key, what)
        for v in value
    ]


def _from_numpy(value: Any, key: str, what: str) -> Any:
    import numpy as np

    if isinstance(value, np.generic):
        if isinstance(value, np.floating) and value.dtype.itemsize > 8:
            return float(value)
        out = value.item()
        if isinstance(out, bytes | complex):
            raise TypeError(f"{what}: {key!r} is a numpy {value.dtype} value, which is unsupported")
        return out
    if isinstance(value, np.ndarray):
        if value.size == 1:
            return convert(value.reshape(-1)[0], key, what)
        if value.size <= SMALL_ARRAY and value.dtype.kind in "biuf":
            return [convert(v, key, what) for v in value.reshape(-1)]
        if what in ("log", "summary") and value.dtype.kind in "biuf":
            return _histogram(value, key, what)
        raise TypeError(
            f"{what}: {key!r} is a numpy array of {value.size} elements; runbase stores arrays "
            f"of at most {SMALL_ARRAY} numbers. Log a summary of it instead (e.g. arr.mean())"
        )
    raise TypeError(f"{what}: {key!r} has unsupported numpy type {type(value).__name__}")


def _from_torch(value: Any, key: str, what: str) -> Any:
    numel = getattr(value, "numel", None)
    if numel is None:
        raise TypeError(f"{what}: {key!r} has unsupported torch type {type(value).__name__}")
    n = numel()
    if n == 1:
        return convert(value.detach().reshape(-1)[0].item(), key, what)
    if n <= SMALL_ARRAY:
        return [convert(v, key, what) for v in value.detach().cpu().reshape(-1).tolist()]
    if what in ("log", "summary") and not value.is_complex():
        return _histogram(value.detach().cpu().numpy(), key, what)
    raise TypeError(
        f"{what}: {key!r} is a tensor of {n} elements; runbase stores tensors of at most "
        f"{SMALL_ARRAY} numbers. Log a summary of it instead (e.g. t.mean().item())"
    )


def _histogram(value: Any, key: str, what: str) -> Any:
    """An array of more than SMALL_ARRAY numbers logged as a value: a 32-bin histogram (W&B)."""
    from runbase.sdk.data_types.histogram import array_histogram

    return array_histogram(value, key, what)


def encode_problem(values: Mapping[str, Any], what: str, error: Exception) -> Exception:
    """msgspec's bare OverflowError/RecursionError as an error naming the key and the fix.

    Called only after encoding failed, so the common path pays nothing for it.
    """
    found = _unencodable(values, "")
    if found is None:
        return error
    key, value, e = found
    if isinstance(e, OverflowError) and isinstance(value, int):
        digits = str(value) if value.bit_length() < 200 else f"an int of {value.bit_length()} bits"
        return ValueError(
            f"{what}: {key!r} is {digits}, outside the range of integers runbase stores "
            "(-2**63 to 2**64 - 1). Log float(x), or str(x) to keep every digit; nothing "
            "from this call was recorded"
        )
    if isinstance(e, RecursionError):
        return TypeError(
            f"{what}: {key!r} is nested too deeply or contains itself; log a flatter copy. "
            "Nothing from this call was recorded"
        )
    return TypeError(f"{what}: {key!r} cannot be stored ({e}); nothing from this call was recorded")


def _unencodable(values: Mapping[Any, Any], prefix: str) -> tuple[str, Any, Exception] | None:
    from msgspec.msgpack import encode

    for k, v in values.items():
        key = f"{prefix}{k}"
        try:
            encode(v)
        except RecursionError as e:
            return key, v, e
        except (OverflowError, TypeError) as e:
            if isinstance(v, Mapping):
                inner = _unencodable(v, key + ".")
            elif isinstance(v, list | tuple):
                inner = _unencodable({f"[{i}]": x for i, x in enumerate(v)}, key)
            else:
                inner = None
            return inner or (key, v, e)
    return None
