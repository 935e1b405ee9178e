"""What the queries return, typed: msgspec Structs, which encode to JSON as the
objects they stand for (``msgspec.json.encode(project)`` gives the same keys).

Runs and history rows stay dicts: their keys are the user's (config, summary,
logged metrics), so a dict is their honest type.
"""

from __future__ import annotations

from typing import Any

import msgspec


class ProjectRow(msgspec.Struct, frozen=True):
    """A project that has (or had) runs; times are Unix seconds."""

    entity: str
    project: str
    run_count: int
    created_at: float | None
    last_activity: float | None


class LogLine(msgspec.Struct, frozen=True):
    """One console line; ``stream`` is ``stdout`` or ``stderr``."""

    time: float
    stream: str
    line: str


class RunFile(msgspec.Struct, frozen=True):
    """A file saved with a run; ``local_path`` is where it lies (it may be gone)."""

    name: str
    size: int | None
    policy: str | None
    time: float | None
    local_path: str


class SystemSeries(msgspec.Struct, frozen=True):
    """System samples column-wise: ``metrics[key][i]`` was sampled at ``time[i]``
    (None where that sample lacks the key)."""

    time: list[float]
    runtime: list[float]
    metrics: dict[str, list[Any]]


def as_dicts(items: list[Any]) -> list[dict[str, Any]]:
    """Structs as plain dicts (for callers that promise dicts, like ``Run.logs()``)."""
    return [msgspec.structs.asdict(x) for x in items]
