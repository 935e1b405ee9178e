"""Regular expressions in run filters (``$regex``, the runs table's name search).

Patterns use RE2 syntax on every backend and are checked here before any SQL
runs. On SQLite they are matched by RE2 (the ``regexp`` SQL function): its
time is linear in the text, so a pattern such as ``(a+)+$`` cannot freeze the
server the way Python's backtracking ``re`` did (15 s for a 26-character name,
holding the GIL, so every other request waited too). PostgreSQL matches with
its own engine (``~``); RE2 syntax is also valid there for everything but a few
flag forms, which PostgreSQL reports as an invalid pattern (see
``runquery._guarded``), and a statement timeout bounds the rest.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

# A name search is a few dozen characters; this only stops absurd inputs early.
MAX_PATTERN = 2_000
# RE2 refuses patterns whose compiled program would need more memory than this
# (e.g. deeply nested counted repetition), instead of taking long to run them.
MAX_MEM = 8 << 20

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False  # errors come back as exceptions; no stderr noise
_OPTIONS.max_mem = MAX_MEM


@functools.lru_cache(maxsize=256)
def _compile(pattern: str) -> Any:
    return re2.compile(pattern, _OPTIONS)


def compile_pattern(pattern: str, where: str = "$regex") -> Any:
    """The compiled RE2 pattern; ValueError naming ``where`` when it is not valid."""
    if not isinstance(pattern, str):
        raise ValueError(f"{where} needs a string, got {pattern!r}")
    if len(pattern) > MAX_PATTERN:
        raise ValueError(f"{where}: a regular expression may have at most {MAX_PATTERN} characters")
    try:
        return _compile(pattern)
    except re2.error as e:
        reason = e.args[0].decode() if e.args and isinstance(e.args[0], bytes) else str(e)
        raise ValueError(
            f"{where}: invalid regular expression {pattern!r}: {reason} (patterns use RE2 "
            "syntax: no look-around or backreferences)"
        ) from None


def sqlite_regexp(pattern: str | None, value: Any) -> bool | None:
    """SQLite's ``pattern REGEXP value`` (what ``regexp_match`` compiles to there)."""
    if pattern is None or value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    return _compile(pattern).search(value) is not None


def install_sqlite(dbapi_conn: Any) -> None:
    """Make ``regexp`` on this SQLite connection RE2 (replacing SQLAlchemy's ``re``)."""
    dbapi_conn.create_function("regexp", 2, sqlite_regexp, deterministic=True)
