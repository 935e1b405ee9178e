"""Checks of the run fields that ``init()`` records: project, entity, id, name, notes...

Every reader trusts the START record's types (a ``group`` that is a dict once broke
every ``Api().runs()``), so bad values are refused here, before any file is made,
with an error naming the argument and saying what to do. Rules follow W&B where it
has them (project: 128 characters, no ``/ \\ # ? % :``; run id: no ``: ; , # ? / '``
and no surrounding whitespace; tags: 1 to 64 characters); see docs/sdk.md.
"""

from __future__ import annotations

from typing import Any

from runbase.errors import UsageError
from runbase.records.layout import id_problem, name_problem

# Longest accepted text, in characters.
LIMITS = {"name": 256, "group": 256, "job_type": 64, "notes": 100_000, "tag": 64}

_CONTROL = frozenset(map(chr, [*range(0x20), 0x7F]))
_CONTROL_BUT_LINES = _CONTROL - set("\t\n\r")  # notes may span lines

_ENV = {
    "project": "PROJECT",
    "entity": "ENTITY",
    "id": "RUN_ID",
    "name": "NAME",
    "notes": "NOTES",
    "group": "RUN_GROUP",
    "job_type": "JOB_TYPE",
    "tags": "TAGS",
}


def _where(arg: str, context: str) -> str:
    return f"runbase.init({arg}=...)" if context == "init" else f"run.{arg}"


def _env_hint(arg: str, context: str) -> str:
    if context != "init" or arg not in _ENV:
        return ""
    return f" (if you did not pass it, it comes from RUNBASE_{_ENV[arg]} or WANDB_{_ENV[arg]})"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:40] + "..." + text[-12:]


def _refuse(arg: str, context: str, problem: str, fix: str, value: Any = None) -> UsageError:
    hint = _env_hint(arg, context) if isinstance(value, str) else ""
    return UsageError(f"{_where(arg, context)}: {problem}{hint}. {fix}")


def _check_type(arg: str, value: Any, context: str) -> None:
    if not isinstance(value, str):
        raise _refuse(
            arg,
            context,
            f"must be a string, got {type(value).__name__} {_shown(value)}",
            f'Pass text, e.g. {arg}="exp-1", or leave it out.',
        )


def _check_control(arg: str, value: str, context: str, bad: frozenset[str]) -> None:
    if not bad.isdisjoint(value):
        char = next(c for c in value if c in bad)
        raise _refuse(
            arg,
            context,
            f"{_shown(value)} contains the control character {char!r}",
            "Remove it (names are shown on one line in tables and paths).",
            value,
        )


def text(arg: str, value: Any, context: str = "init") -> str | None:
    """A name, group, job_type or notes value: None or a checked string ('' means None)."""
    if value is None:
        return None
    _check_type(arg, value, context)
    if value == "":
        return None
    _check_control(arg, value, context, _CONTROL_BUT_LINES if arg == "notes" else _CONTROL)
    limit = LIMITS[arg]
    if len(value) > limit:
        raise _refuse(
            arg,
            context,
            f"{_shown(value)} is {len(value)} characters long; the limit is {limit}",
            f"Shorten it{' (put long text in notes=)' if arg != 'notes' else ''}.",
            value,
        )
    return str(value)


def path_name(arg: str, value: Any, context: str = "init") -> str:
    """A project, entity or run id: it names a folder, so it has stricter rules."""
    _check_type(arg, value, context)
    _check_control(arg, value, context, _CONTROL)
    problem = id_problem(value) if arg == "id" else name_problem(arg, value)
    if problem:
        raise _refuse(arg, context, problem, f"Choose another {arg}.", value)
    return str(value)


def tags(value: Any, context: str = "init") -> tuple[str, ...]:
    """Tags as a tuple of unique strings; a single string is one tag, as in W&B."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = (value,)
    try:
        items = tuple(value)
    except TypeError:
        raise _refuse(
            "tags",
            context,
            f"must be a list of strings, got {type(value).__name__} {_shown(value)}",
            'Pass e.g. tags=["baseline", "v2"].',
        ) from None
    for i, tag in enumerate(items):
        if not isinstance(tag, str):
            raise _refuse(
                "tags",
                context,
                f"tag {i} is {type(tag).__name__} {_shown(tag)}, not a string",
                "Pass strings, e.g. str(x).",
            )
        if not tag.strip():
            raise _refuse("tags", context, f"tag {i} is empty", "Remove it.", tag)
        _check_control("tags", tag, context, _CONTROL)
        if len(tag) > LIMITS["tag"]:
            raise _refuse(
                "tags",
                context,
                f"tag {_shown(tag)} is {len(tag)} characters long; tags are 1 to 64 characters",
                "Shorten it.",
                tag,
            )
    return tuple(dict.fromkeys(items))
