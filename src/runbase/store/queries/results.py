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


class Series(msgspec.Struct, frozen=True):
    """One chart line of ``key`` against ``x_axis``. Bucketed: per non-empty bucket
    the x and y of its last point and the min/max of y; else the raw points (then
    ``min``, ``max`` and ``last`` are the same list). Non-finite y is None (a gap)."""

    key: str
    x_axis: str
    count: int
    bucketed: bool
    x: list[float]
    min: list[float | None]
    max: list[float | None]
    last: list[float | None]
    x_range: list[float] | None


class GroupCount(msgspec.Struct, frozen=True):
    """Runs sharing one value; ``offset`` is where the first sits in the runs' order."""

    value: Any
    count: int
    offset: int


class GroupCounts(msgspec.Struct, frozen=True):
    by: str
    order: str
    total: int
    truncated: bool
    groups: list[GroupCount]


class MetricKey(msgspec.Struct, frozen=True):
    """A history key of a project: how many runs log it, and whether as a number."""

    key: str
    runs: int
    numeric: bool


class ProjectColumns(msgspec.Struct, frozen=True):
    """Flat keys seen in a project's runs (summary keys starting with ``_`` left out)."""

    config: list[str]
    summary: list[str]
    metrics: list[str]


class RunsPage(msgspec.Struct, frozen=True):
    """One page of a project's runs; ``total`` counts every match."""

    total: int
    runs: list[dict[str, Any]]
