"""The change feed: what changed in the store since a cursor, so the web app
refetches only the queries a change touches instead of every page polling.

``GET /api/v1/changes?since=<cursor>`` answers the projects and runs that changed
after ``cursor`` and the cursor to pass next time. Without ``since`` it answers
only the current cursor. ``reset`` says the cursor is unknown here (a restarted
server, or so old that its events are gone): the client then refetches everything.

The server finds changes by comparing what it can read cheaply: every project's
run count and last activity (one query), and, in projects that changed or have
running runs, the runs that logged since the last look or are running (state,
history rows, last step, heartbeat, name, notes, tags). A run that stops running
without a record (it crashed) shows up as changed because it left the running
set. Edits made by another process (``Api.update()``) show once the run or its
project changes next; the app's own edits refetch at once in the client.

Artifacts change without run records (alias edits, ``artifact gc``): each look also
stats the artifact folders (``artifact_index.project_stamps``) and names the projects
whose artifacts changed.

``GET .../runs/{id}/logs/tail?start=N`` returns console lines from line ``N`` on,
so the Logs tab fetches only new lines when its run changes.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel

from runbase.server import artifact_index, shapes
from runbase.server.errors import BAD_INPUT, NOT_FOUND
from runbase.server.models import LogLine
from runbase.server.routes.logs import Limit, Search, Start, Stream
from runbase.store import queries

router = APIRouter(responses=BAD_INPUT)

MIN_SCAN_INTERVAL = 0.5  # seconds: many clients polling share one look at the store
MAX_EVENTS = 5000  # kept events; a cursor older than these gets ``reset``
MAX_TRACKED_RUNS = 1000  # runs compared per project and look; beyond: the whole project


class ProjectChange(BaseModel):
    entity: str
    project: str
    all_runs: bool = False  # too many runs changed to list: treat all as changed


class RunChange(BaseModel):
    entity: str
    project: str
    id: str


class ArtifactsChange(BaseModel):
    entity: str
    project: str


class Changes(BaseModel):
    cursor: int
    reset: bool = False
    projects: list[ProjectChange] = []
    runs: list[RunChange] = []
    # Projects whose artifact versions, aliases or uses changed (no run record says so).
    artifacts: list[ArtifactsChange] = []


class LogTail(BaseModel):
    start: int  # the line index this answer starts at
    end: int  # pass as ``start`` next time
    matched: int  # lines in [start, end) matching ``search``
    lines: list[LogLine]  # the last ``limit`` of them


ProjectKey = tuple[str, str]


def _run_stamp(run: queries.RunRow) -> tuple[Any, ...]:
    return (
        run.state,
        run.history_rows,
        run.last_step,
        run.heartbeat_at,
        run.name,
        run.notes,
        tuple(run.tags),
    )


class ChangeFeed:
    """Events numbered by a counter that starts at the server's start time in ms,
    so a cursor from an earlier server process is older than every event here."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.seq = int(time.time() * 1000)
        self._floor = self.seq  # cursors below this have lost events
        self._events: deque[tuple[int, str, tuple[Any, ...]]] = deque()
        self._projects: dict[ProjectKey, tuple[Any, ...]] | None = None
        self._stamps: dict[ProjectKey, dict[str, tuple[Any, ...]]] = {}
        self._last_scan = 0.0
        self._artifacts: dict[ProjectKey, int] | None = None

    def since(self, store: Any, cursor: int | None) -> Changes:
        """Look at the store (at most every MIN_SCAN_INTERVAL) and answer from ``cursor``."""
        with self._lock:
            if time.monotonic() - self._last_scan >= MIN_SCAN_INTERVAL:
                self._scan(store)
                self._last_scan = time.monotonic()
            if cursor is None:
                return Changes(cursor=self.seq)
            if cursor < self._floor or cursor > self.seq:
                return Changes(cursor=self.seq, reset=True)
            projects: dict[ProjectKey, bool] = {}
            runs: dict[tuple[str, str, str], None] = {}
            artifacts: dict[ProjectKey, None] = {}
            for seq, kind, key in self._events:
                if seq <= cursor:
                    continue
                if kind == "project":
                    projects[key[:2]] = projects.get(key[:2], False) or key[2]
                elif kind == "artifacts":
                    artifacts[key] = None
                else:
                    runs[key] = None
            return Changes(
                cursor=self.seq,
                projects=[
                    ProjectChange(entity=e, project=p, all_runs=a) for (e, p), a in projects.items()
                ],
                runs=[RunChange(entity=e, project=p, id=r) for e, p, r in runs],
                artifacts=[ArtifactsChange(entity=e, project=p) for e, p in artifacts],
            )

    def _emit(self, kind: str, key: tuple[Any, ...]) -> None:
        self.seq += 1
        if len(self._events) >= MAX_EVENTS:
            self._floor = self._events.popleft()[0]
        self._events.append((self.seq, kind, key))

    def _scan_artifacts(self, root: Any) -> None:
        now = artifact_index.project_stamps(root)
        before, self._artifacts = self._artifacts, now
        if before is not None:
            for key in sorted(k for k in now.keys() | before.keys() if now.get(k) != before.get(k)):
                self._emit("artifacts", key)

    def _scan(self, store: Any) -> None:
        self._scan_artifacts(store.root)
        now = {
            (p.entity, p.project): (p.run_count, p.last_activity)
            for p in queries.list_projects(store)
        }
        before = self._projects
        self._projects = now
        if before is None:
            # The first look is the baseline: remember which runs are running.
            for key in now:
                self._stamps[key] = self._look(store, key, None)[0]
            return
        changed = {k for k in now.keys() | before.keys() if now.get(k) != before.get(k)}
        watched = {
            k
            for k, stamps in self._stamps.items()
            if any(s[0] == "running" for s in stamps.values())
        }
        for key in sorted(changed | watched):
            if key not in now:
                self._stamps.pop(key, None)
                self._emit("project", (*key, True))
                continue
            old = self._stamps.get(key, {})
            since_t = before[key][1] if key in before else None
            stamps, complete = self._look(store, key, since_t)
            self._stamps[key] = stamps
            moved = [rid for rid, s in stamps.items() if old.get(rid) != s]
            # A running run missing now stopped without a record (crashed, deleted).
            moved += [rid for rid, s in old.items() if s[0] == "running" and rid not in stamps]
            if moved or key in changed:
                self._emit("project", (*key, not complete))
            for rid in moved:
                self._emit("run", (*key, rid))

    def _look(
        self, store: Any, key: ProjectKey, since_t: float | None
    ) -> tuple[dict[str, tuple[Any, ...]], bool]:
        """Stamps of the project's running runs and of those active since ``since_t``."""
        flt: dict[str, Any] = {"state": "running"}
        if since_t is not None:
            flt = {"$or": [flt, {"heartbeat_at": {"$gte": since_t}}]}
        res = queries.query_runs(
            store, *key, filters=flt, order="-created_at", limit=MAX_TRACKED_RUNS
        )
        stamps = {r.id: _run_stamp(r) for r in res.runs}
        return stamps, res.total <= MAX_TRACKED_RUNS


def change_feed(request: Request) -> ChangeFeed:
    """The app's one ``ChangeFeed`` (made on first use), which every caller's answer
    comes from: the local server's route and the team server's per-caller one."""
    state = request.app.state
    feed = getattr(state, "change_feed", None)
    if feed is None:
        feed = state.change_feed = ChangeFeed()
    return feed


@router.get("/changes", tags=["changes"], response_model=Changes)
def changes(
    request: Request,
    since: Annotated[int | None, Query(description="the cursor of the previous answer")] = None,
) -> Changes:
    """Projects and runs that changed after ``since``; poll it every few seconds."""
    store = request.app.state.store.fresh()
    return change_feed(request).since(store, since)


@router.get(
    "/projects/{entity}/{project}/runs/{run_id}/logs/tail",
    tags=["logs"],
    response_model=LogTail,
    responses=NOT_FOUND,
)
def logs_tail(
    request: Request,
    entity: str,
    project: str,
    run_id: str,
    start: Start = 0,
    search: Search = None,
    stream: Stream = None,
    limit: Limit = 10_000,
) -> LogTail:
    """Console lines from line ``start`` on: the last ``limit`` that match the filters."""
    store = request.app.state.store.fresh()
    run = queries.get_run(store, entity, project, run_id)
    if run is None:
        raise HTTPException(404, f"no run {entity}/{project}/{run_id}")
    page = queries.log_page(store, run, start=start, limit=limit, search=search, stream=stream)
    return LogTail(
        start=page.start,
        end=page.end,
        matched=page.matched,
        lines=[LogLine(**ln) for ln in shapes.logs_out(page.lines)],
    )
