"""What the queries return, typed: msgspec Structs, which encode to JSON as the
objects they stand for (``msgspec.json.encode(project)`` gives the same keys).

What the user named stays a dict inside them: a run's config, summary and
metadata, a history row (``HistoryRow``: its keys are the logged metrics').
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


class RunRow(msgspec.Struct, frozen=True):
    """A run as a page of runs lists it; times are Unix seconds, ``runtime`` seconds.

    ``config`` and ``summary`` hold the user's keys, nested as logged.
    ``state`` is running, finished, failed, crashed or killed; ``last_step`` is None
    before the first history row.
    """

    id: str
    entity: str
    project: str
    name: str | None
    state: str
    notes: str | None
    tags: list[str]
    group: str | None
    job_type: str | None
    user: str | None
    host: str | None
    created_at: float | None
    heartbeat_at: float | None
    runtime: float | None
    exit_code: int | None
    history_rows: int
    last_step: int | None
    config: dict[str, Any]
    summary: dict[str, Any]
    sweep: str | None  # the id of the sweep that started the run

    @property
    def path(self) -> list[str]:
        """[entity, project, id], as W&B names a run."""
        return [self.entity, self.project, self.id]


class FullRunRow(RunRow, frozen=True):
    """One run as ``get_run`` reads it: also the environment captured at init
    (``metadata``) and the METRIC definitions (``define_metric``) it logged."""

    metadata: dict[str, Any]
    metrics: list[dict[str, Any]]


class RunsPage(msgspec.Struct, frozen=True):
    """One page of a project's runs; ``total`` counts every match."""

    total: int
    runs: list[RunRow]


# A statistic of a history key: the number, or (unless ``exact``) "NaN",
# "Infinity" or "-Infinity" for a non-finite one; None when there is none.
Stat = int | float | str | None


class MetricStats(msgspec.Struct, frozen=True):
    """A run's numeric history key: ``min`` and ``max`` ignore NaN (None when every
    value is NaN); ``last`` is the last value logged (None when not a number);
    ``count`` is how many values were logged."""

    min: Stat
    max: Stat
    last: Stat
    count: int


# One history row: ``_step``, ``_timestamp``, ``_runtime`` and the logged keys.
HistoryRow = dict[str, Any]


class HistoryPage(msgspec.Struct, frozen=True):
    """One page of a run's history (``history_page``): its rows, and the row number
    to start the next page at (None once the history is read to its end)."""

    rows: list[HistoryRow]
    next_row: int | None


class LogPage(msgspec.Struct, frozen=True):
    """Console lines read from line ``start`` (counting every line) to ``end``
    (the line count when read): ``matched`` of them pass the filters, and ``lines``
    holds the page of those asked for."""

    start: int
    end: int
    matched: int
    lines: list[LogLine]
