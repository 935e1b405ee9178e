"""The runs filter a client sends, parsed before it reaches the store.

Filters are Mongo-style JSON (``{"$and": [{"config.lr": {"$gt": 0.01}}]}``). A
malformed filter must come back as a 400 with a message that says what is
wrong, never as a stack trace. The server only parses the JSON; what a filter
may say (fields, operators, value types, regular expressions) is the store's to
judge (``runbase.store.queries.filters``), so the two never disagree: its ValueError
becomes a FilterError, a 400.
"""

from __future__ import annotations

import json
from typing import Any

from runbase.store import queries

# Deeper documents are refused before they can exhaust the recursion of the
# JSON parser or of the SQL they would turn into.
MAX_DEPTH = 32


class FilterError(ValueError):
    """The filter is not valid; the message is shown to the user."""


def parse_filters(text: str | None) -> dict[str, Any] | None:
    """Parse and validate the ``filters`` query parameter (JSON text)."""
    if text is None or text.strip() == "":
        return None
    depth = _nesting(text)
    if depth > MAX_DEPTH:
        raise FilterError(f"filters is nested {depth} levels deep; at most {MAX_DEPTH} are allowed")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        raise FilterError(f"filters is not valid JSON: {e.msg} at position {e.pos}") from None
    if not isinstance(value, dict):
        raise FilterError(f"filters must be a JSON object, got {type(value).__name__}")
    check(value)
    return value or None


def check(doc: dict[str, Any]) -> None:
    """Raise FilterError when the store cannot use ``doc``."""
    try:
        queries.filters_where(doc)
    except ValueError as e:
        raise FilterError(str(e)) from None


def _nesting(text: str) -> int:
    """How deep brackets nest in JSON text (brackets inside strings ignored)."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in text:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def runs_filter(text: str | None, search: str | None) -> dict[str, Any] | None:
    """The ``filters`` parameter plus the name search (a regular expression, as in
    the W&B runs table), as one filter document. A bad search is reported before a
    bad filter: it is what the user is typing."""
    parts: list[dict[str, Any]] = []
    if search:
        parts.append({"name": {"$regex": search}})
        check(parts[-1])
    flt = parse_filters(text)
    if flt:
        parts.insert(0, flt)
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}
