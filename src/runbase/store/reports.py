"""Reports: pages a person writes about a project's runs, markdown between grids of panels.

Like saved views (``views.py``), a report is state a person wrote, not something
indexed from run records: each report is one document of ``store.documents``
(``documents.py``): on ``runbase ui`` the file
``RUNBASE_DIR/reports/<entity>/<project>/<id>.json``, on the team server a row of
its database, changed whole under a lock, so two servers or two requests editing
one report never leave half of it or lose a change. One document per report, not
per project: a report is larger than a view, and saving one does not rewrite the others.

A report is a title and a list of blocks: a markdown block holds text, a panel-grid
block holds panel specs (the web app's ``PanelSpec``, opaque here) and the runs they
draw: a saved view's, or a filter of the project's runs.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import msgspec

from runbase.store.documents import (
    DocumentConflict,
    DocumentError,
    DocumentNotFound,
    FileDocuments,
)
from runbase.store.store import Store

MAX_REPORT_BYTES = 1024 * 1024
MAX_REPORTS = 500
MAX_BLOCKS = 200
MAX_TITLE = 200
MAX_RUNS = 100
_ID = re.compile(r"[0-9a-f]{12}")
KIND = "reports"


class ReportError(DocumentError):
    """A report cannot be saved as asked (bad title, too big, too many), or its file is damaged."""


class ReportNotFound(DocumentNotFound):
    """No report with that id in the project."""


class ReportConflict(DocumentConflict):
    """The report was saved by someone else since the version an edit started from."""


class RunSource(msgspec.Struct, forbid_unknown_fields=True):
    """The runs a panel grid draws: a saved view's (``view``), or the project's runs
    matching ``filters`` (the web app's filter state) and ``search``; at most ``max_runs``."""

    view: str | None = None
    filters: dict[str, Any] | None = None
    search: str = ""
    max_runs: int = 10


class MarkdownBlock(msgspec.Struct, tag="markdown", tag_field="type", forbid_unknown_fields=True):
    id: str
    text: str = ""


class PanelsBlock(msgspec.Struct, tag="panels", tag_field="type", forbid_unknown_fields=True):
    id: str
    runs: RunSource = msgspec.field(default_factory=RunSource)
    panels: list[dict[str, Any]] = msgspec.field(default_factory=list)


Block = MarkdownBlock | PanelsBlock


class Report(msgspec.Struct):
    id: str
    title: str
    blocks: list[Block]
    created_at: float
    updated_at: float


def reports_dir(root: Path, entity: str, project: str) -> Path:
    """The folder holding a project's reports on ``runbase ui``."""
    return report_path(root, entity, project, "x").parent


def report_path(root: Path, entity: str, project: str, report_id: str) -> Path:
    return FileDocuments(root).path(KIND, entity, project, report_id)


def list_reports(store: Store, entity: str, project: str) -> list[Report]:
    """The project's reports, most recently updated first."""
    out = []
    for rid in store.documents.keys(KIND, entity, project):
        if not _ID.fullmatch(rid):
            continue
        try:
            out.append(get_report(store, entity, project, rid))
        except ReportNotFound:
            continue  # deleted while listing
    return sorted(out, key=lambda r: r.updated_at, reverse=True)


def get_report(store: Store, entity: str, project: str, report_id: str) -> Report:
    if not _ID.fullmatch(report_id):  # also keeps the id from naming another path
        raise ReportNotFound(f"no report {report_id!r} in {entity}/{project}")
    data = store.documents.read(KIND, entity, project, report_id)
    return _decode(store, entity, project, report_id, data)


def _decode(store: Store, entity: str, project: str, report_id: str, data: bytes | None) -> Report:
    if data is None:
        raise ReportNotFound(f"no report {report_id!r} in {entity}/{project}")
    try:
        return msgspec.json.decode(data, type=Report)
    except msgspec.DecodeError as e:
        where = store.documents.where(KIND, entity, project, report_id)
        raise ReportError(f"{where} is damaged ({e}); fix or delete it to start afresh") from None


def create_report(
    store: Store, entity: str, project: str, title: str, blocks: list[Block] | None = None
) -> Report:
    """Save a new report; its id is random, so its URL is not guessable from others'."""
    now = time.time()
    report = Report(secrets.token_hex(6), _title(title), list(blocks or []), now, now)
    data = _check(report)
    with store.writing("save reports"):
        if len(store.documents.keys(KIND, entity, project)) >= MAX_REPORTS:
            raise ReportError(
                f"{entity}/{project} has {MAX_REPORTS} reports, the most it can keep; "
                "delete one first"
            )
        store.documents.change(KIND, entity, project, report.id, lambda _: data)
    return report


def update_report(
    store: Store,
    entity: str,
    project: str,
    report_id: str,
    title: str | None = None,
    blocks: list[Block] | None = None,
    base: float | None = None,
) -> Report:
    """Retitle a report and/or replace its blocks; returns the report as saved.

    ``base``: the ``updated_at`` of the version the edit started from. When the report
    was saved since (someone else's edit), nothing is saved: ReportConflict, rather
    than one person's whole block list silently replacing the other's."""

    def edit(r: Report) -> None:
        if base is not None and base != r.updated_at:
            raise ReportConflict(
                f"the report {report_id!r} was changed by someone else since you opened it; "
                "reload it to see their change, then edit again"
            )
        if title is not None:
            r.title = _title(title)
        if blocks is not None:
            r.blocks = list(blocks)

    return _change(store, entity, project, report_id, edit)


def delete_report(store: Store, entity: str, project: str, report_id: str) -> None:
    get_report(store, entity, project, report_id)
    with store.writing("delete reports"):
        store.documents.change(KIND, entity, project, report_id, lambda _: None)


def to_blocks(raw: list[dict[str, Any]]) -> list[Block]:
    """Blocks from JSON-shaped dicts (the server's request body), with a clear error."""
    try:
        return msgspec.convert(raw, type=list[Block])
    except msgspec.ValidationError as e:
        raise ReportError(f"a block is not valid: {e}") from None


def _title(title: str) -> str:
    title = title.strip()
    if not title:
        raise ReportError("a report needs a title")
    if len(title) > MAX_TITLE:
        raise ReportError(f"a report title has at most {MAX_TITLE} characters")
    return title


def _check(report: Report) -> bytes:
    if len(report.blocks) > MAX_BLOCKS:
        raise ReportError(f"a report has at most {MAX_BLOCKS} blocks; split it in two")
    ids = [b.id for b in report.blocks]
    if len(set(ids)) != len(ids):
        raise ReportError("two blocks of the report have the same id; give each its own")
    for b in report.blocks:
        if isinstance(b, PanelsBlock) and not 1 <= b.runs.max_runs <= MAX_RUNS:
            raise ReportError(f"a panel grid draws 1 to {MAX_RUNS} runs (max_runs)")
    data = msgspec.json.encode(report)
    if len(data) > MAX_REPORT_BYTES:
        raise ReportError(
            f"the report is {len(data)} bytes, more than the {MAX_REPORT_BYTES} a report "
            "may keep; split it in two"
        )
    return data


def _change(
    store: Store, entity: str, project: str, report_id: str, fn: Callable[[Report], None]
) -> Report:
    get_report(store, entity, project, report_id)  # 404 before taking a lock
    saved: list[Report] = []

    def apply(data: bytes | None) -> bytes:
        report = _decode(store, entity, project, report_id, data)  # deleted meanwhile: 404
        fn(report)
        report.updated_at = time.time()
        saved.append(report)
        return _check(report)

    with store.writing("save reports"):
        store.documents.change(KIND, entity, project, report_id, apply)
    return saved[0]
