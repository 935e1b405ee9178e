"""``runbase.Api``: W&B's public API (``wandb.Api``) over a backend (``backend.py``):
the local store, or a team server over HTTP (``http_backend.py``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runbase.api.backend import Backend, LocalBackend
from runbase.api.run import Run
from runbase.errors import CommError, RunNotFound, StoreError
from runbase.records.layout import default_entity, runbase_dir

if TYPE_CHECKING:
    from runbase.store.queries import ProjectRow


class RunNotFoundError(CommError, RunNotFound):
    """No run at the path given to ``Api.run``."""


class Project:
    """A project with runs (``api.projects()``)."""

    def __init__(self, api: Api, data: ProjectRow) -> None:
        self._api = api
        self.entity: str = data.entity
        self.name: str = data.project
        self.run_count: int = data.run_count
        self.created_at: float | None = data.created_at
        self.last_activity: float | None = data.last_activity

    @property
    def path(self) -> list[str]:
        return [self.entity, self.name]

    def runs(self, **kwargs: Any) -> Runs:
        """The project's runs (same arguments as ``Api.runs``)."""
        return self._api.runs(f"{self.entity}/{self.name}", **kwargs)

    def __repr__(self) -> str:
        return f"<Project {self.entity}/{self.name} ({self.run_count} runs)>"


class Runs:
    """A project's runs matching a filter: iterable, indexable, with ``len()``.

    Pages of ``per_page`` runs are read as iteration reaches them.
    """

    def __init__(
        self,
        api: Api,
        entity: str,
        project: str,
        filters: dict[str, Any] | None,
        order: str | None,
        per_page: int,
    ) -> None:
        self._api = api
        self.entity = entity
        self.project = project
        self.filters = filters
        self.order = order
        self.per_page = max(1, int(per_page))
        self._pages: dict[int, list[Run]] = {}
        self._total: int | None = None
        # Validate now, so a bad filter fails at the call that passed it.
        self._page(0)

    def _page(self, number: int) -> list[Run]:
        page = self._pages.get(number)
        if page is None:
            # Later pages read the index as it was: new runs do not shift them.
            result = self._api.backend.runs(
                self.entity,
                self.project,
                self.filters,
                self.order,
                limit=self.per_page,
                offset=number * self.per_page,
                fresh=number == 0,
            )
            self._total = result.total
            page = self._pages[number] = [Run(self._api, r) for r in result.runs]
        return page

    def __len__(self) -> int:
        if self._total is None:
            self._page(0)
        return self._total or 0

    @property
    def length(self) -> int:
        return len(self)

    def __iter__(self) -> Iterator[Run]:
        number = 0
        while True:
            page = self._page(number)
            yield from page
            if len(page) < self.per_page:
                return
            number += 1

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        n = len(self)
        if index < 0:
            index += n
        if not 0 <= index < n:
            raise IndexError(f"run index {index} out of range ({n} runs)")
        return self._page(index // self.per_page)[index % self.per_page]

    def __repr__(self) -> str:
        return f"<Runs {self.entity}/{self.project} ({len(self)})>"


class Api:
    """Read and edit runs in the local store (the folder ``RUNBASE_DIR``, default ``~/.runbase``).

    ``overrides`` may set ``entity`` and ``project`` (defaults for shortened
    paths) and ``store`` (a database URL; default ``<root>/store.db``).
    ``root`` is the folder of record files. A store that cannot be opened raises
    ``runbase.errors.StoreError`` (at the first read) with a message that says what to do.
    ``backend`` replaces the local store with another source of runs (``Backend``).

    ``overrides={"base_url": URL}`` (or RUNBASE_BASE_URL / WANDB_BASE_URL when no
    ``root`` is given) reads from a team server over HTTP instead, with ``api_key``
    (else RUNBASE_API_KEY / WANDB_API_KEY, else the key ``runbase login`` stored).
    """

    def __init__(
        self,
        overrides: dict[str, Any] | None = None,
        root: str | os.PathLike[str] | None = None,
        timeout: float | None = None,
        api_key: str | None = None,
        *,
        backend: Backend | None = None,
        base_url: str | None = None,
    ) -> None:
        self.settings: dict[str, Any] = dict(overrides or {})
        if base_url:
            self.settings["base_url"] = base_url
        self.root = Path(root).expanduser() if root is not None else runbase_dir()
        self.default_entity: str = (
            self.settings.get("entity")
            or os.environ.get("RUNBASE_ENTITY")
            or os.environ.get("WANDB_ENTITY")
            or default_entity()
        )
        self.default_project: str | None = self.settings.get("project")
        self.base_url: str | None = None  # the team server read from, if any
        self.backend: Backend = backend or self._backend(root, api_key, timeout)

    def _backend(self, root: Any, api_key: str | None, timeout: float | None) -> Backend:
        """A team server's HTTP API when a base URL is given (overrides, or the
        environment when no ``root`` is), else the local store."""
        url = self.settings.get("base_url")
        if not url and root is None and "store" not in self.settings:
            url = os.environ.get("RUNBASE_BASE_URL") or os.environ.get("WANDB_BASE_URL")
        if not url:
            return LocalBackend(self.root, self.settings.get("store"))
        # Here, not at the top: a local Api loads no HTTP client.
        from runbase.api import http_client
        from runbase.api.http_backend import HttpBackend

        self.base_url = url

        return HttpBackend(url, http_client.resolve_key(url, api_key), timeout)

    @property
    def read_only(self) -> bool:
        """True when the store cannot be written (a read-only folder or file, a full
        disk): the runs already indexed can be read, new records are not indexed and
        edits raise ``StoreError``. A warning says why the first time it matters."""
        return self.backend.read_only

    def flush(self) -> None:
        """Kept for W&B compatibility: every read already sees the latest records."""

    def _local_only(self, what: str) -> None:
        """Sweeps and artifacts are read from the records folder: not from a server yet."""
        if self.base_url:
            raise StoreError(
                f"{what} cannot be read from a team server yet ({self.base_url}): "
                "use runbase.Api(root=...) on the machine that logged them"
            )

    def _not_found(self, path: list[str]) -> RunNotFoundError:
        return RunNotFoundError(f"could not find run {'/'.join(path)} in {self.backend.where}")

    # ---- paths ----------------------------------------------------------

    def _project_path(self, path: str | None) -> tuple[str, str]:
        if path is None or path == "":
            if not self.default_project:
                raise ValueError(
                    "give a project path ('entity/project' or 'project'), or set "
                    "overrides={'project': ...}"
                )
            return self.default_entity, self.default_project
        if not isinstance(path, str):
            raise ValueError(f"a project path is a string, got {path!r}")
        parts = path.strip("/").split("/")
        if len(parts) == 1 and parts[0]:
            return self.default_entity, parts[0]
        if len(parts) == 2 and all(parts):
            return parts[0], parts[1]
        raise ValueError(f"a project path is 'entity/project' or 'project', got {path!r}")

    def _run_path(self, path: str) -> tuple[str, str, str]:
        if not isinstance(path, str):
            raise ValueError(f"a run path is a string, got {path!r}")
        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[2] == "runs":
            parts = [parts[0], parts[1], parts[3]]
        if any(not p for p in parts):
            parts = []
        if len(parts) == 3:
            return parts[0], parts[1], parts[2]
        if len(parts) == 2:
            return self.default_entity, parts[0], parts[1]
        if len(parts) == 1 and self.default_project:
            return self.default_entity, self.default_project, parts[0]
        raise ValueError(f"a run path is 'entity/project/run_id' or 'project/run_id', got {path!r}")

    # ---- reading ----------------------------------------------------------

    def run(self, path: str) -> Run:
        """One run by ``"entity/project/run_id"`` (or ``"project/run_id"``)."""
        entity, project, run_id = self._run_path(path)
        data = self.backend.run(entity, project, run_id)
        if data is None:
            raise self._not_found([entity, project, run_id])
        return Run(self, data)

    def runs(
        self,
        path: str | None = None,
        filters: dict[str, Any] | None = None,
        order: str | None = "-created_at",
        per_page: int = 50,
        include_sweeps: bool = True,
        lazy: bool = True,
    ) -> Runs:
        """Runs of a project (``"entity/project"`` or ``"project"``), filtered and sorted.

        ``filters`` are MongoDB-style (``{"config.lr": {"$gt": 0.01}}``); ``order``
        a field with ``-`` for descending, e.g. ``"-summary.acc"``.
        """
        entity, project = self._project_path(path)
        return Runs(self, entity, project, filters, order, per_page)

    def sweep(self, path: str) -> Any:
        """A sweep by ``"entity/project/sweep_id"``, ``"project/sweep_id"`` or its id."""
        from runbase.api.sweeps import Sweep

        self._local_only("sweeps")
        from runbase.sweeps.control import Controller

        parts = path.strip("/").split("/")
        if len(parts) == 4 and parts[2] == "sweeps":
            parts = [parts[0], parts[1], parts[3]]
        entity = parts[0] if len(parts) == 3 else None
        project = parts[-2] if len(parts) >= 2 else None
        return Sweep(self, Controller.open(self.root, parts[-1], entity, project))

    def projects(self, entity: str | None = None, per_page: int = 200) -> list[Project]:
        """Projects that have runs (all entities unless ``entity`` is given)."""
        return [Project(self, p) for p in self.backend.projects(entity)]

    def project(self, name: str, entity: str | None = None) -> Project:
        """One project by name."""
        entity = entity or self.default_entity
        for p in self.projects(entity):
            if p.name == name:
                return p
        raise ValueError(f"no project {entity}/{name} in {self.backend.where}")

    # ---- artifacts (api/artifacts.py) -------------------------------------

    def artifact(self, name: str, type: str | None = None) -> Any:
        """One version: ``"entity/project/name:v3"``, ``"project/name:alias"``..."""
        self._local_only("artifacts")
        from runbase.api import artifacts

        return artifacts.artifact(self, name, type)

    def artifact_exists(self, name: str, type: str | None = None) -> bool:
        from runbase.sdk.artifacts.errors import ArtifactNotFoundError

        try:
            self.artifact(name, type)
        except ArtifactNotFoundError:
            return False
        return True

    def artifact_collection(self, type_name: str | None, name: str) -> Any:
        """All versions of ``"project/name"`` (its aliases, retention policy...)."""
        self._local_only("artifacts")
        from runbase.api import artifacts

        return artifacts.collection(self, type_name, name)

    def artifact_collections(
        self, project_name: str | None = None, type_name: str | None = None, per_page: int = 50
    ) -> list[Any]:
        """The artifact names of a project (of one type, if given)."""
        self._local_only("artifacts")
        from runbase.api import artifacts

        return artifacts.collections(self, project_name, type_name)

    def artifacts(
        self, type_name: str | None, name: str, per_page: int = 50, tags: Any = None
    ) -> list[Any]:
        """Every version of ``"project/name"``, oldest first."""
        return self.artifact_collection(type_name, name).versions()

    def artifact_versions(self, type_name: str | None, name: str, per_page: int = 50) -> list[Any]:
        return self.artifacts(type_name, name, per_page)
