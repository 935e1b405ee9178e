"""``Run``: one run as the public API shows it (W&B's ``wandb.apis.public.Run``)."""

from __future__ import annotations

import copy
import os
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from runbase.api.run_parts import File, Summary

if TYPE_CHECKING:
    from runbase.api.api import Api
    from runbase.store.queries.results import RunRow, SystemSeries


# msgspec and the store's value and result modules load at the first answer, not with
# runbase.Api: a fresh process has an Api in a few milliseconds.
def pack(value: Any) -> bytes:
    from runbase.store.db.values import pack as _pack

    return _pack(value)


def flatten(value: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    from runbase.store.db.values import flatten as _flatten

    return _flatten(value, prefix)


DEFAULT_UI_URL = "http://127.0.0.1:8765"


def _iso(t: float | None) -> str | None:
    if t is None:
        return None
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Run:
    """One run: its fields, config and summary, with history and files on demand.

    Change ``name``, ``notes``, ``tags``, ``group``, ``job_type``, ``config`` or
    ``summary`` and call :meth:`update` to save them.
    """

    def __init__(self, api: Api, data: RunRow) -> None:
        self._api = api
        self._load(data)

    def _load(self, data: RunRow) -> None:
        # A RunRow from a page of runs, a FullRunRow (with metadata) from Api.run().
        self._data = data
        self.id: str = data.id
        self.entity: str = data.entity
        self.project: str = data.project
        self.name: str | None = data.name
        self.notes: str | None = data.notes
        self.tags: list[str] = list(data.tags)
        self.group: str | None = data.group
        self.job_type: str | None = data.job_type
        self.config: dict[str, Any] = copy.deepcopy(data.config)
        self.summary: Summary = Summary(self, copy.deepcopy(data.summary))
        self._saved = self._snapshot()

    def _snapshot(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "notes": self.notes,
            "tags": list(self.tags),
            "group": self.group,
            "job_type": self.job_type,
            "config": pack(self.config),
            "config_keys": dict(self.config),
            "summary": dict(self.summary),
        }

    def __repr__(self) -> str:
        return f"<Run {self.entity}/{self.project}/{self.id} ({self.state})>"

    # ---- read-only fields ---------------------------------------------------

    @property
    def path(self) -> list[str]:
        """[entity, project, id], as in W&B."""
        return [self.entity, self.project, self.id]

    @property
    def _key(self) -> tuple[str, str, str]:
        return (self.entity, self.project, self.id)

    @property
    def url(self) -> str:
        """The run's page in the web app."""
        base = os.environ.get("RUNBASE_UI_URL") or DEFAULT_UI_URL
        return f"{base.rstrip('/')}/{self.entity}/{self.project}/runs/{self.id}"

    @property
    def state(self) -> str:
        """running, finished, failed, crashed or killed (asked to stop), as of the last load."""
        return self._data.state

    @property
    def display_name(self) -> str | None:
        return self.name

    @display_name.setter
    def display_name(self, value: str | None) -> None:
        self.name = value

    @property
    def description(self) -> str | None:
        return self.notes

    @description.setter
    def description(self, value: str | None) -> None:
        self.notes = value

    @property
    def sweep(self) -> Any:
        """The sweep that started this run (``Api().sweep``), or None."""
        sweep_id = self._data.sweep
        return self._api.sweep("/".join([*self.path[:2], sweep_id])) if sweep_id else None

    @property
    def user(self) -> str | None:
        return self._data.user

    @property
    def host(self) -> str | None:
        return self._data.host

    @property
    def created_at(self) -> str | None:
        """Start time, ISO 8601 in UTC."""
        return _iso(self._data.created_at)

    @property
    def heartbeat_at(self) -> str | None:
        """Time of the run's latest record, ISO 8601 in UTC."""
        return _iso(self._data.heartbeat_at)

    @property
    def runtime(self) -> float | None:
        """Seconds from start to the latest record."""
        return self._data.runtime

    @property
    def exit_code(self) -> int | None:
        return self._data.exit_code

    @property
    def metadata(self) -> dict[str, Any]:
        """Environment captured at init (host, python, git, ...)."""
        from runbase.store.queries.results import FullRunRow

        if not isinstance(self._data, FullRunRow):
            self.load()
        assert isinstance(self._data, FullRunRow)  # load() reads the whole run
        return self._data.metadata

    @property
    def metric_definitions(self) -> list[dict[str, Any]]:
        """The run's ``define_metric`` calls: each metric's x axis (``step_metric``), summary."""
        from runbase.store.queries.results import FullRunRow

        if not isinstance(self._data, FullRunRow):
            self.load()
        assert isinstance(self._data, FullRunRow)
        return list(self._data.metrics)

    @property
    def summary_metrics(self) -> dict[str, Any]:
        return dict(self.summary)

    @property
    def lastHistoryStep(self) -> int:  # noqa: N802 - W&B's name
        step = self._data.last_step
        return -1 if step is None else step

    @property
    def system_metrics(self) -> dict[str, Any]:
        """The latest system-metrics sample."""
        cols = self._api.backend.system_series(self._key)
        if not cols.time:
            return {}
        return {k: v[-1] for k, v in cols.metrics.items() if v[-1] is not None}

    @property
    def metric_stats(self) -> dict[str, dict[str, Any]]:
        """``{key: {"min", "max", "last", "count"}}`` for every numeric history key.

        ``min``/``max`` ignore NaN (None when every value is NaN); ``last`` is the
        last value logged (None when it is not a number); ``count`` is how many
        values were logged. Values are the logged floats, NaN and inf included.
        Read from the store on each access.
        """
        found = self._api.backend.metric_stats(self.entity, self.project, [self.id])
        import msgspec

        return {k: msgspec.structs.asdict(s) for k, s in found.get(self.id, {}).items()}

    # ---- loading and saving -------------------------------------------------

    def load(self, force: bool = True) -> Run:
        """Read the run again (unsaved changes are dropped)."""
        data = self._api.backend.run(self.entity, self.project, self.id)
        if data is None:
            raise self._api._not_found(self.path)
        self._load(data)
        return self

    def update(self) -> None:
        """Save changes made to name, notes, tags, group, job_type, config and summary."""
        self._save(summary_only=False)

    save = update

    def _save(self, summary_only: bool) -> None:
        old = self._saved
        fields: dict[str, Any] = {}
        config_set: dict[str, Any] = {}
        config_del: list[str] = []
        if not summary_only:
            for name in ("name", "notes", "group", "job_type"):
                value = getattr(self, name)
                if value != old[name]:
                    fields[name] = value
            if list(self.tags) != old["tags"]:
                fields["tags"] = list(self.tags)
            if pack(self.config) != old["config"]:
                before = old["config_keys"]
                for key, value in self.config.items():
                    if key not in before or pack(value) != pack(before[key]):
                        config_set[key] = value
                config_del = [k for k in before if k not in self.config]
        current = _flat_summary(self.summary)
        before = old["summary"]
        summary_set = {
            k: v for k, v in current.items() if k not in before or _differs(v, before[k])
        }
        summary_del = [k for k in before if k not in current]
        if not (fields or config_set or config_del or summary_set or summary_del):
            return
        data = self._api.backend.update_run(
            self.entity,
            self.project,
            self.id,
            config_set=config_set,
            config_del=config_del,
            summary_set=summary_set,
            summary_del=summary_del,
            **fields,
        )
        keep = None
        if summary_only:
            keep = {n: getattr(self, n) for n in ("name", "notes", "tags", "group", "job_type")}
            keep["config"] = self.config
        self._load(data)
        if keep is not None:
            # Saving the summary must not throw away other unsaved changes.
            for name, value in keep.items():
                setattr(self, name, value)

    def delete(self, delete_artifacts: bool = False) -> None:
        """Delete the run: its data and its folder of record files."""
        self._api.backend.delete_runs(self.entity, self.project, [self.id])

    # ---- history, logs, files -------------------------------------------

    def history(
        self,
        samples: int | None = None,
        keys: list[str] | None = None,
        x_axis: str = "_step",
        pandas: bool = True,
        stream: str = "default",
    ) -> Any:
        """History rows: a pandas DataFrame (with ``pandas`` and ``runbase[pandas]``), else dicts.

        Unlike W&B, the full history comes back unless ``samples`` is given; with
        ``samples``, rows are evenly spaced (the same rows every call). With
        ``keys``, only rows that have all of them. ``stream="system"`` gives the
        system-metrics samples instead.
        """
        if isinstance(samples, list | tuple | str):
            samples, keys = None, samples  # history(["loss"]) reads as keys
        backend = self._api.backend
        if stream == "system":
            rows = _system_rows(backend.system_series(self._key))
            if samples is not None and len(rows) > samples:
                step = (len(rows) - 1) / max(samples - 1, 1)
                rows = [rows[round(i * step)] for i in range(samples)]
        elif stream == "default":
            rows = backend.history(self._key, keys=keys, samples=samples)
        else:
            raise ValueError(f"stream must be 'default' or 'system', got {stream!r}")
        if pandas:
            try:
                import pandas as pd
            except ImportError:
                # W&B also warns and returns the rows.
                warnings.warn(
                    "runbase: history() returns a list of dicts because pandas is not "
                    "installed: pip install 'runbase[pandas]' for a DataFrame, or pass "
                    "pandas=False",
                    stacklevel=2,
                )
                return rows
            return pd.DataFrame.from_records(rows)
        return rows

    def scan_history(
        self,
        keys: list[str] | None = None,
        page_size: int = 1000,
        min_step: int | None = None,
        max_step: int | None = None,
    ) -> Iterator[dict[str, Any]]:
        """Every history row in order, read ``page_size`` rows at a time (memory
        stays that of one page, however long the run).

        With ``keys``, only the rows holding all of them, each with only those
        keys (add ``"_step"`` to get the step). ``min_step`` is inclusive,
        ``max_step`` exclusive.
        """
        if page_size < 1:
            raise ValueError(f"page_size must be at least 1, got {page_size}")
        if isinstance(keys, str):
            keys = [keys]
        return self._scan(keys, page_size, min_step, max_step)

    def _scan(
        self, keys: list[str] | None, page_size: int, min_step: int | None, max_step: int | None
    ) -> Iterator[dict[str, Any]]:
        backend = self._api.backend
        start: int | None = 0
        fresh = True
        while start is not None:
            page = backend.history_page(
                self._key, keys, start, page_size, min_step, max_step, fresh=fresh
            )
            fresh = False  # one look for new records per scan, not per page
            yield from page.rows
            start = page.next_row

    def logs(
        self,
        search: str | None = None,
        stream: str | None = None,
        offset: int = 0,
        limit: int | None = None,
        last: int | None = None,
    ) -> list[dict[str, Any]]:
        """Console lines in order: ``[{"time", "stream", "line"}]``.

        ``search`` keeps lines containing it (any case), ``stream`` those from
        ``"stdout"`` or ``"stderr"``; of those, ``offset`` and ``limit`` take a
        page, or ``last`` the final N. Filtering and paging happen in the store.
        """
        from runbase.store.queries.results import as_dicts

        return as_dicts(
            self._api.backend.logs(
                self._key, offset=offset, limit=limit, last=last, search=search, stream=stream
            )
        )

    def files(self, names: list[str] | None = None, pattern: str | None = None) -> list[File]:
        """Files saved with the run (optionally only ``names``, or names matching a glob)."""
        import fnmatch

        out = []
        for f in self._api.backend.files(self._key):
            if names is not None and f.name not in names:
                continue
            if pattern is not None and not fnmatch.fnmatch(f.name, pattern):
                continue
            out.append(File(self, f.name, f.size, f.local_path))
        return out

    def table(self, key: str, step: int | None = None) -> Any:
        """The ``runbase.Table`` logged under ``key`` at ``step`` (None: the latest);
        ``.columns``, ``.data``, ``.get_dataframe()``. Media cells are pointer dicts:
        ``run.file(cell["path"]).download()`` fetches the file."""
        from runbase.api.tables import logged_table

        return logged_table(self, key, step)

    def use_table(self, key: str, step: int | None = None) -> Any:
        """The table logged under ``key`` as a pandas DataFrame (``runbase[pandas]``)."""
        from runbase.api.tables import use_table

        return use_table(self, key, step)

    def logged_artifacts(self, per_page: int = 100) -> list[Any]:
        """The artifact versions this run logged."""
        from runbase.api.artifacts import run_artifacts

        self._api._local_only("artifacts")
        return run_artifacts(self, used=False)

    def used_artifacts(self, per_page: int = 100) -> list[Any]:
        """The artifact versions this run used (``use_artifact``)."""
        from runbase.api.artifacts import run_artifacts

        self._api._local_only("artifacts")
        return run_artifacts(self, used=True)

    def file(self, name: str) -> File:
        """One saved file by name."""
        found = self.files(names=[name])
        if not found:
            raise ValueError(f"run {'/'.join(self.path)} has no file {name!r}")
        return found[0]


def _flat_summary(summary: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in summary.items():
        # A nested dict set by the user is stored as dotted leaves; an aggregate
        # summary ({"min": .., "max": ..}) written by the indexer stays whole.
        if (
            isinstance(value, dict)
            and value
            and "_type" not in value  # a media pointer or histogram stays whole
            and not set(value)
            <= {
                "min",
                "max",
                "mean",
                "first",
                "last",
            }
        ):
            out.update(flatten(value, key + "."))
        else:
            out[key] = value
    return out


def _differs(a: Any, b: Any) -> bool:
    return pack(a) != pack(b)


def _system_rows(cols: SystemSeries) -> list[dict[str, Any]]:
    rows = []
    metrics = cols.metrics
    for i, t in enumerate(cols.time):
        row: dict[str, Any] = {"_timestamp": t, "_runtime": cols.runtime[i]}
        for key, values in metrics.items():
            if values[i] is not None:
                row[key] = values[i]
        rows.append(row)
    return rows
