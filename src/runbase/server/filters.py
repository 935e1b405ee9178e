"""Checking the runs filter a client sends, before it reaches the store.

Filters are Mongo-style JSON (``{"$and": [{"config.lr": {"$gt": 0.01}}]}``). A
malformed filter must come back as a 400 with a message that says what is
wrong, never as a stack trace: JSON, structure, operators and regular
expressions are checked here; field names by the store.
"""

from __future__ import annotations

import json
import re
from typing import Any

LOGICAL = {"$and", "$or", "$nor"}
COMPARE = {"$eq", "$ne", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$regex"}


class FilterError(ValueError):
    """The filter is not valid; the message is shown to the user."""


def parse_filters(text: str | None) -> dict[str, Any] | None:
    """Parse and validate the ``filters`` query parameter (JSON text)."""
    if text is None or text.strip() == "":
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise FilterError(f"filters is not valid JSON: {e.msg} at position {e.pos}") from None
    validate(value)
    return value or None


def validate(node: Any, path: str = "filters") -> None:
    """Raise FilterError when ``node`` is not a filter the store understands."""
    if not isinstance(node, dict):
        raise FilterError(f"{path} must be an object, got {type(node).__name__}")
    for key, cond in node.items():
        where = f"{path}.{key}"
        if key in LOGICAL:
            if not isinstance(cond, list) or not cond:
                raise FilterError(f"{where} must be a non-empty list of filters")
            for i, sub in enumerate(cond):
                validate(sub, f"{where}[{i}]")
        elif key.startswith("$"):
            raise FilterError(f"unknown operator {key!r} at {path}; use one of $and $or $nor")
        else:
            # Field names are the store's to judge (runbase.store.filters); its
            # ValueError comes back as a 400 too.
            _check_condition(cond, where)


def _check_condition(cond: Any, where: str) -> None:
    if not isinstance(cond, dict):
        _check_scalar(cond, where)
        return
    if not cond:
        raise FilterError(f"{where} is an empty condition")
    for op, value in cond.items():
        if op not in COMPARE:
            raise FilterError(
                f"unknown operator {op!r} at {where}; use one of {' '.join(sorted(COMPARE))}"
            )
        if op in ("$in", "$nin"):
            if not isinstance(value, list):
                raise FilterError(f"{where}.{op} needs a list of values")
            for v in value:
                _check_scalar(v, f"{where}.{op}")
        elif op == "$exists":
            if not isinstance(value, bool):
                raise FilterError(f"{where}.$exists needs true or false")
        elif op == "$regex":
            if not isinstance(value, str):
                raise FilterError(f"{where}.$regex needs a string")
            check_regex(value, f"{where}.$regex")
        else:
            _check_scalar(value, f"{where}.{op}")


def _check_scalar(value: Any, where: str) -> None:
    if value is None or isinstance(value, (bool, int, float, str)):
        return
    raise FilterError(f"{where}: a value must be a number, string, boolean or null")


def check_regex(pattern: str, where: str = "search") -> None:
    """Raise FilterError when ``pattern`` is not a valid regular expression."""
    try:
        re.compile(pattern)
    except re.error as e:
        raise FilterError(f"{where}: invalid regular expression {pattern!r}: {e}") from None


def combine(filters: dict[str, Any] | None, search: str | None) -> dict[str, Any] | None:
    """The filter plus a name search (a regex, as in the W&B runs table)."""
    parts: list[dict[str, Any]] = []
    if filters:
        parts.append(filters)
    if search:
        check_regex(search)
        parts.append({"name": {"$regex": search}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}
