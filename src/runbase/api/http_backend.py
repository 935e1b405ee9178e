"""``HttpBackend``: the ``Backend`` of ``runbase.Api`` over a team server's HTTP API.

Runs, history and system samples come from the ``/exact`` routes (the store's own
results as MessagePack, so values equal a local store's), and edits go to their
``/edit`` route; projects, logs and files use the routes the web app uses. A run
or project the key may not see answers as one that does not exist (the server
sends 404 for both).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import msgspec

from runbase.api.http_client import Http
from runbase.errors import StoreError
from runbase.store.queries.results import (
    FullRunRow,
    HistoryPage,
    LogLine,
    MetricStats,
    ProjectRow,
    RunFile,
    RunsPage,
    SystemSeries,
)

if TYPE_CHECKING:
    from runbase.api.backend import RunKey
    from runbase.store.queries import HistoryRow, TableData

_LOG_PAGE = 100_000  # the logs route's largest page
_RUNS_PAGE = 1000  # the runs route's largest page


def _p(*parts: str) -> str:
    return "/".join(quote(p, safe="") for p in parts)


class HttpBackend:
    """Runs on the team server at ``base_url``, read with ``api_key``."""

    def __init__(self, base_url: str, api_key: str | None, timeout: float | None = None) -> None:
        self.http = Http(base_url, api_key, timeout)

    @property
    def where(self) -> str:
        return self.http.base_url

    @property
    def read_only(self) -> bool:
        return False  # whether a key may change a project is the server's answer

    def _exact(self, path: str, typ: Any, **params: Any) -> Any:
        r = self.http.get(path, **params)
        return None if r is None else msgspec.msgpack.decode(r.content, type=typ)

    def _ex(self, entity: str, project: str, *rest: str) -> str:
        return "projects/" + _p(entity, project) + "/exact/" + "/".join(rest)

    def _run(self, run: RunKey, *rest: str) -> str:
        return "projects/" + _p(*run[:2]) + "/runs/" + _p(run[2], *rest)

    def projects(self, entity: str | None) -> list[ProjectRow]:
        r = self.http.get("projects")
        rows = [] if r is None else r.json()["projects"]
        found = [msgspec.convert(p, ProjectRow) for p in rows]
        return [p for p in found if entity is None or p.entity == entity]

    def runs(
        self,
        entity: str,
        project: str,
        filters: dict[str, Any] | None,
        order: str | None,
        limit: int,
        offset: int,
        fresh: bool = True,
    ) -> RunsPage:
        # The route sends at most _RUNS_PAGE runs: a bigger per_page is several requests.
        runs: list[Any] = []
        total = 0
        while True:
            want = min(_RUNS_PAGE, limit - len(runs))
            page = self._exact(
                self._ex(entity, project, "runs"), RunsPage,
                filters=json.dumps(filters) if filters else None, order=order, limit=want,
                offset=offset + len(runs),
            )  # fmt: skip
            if page is None:
                return RunsPage(total=0, runs=[])
            total = page.total
            runs.extend(page.runs)
            if len(page.runs) < want or len(runs) >= limit:
                return RunsPage(total=total, runs=runs)

    def run(self, entity: str, project: str, run_id: str) -> FullRunRow | None:
        found: FullRunRow | None = self._exact(
            self._ex(entity, project, "runs", quote(run_id, safe="")), FullRunRow
        )
        return found

    def metric_stats(
        self, entity: str, project: str, run_ids: list[str]
    ) -> dict[str, dict[str, MetricStats]]:
        found = self._exact(
            self._ex(entity, project, "stats"), dict[str, dict[str, MetricStats]], ids=run_ids
        )
        return found or {}

    def _run_ex(self, run: RunKey, *rest: str) -> str:
        return self._ex(run[0], run[1], "runs", quote(run[2], safe=""), *rest)

    def history(self, run: RunKey, keys: list[str] | None, samples: int | None) -> list[HistoryRow]:
        keys_q = json.dumps(keys) if keys is not None else None
        rows = self._exact(self._run_ex(run, "history"), list[dict[str, Any]], keys=keys_q,
                           samples=samples)  # fmt: skip
        return rows or []

    def history_page(
        self,
        run: RunKey,
        keys: list[str] | None,
        start_row: int,
        limit: int,
        min_step: int | None,
        max_step: int | None,
        fresh: bool = True,
    ) -> HistoryPage:
        page = self._exact(
            self._run_ex(run, "history", "page"), HistoryPage,
            keys=json.dumps(keys) if keys is not None else None, start_row=start_row,
            limit=min(limit, 100_000), min_step=min_step, max_step=max_step,
        )  # fmt: skip
        return page if page is not None else HistoryPage(rows=[], next_row=None)

    def system_series(self, run: RunKey) -> SystemSeries:
        found = self._exact(self._run_ex(run, "system"), SystemSeries)
        return found if found is not None else SystemSeries(time=[], runtime=[], metrics={})

    def logs(
        self,
        run: RunKey,
        offset: int = 0,
        limit: int | None = None,
        last: int | None = None,
        search: str | None = None,
        stream: str | None = None,
    ) -> list[LogLine]:
        path = self._run(run, "logs")
        if (last is not None and last <= 0) or (limit is not None and limit <= 0):
            return []
        if last is not None:
            return self._log_page(path, None, max(1, min(last, _LOG_PAGE)), search, stream)
        out: list[LogLine] = []
        while limit is None or len(out) < limit:
            want = _LOG_PAGE if limit is None else min(_LOG_PAGE, limit - len(out))
            page = self._log_page(path, offset + len(out), want, search, stream)
            out.extend(page)
            if len(page) < want:
                break
        return out

    def _log_page(
        self, path: str, offset: int | None, limit: int, search: str | None, stream: str | None
    ) -> list[LogLine]:
        r = self.http.get(path, offset=offset, limit=limit, search=search, stream=stream)
        lines = [] if r is None else r.json()["lines"]
        return [LogLine(time=ln["t"], stream=ln["stream"], line=ln["line"]) for ln in lines]

    def files(self, run: RunKey) -> list[RunFile]:
        r = self.http.get(self._run(run, "files"))
        rows = [] if r is None else r.json()["files"]
        # local_path: where the file is on the server; File.download fetches it instead.
        return [
            RunFile(
                name=f["path"], size=f["size"], policy=f["policy"], time=f["time"], local_path=""
            )  # fmt: skip
            for f in rows
        ]

    def download_file(self, run: RunKey, name: str, dest: Path) -> None:
        """Write the run's file ``name`` to ``dest`` (streamed)."""
        path = self._run(run, "files") + "/" + quote(name)
        with self.http.client.stream("GET", path, params={"download": "1"}) as r:
            if r.status_code == 404:
                raise FileNotFoundError(f"{name} is no longer stored with run {'/'.join(run)}")
            if r.status_code >= 400:
                r.read()
                self.http.request("GET", path)  # raises the error that status means
            dest.parent.mkdir(parents=True, exist_ok=True)
            with dest.open("wb") as f:
                for chunk in r.iter_bytes():
                    f.write(chunk)

    def logged_table(self, run: RunKey, key: str, step: int | None) -> tuple[int, TableData]:
        raise StoreError(
            f"run.table() is not supported over HTTP yet ({self.where}): download the "
            "table's file with run.file(...).download() instead"
        )

    def update_run(self, entity: str, project: str, run_id: str, **changes: Any) -> FullRunRow:
        # json.dumps, not httpx's json=: it writes NaN and inf, which the server reads back.
        body = json.dumps(changes).encode()
        r = self.http.request(
            "POST", self._ex(entity, project, "runs", quote(run_id, safe=""), "edit"),
            content=body, headers={"content-type": "application/json"},
        )  # fmt: skip
        if r is None:
            raise self._gone(entity, project, run_id)
        found: FullRunRow = msgspec.msgpack.decode(r.content, type=FullRunRow)
        return found

    def _gone(self, entity: str, project: str, run_id: str) -> Exception:
        from runbase.api.api import RunNotFoundError

        return RunNotFoundError(f"could not find run {entity}/{project}/{run_id} in {self.where}")

    def delete_runs(self, entity: str, project: str, run_ids: list[str]) -> int:
        path = "projects/" + _p(entity, project) + "/runs/delete"
        r = self.http.request("POST", path, json={"ids": run_ids})
        return 0 if r is None else int(r.json()["deleted"])
