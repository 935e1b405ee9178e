"""Reading the store: what the Api, the web server and the CLI show.

Functions return the typed results of ``results.py``: msgspec Structs (a run
is a ``RunRow``, or a ``FullRunRow`` from ``get_run``) in which what the user
named stays a dict (config, summary, metadata; a history row is a
``HistoryRow`` dict). By default they are JSON-ready:
non-finite floats in config, summary, metadata and history rows come back as
the strings "NaN", "Infinity", "-Infinity", and as None in chart arrays. Pass
``exact=True`` (as ``runbase.Api`` does) to get the logged floats back.

Reads do not index: call ``store.sync()`` first (the web server does it at most
once a second, the Api before each read). Writes (``update_run``,
``delete_runs``) live in ``runbase.store.edits``: they go through the record
files and sync themselves, so the queries never import the indexer.

A run is named by ``run``: ``"entity/project/run_id"``, an (entity, project,
run_id) tuple, a ``RunRow`` from these functions, or a dict with its ``entity``,
``project`` and ``id`` (a run as the HTTP API sends it).

Each group of functions lives in its own module; this one gathers them so
callers (``runbase.Api``, the web server, the CLI) import one name. Each name
loads its module on first use (see ``runbase.store``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from runbase.store.queries.chart_series import series, series_of_runs
    from runbase.store.queries.console import log_page, log_pages, logs
    from runbase.store.queries.environment import files, local_file, system_series
    from runbase.store.queries.history_rows import history
    from runbase.store.queries.history_scan import history_page
    from runbase.store.queries.logged_media import (
        KeyValues,
        LoggedValueError,
        TableData,
        is_missing,
        is_table,
        key_values,
        parse_table_json,
        read_table,
        table_pointer,
    )
    from runbase.store.queries.media import (
        MediaItem,
        MediaKey,
        media_at_step,
        media_keys_of,
        media_step_union,
        media_steps,
    )
    from runbase.store.queries.projectstats import (
        field_values,
        history_versions,
        metric_keys,
        metric_stats,
        project_columns,
    )
    from runbase.store.queries.results import (
        FullRunRow,
        GroupCount,
        GroupCounts,
        HistoryPage,
        HistoryRow,
        LogLine,
        LogPage,
        MetricKey,
        MetricStats,
        ProjectColumns,
        ProjectRow,
        RunFile,
        RunRow,
        RunsPage,
        Series,
        Stat,
        SystemSeries,
    )
    from runbase.store.queries.runref import RunNotFound, RunRef
    from runbase.store.queries.runs import (
        CountingPage,
        filters_order,
        filters_where,
        get_run,
        group_counts,
        group_order,
        list_projects,
        query_runs,
        query_runs_counting,
        tag_counts,
    )

_HOME = {
    "FullRunRow": "results",
    "GroupCount": "results",
    "GroupCounts": "results",
    "HistoryPage": "results",
    "HistoryRow": "results",
    "KeyValues": "logged_media",
    "LoggedValueError": "logged_media",
    "TableData": "logged_media",
    "is_missing": "logged_media",
    "is_table": "logged_media",
    "key_values": "logged_media",
    "parse_table_json": "logged_media",
    "read_table": "logged_media",
    "table_pointer": "logged_media",
    "LogLine": "results",
    "LogPage": "results",
    "MediaItem": "media",
    "MediaKey": "media",
    "MetricKey": "results",
    "MetricStats": "results",
    "ProjectColumns": "results",
    "ProjectRow": "results",
    "RunFile": "results",
    "RunNotFound": "runref",
    "RunRef": "runref",
    "RunRow": "results",
    "RunsPage": "results",
    "Series": "results",
    "Stat": "results",
    "SystemSeries": "results",
    "field_values": "projectstats",
    "files": "environment",
    "filters_order": "runs",
    "filters_where": "runs",
    "get_run": "runs",
    "group_counts": "runs",
    "group_order": "runs",
    "tag_counts": "runs",
    "history": "history_rows",
    "history_page": "history_scan",
    "history_versions": "projectstats",
    "list_projects": "runs",
    "local_file": "environment",
    "log_page": "console",
    "log_pages": "console",
    "logs": "console",
    "media_at_step": "media",
    "media_keys_of": "media",
    "media_step_union": "media",
    "media_steps": "media",
    "metric_keys": "projectstats",
    "metric_stats": "projectstats",
    "project_columns": "projectstats",
    "CountingPage": "runs",
    "query_runs": "runs",
    "query_runs_counting": "runs",
    "series": "chart_series",
    "series_of_runs": "chart_series",
    "system_series": "environment",
}

__all__ = [
    "FullRunRow",
    "GroupCount",
    "GroupCounts",
    "HistoryPage",
    "HistoryRow",
    "KeyValues",
    "LoggedValueError",
    "TableData",
    "is_missing",
    "is_table",
    "key_values",
    "parse_table_json",
    "read_table",
    "table_pointer",
    "MetricKey",
    "MetricStats",
    "ProjectColumns",
    "RunRow",
    "RunsPage",
    "Stat",
    "Series",
    "LogLine",
    "LogPage",
    "MediaItem",
    "MediaKey",
    "ProjectRow",
    "RunFile",
    "SystemSeries",
    "RunNotFound",
    "RunRef",
    "field_values",
    "files",
    "filters_order",
    "filters_where",
    "get_run",
    "group_counts",
    "group_order",
    "history",
    "history_page",
    "history_versions",
    "list_projects",
    "local_file",
    "log_page",
    "log_pages",
    "logs",
    "media_at_step",
    "media_keys_of",
    "media_step_union",
    "media_steps",
    "metric_keys",
    "metric_stats",
    "project_columns",
    "CountingPage",
    "query_runs",
    "query_runs_counting",
    "series",
    "series_of_runs",
    "system_series",
    "tag_counts",
]


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
