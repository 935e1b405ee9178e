"""The runs table as CSV: run fields, then every config and summary key seen."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

RUN_FIELDS = [
    "id",
    "name",
    "state",
    "created_at",
    "runtime",
    "user",
    "host",
    "tags",
    "group",
    "job_type",
    "sweep",
    "notes",
]


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v, default=str)
    return str(v)


def runs_csv(pages: Iterable[list[dict[str, Any]]]) -> Iterator[str]:
    """CSV text, one chunk per page of runs (the header lists every key of every page)."""
    pages = list(pages)
    config_keys: dict[str, None] = {}
    summary_keys: dict[str, None] = {}
    for page in pages:
        for run in page:
            config_keys.update(dict.fromkeys(run.get("config") or {}))
            summary_keys.update(dict.fromkeys(run.get("summary") or {}))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(
        RUN_FIELDS + [f"config.{k}" for k in config_keys] + [f"summary.{k}" for k in summary_keys]
    )
    yield buf.getvalue()
    for page in pages:
        buf = io.StringIO()
        w = csv.writer(buf)
        for run in page:
            cfg = run.get("config") or {}
            summ = run.get("summary") or {}
            row = [_cell(" ".join(run["tags"]) if f == "tags" else run.get(f)) for f in RUN_FIELDS]
            row += [_cell(cfg.get(k)) for k in config_keys]
            row += [_cell(summ.get(k)) for k in summary_keys]
            w.writerow(row)
        yield buf.getvalue()
