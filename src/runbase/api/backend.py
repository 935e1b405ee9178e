"""The read side's seam: what ``runbase.Api`` and its ``Run`` ask of a store.

``Backend`` is every query the public API makes, in one place; ``LocalBackend``
answers them from the local store (``runbase.store``), indexing new records
before each read. A team server over HTTP is the next implementation: the
``Api`` and ``Run`` classes stay as they are.

Values come back exact (NaN and inf as floats), as the public API shows them.
A run is named by an ``(entity, project, run_id)`` tuple.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

# Lazy (see runbase.store): a name loads its module at the first query.
from runbase.store import queries

if TYPE_CHECKING:
    from runbase.store import Store
    from runbase.store.fromfiles import FileRun
    from runbase.store.queries import (
        FullRunRow,
        HistoryPage,
        HistoryRow,
        LogLine,
        MetricStats,
        ProjectRow,
        RunFile,
        RunsPage,
        SystemSeries,
        TableData,
    )

RunKey = tuple[str, str, str]


class Backend(Protocol):
    """The queries behind ``runbase.Api``; a run or project that is not there
    gives None (``run``) or an empty answer, never an exception of its own."""

    @property
    def where(self) -> str:
        """Where the runs are, for messages (a folder, a server URL)."""
        ...

    @property
    def read_only(self) -> bool:
        """True when edits cannot be saved (they raise ``StoreError``)."""
        ...

    def projects(self, entity: str | None) -> list[ProjectRow]: ...

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
        """A page of runs and the total; ``fresh=False`` may skip looking for new records
        (later pages of one listing)."""
        ...

    def run(self, entity: str, project: str, run_id: str) -> FullRunRow | None: ...

    def metric_stats(
        self, entity: str, project: str, run_ids: list[str]
    ) -> dict[str, dict[str, MetricStats]]: ...

    def history(
        self, run: RunKey, keys: list[str] | None, samples: int | None
    ) -> list[HistoryRow]: ...

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
        """The rows among ``start_row .. start_row+limit-1`` that pass the filters, and
        the row to read on from (see ``queries.history_page``); ``fresh=False`` may
        skip looking for new records (later pages of one scan)."""
        ...

    def system_series(self, run: RunKey) -> SystemSeries: ...

    def logs(
        self,
        run: RunKey,
        offset: int = 0,
        limit: int | None = None,
        last: int | None = None,
        search: str | None = None,
        stream: str | None = None,
    ) -> list[LogLine]:
        """Console lines matching ``search``/``stream``, paged (see ``queries.logs``)."""
        ...

    def files(self, run: RunKey) -> list[RunFile]: ...

    def logged_table(self, run: RunKey, key: str, step: int | None) -> tuple[int, TableData]:
        """(step, rows) of the table logged under ``key`` at ``step`` (None: the latest);
        KeyError when there is none, ``queries.LoggedValueError`` when the key holds
        something else."""
        ...

    def update_run(self, entity: str, project: str, run_id: str, **changes: Any) -> FullRunRow: ...

    def delete_runs(self, entity: str, project: str, run_ids: list[str]) -> int: ...


class LocalBackend:
    """The local store at ``root`` (``url``: another database; default
    ``<root>/store.db``), opened at the first read that needs it so that a store
    that cannot be opened raises ``StoreError`` there.

    Until then, one run (``run``, ``history``) is read straight from its record
    files when they are small (``runbase.store.fromfiles``): the same answer,
    without importing the database layer, creating the store or indexing. The
    first read after a script logged a run costs its files, not the store's setup.
    """

    def __init__(self, root: Path, url: str | None = None) -> None:
        self.root = root
        self.url = url
        self._store_obj: Store | None = None
        self._lock = threading.Lock()
        # The last run read from its files, while none of them can change (see _from_files).
        self._file_run: tuple[RunKey, tuple[Any, ...], FileRun] | None = None

    def _store(self) -> Store:
        with self._lock:
            if self._store_obj is None:
                from runbase.store import open_store

                # None: the records folder's store.db (made, with the folder, if missing).
                self._store_obj = open_store(self.url, root=self.root)
            return self._store_obj

    def _absent(self) -> bool:
        """True while the store is the records folder's own and that folder does not exist:
        no run was ever logged there, so every read answers "none" without creating it."""
        return self._store_obj is None and self.url is None and not self.root.exists()

    def _fresh(self) -> Store:
        store = self._store()
        store.sync()
        return store

    def _from_files(self, run: RunKey) -> FileRun | None:
        """The run read from its record files, while this process has not opened the
        store (after that, the store answers: its setup is paid, and it is current)."""
        if self._store_obj is not None:
            return None
        from runbase.store import fromfiles

        cached = self._file_run
        if cached is not None and cached[0] == run:
            if fromfiles.unchanged(cached[1], self.root, run):
                return cached[2]
        found = fromfiles.read_run(self.root, *run)
        self._file_run = None
        if found is not None and found.signature is not None:
            self._file_run = (run, found.signature, found)
        return found

    @property
    def where(self) -> str:
        return str(self.root)

    @property
    def read_only(self) -> bool:
        if self._absent():
            return False  # nothing to read yet; the first run makes the folder
        return self._fresh().read_only  # a sync is what finds a disk that filled up

    def projects(self, entity: str | None) -> list[ProjectRow]:
        if self._absent():
            return []
        return queries.list_projects(self._fresh(), entity)

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
        if self._absent():
            from runbase.store.queries.results import RunsPage

            return RunsPage(total=0, runs=[])
        store = self._fresh() if fresh else self._store()
        return queries.query_runs(
            store, entity, project, filters=filters, order=order, limit=limit, offset=offset,
            exact=True,
        )  # fmt: skip

    def run(self, entity: str, project: str, run_id: str) -> FullRunRow | None:
        if self._absent():
            return None
        found = self._from_files((entity, project, run_id))
        if found is not None:
            return found.run
        return queries.get_run(self._fresh(), entity, project, run_id, exact=True)

    def metric_stats(
        self, entity: str, project: str, run_ids: list[str]
    ) -> dict[str, dict[str, MetricStats]]:
        if self._absent():
            return {}
        return queries.metric_stats(self._fresh(), entity, project, run_ids, exact=True)

    def history(self, run: RunKey, keys: list[str] | None, samples: int | None) -> list[HistoryRow]:
        found = self._from_files(run)
        if found is not None:
            return found.history(keys, samples)
        return queries.history(self._fresh(), run, keys=keys, samples=samples, exact=True)

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
        store = self._fresh() if fresh else self._store()
        return queries.history_page(
            store, run, keys=keys, start_row=start_row, limit=limit, min_step=min_step,
            max_step=max_step, exact=True,
        )  # fmt: skip

    def system_series(self, run: RunKey) -> SystemSeries:
        return queries.system_series(self._fresh(), run, exact=True)

    def logs(
        self,
        run: RunKey,
        offset: int = 0,
        limit: int | None = None,
        last: int | None = None,
        search: str | None = None,
        stream: str | None = None,
    ) -> list[LogLine]:
        return queries.logs(
            self._fresh(), run, offset=offset, limit=limit, last=last, search=search,
            stream=stream,
        )  # fmt: skip

    def files(self, run: RunKey) -> list[RunFile]:
        return queries.files(self._fresh(), run)

    def logged_table(self, run: RunKey, key: str, step: int | None) -> tuple[int, TableData]:
        store = self._fresh()
        at, pointer, _steps = queries.table_pointer(store, run, key, step)
        return at, queries.read_table(store, run, pointer)

    def update_run(self, entity: str, project: str, run_id: str, **changes: Any) -> FullRunRow:
        from runbase.store import edits

        # Indexed first: the run may have been read from its files so far. The edit
        # syncs the store again itself, so the answer shows it.
        return edits.update_run(self._fresh(), entity, project, run_id, exact=True, **changes)

    def delete_runs(self, entity: str, project: str, run_ids: list[str]) -> int:
        from runbase.store import edits

        return edits.delete_runs(self._fresh(), entity, project, run_ids)
