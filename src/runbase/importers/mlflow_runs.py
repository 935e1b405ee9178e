"""``runbase import mlflow``: every run of every experiment of a tracking store.

Read through MLflow's own client (``MlflowClient``), so any store it reaches works:
a folder, ``sqlite:///...``, or a tracking server. Each experiment becomes a
project of its name; metrics keep their steps, params become config, tags come
along (user tags as ``key=value`` tags, ``mlflow.runName``/``mlflow.note.content``
as the run's name and notes, a nested run's parent id as its group, every tag in
the run's metadata).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from runbase.importers.writer import RunWriter, SourceError, project_name, usable_id

INSTALL_HINT = "pip install 'runbase[mlflow-import]'"
_EXIT = {"FINISHED": 0, "FAILED": 1, "KILLED": 255}


def _check_local(uri: str) -> None:
    """MLflow creates a missing local store silently; an import should say it is missing."""
    parsed = urlparse(uri)
    if parsed.scheme in ("", "file"):
        path = Path(parsed.path if parsed.scheme else uri)
        # Reading an old folder store is what migrating off it needs; MLflow 3 refuses
        # to open one unless told to.
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    elif parsed.scheme == "sqlite":
        path = Path(uri.removeprefix("sqlite:///"))  # sqlite:////abs or sqlite:///relative
    else:
        return
    if not path.exists():
        raise SourceError(f"no MLflow tracking store at {uri}: {path} does not exist")


def find_runs(uri: str) -> tuple[Any, list[Any]]:
    """(the client, every run of every experiment, active and deleted ones alike)."""
    try:
        from mlflow.entities import ViewType
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise SourceError(f"reading MLflow runs needs mlflow: {INSTALL_HINT}") from None
    _check_local(uri)
    # An unreachable server should fail in seconds, not after MLflow's minutes of retries.
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "0")
    os.environ.setdefault("MLFLOW_HTTP_REQUEST_TIMEOUT", "10")
    try:
        client = MlflowClient(tracking_uri=uri)
        experiments = client.search_experiments(view_type=ViewType.ALL)
        runs = [r for e in experiments for r in _all_runs(client, e.experiment_id, ViewType.ALL)]
    except Exception as e:  # MlflowException, connection errors: all mean "cannot read it"
        raise SourceError(f"cannot read the MLflow tracking store at {uri}: {e}") from None
    names = {e.experiment_id: e.name for e in experiments}
    for r in runs:
        r._runbase_experiment = names.get(r.info.experiment_id, "mlflow")
    return client, runs


def _all_runs(client: Any, experiment_id: str, view: Any) -> list[Any]:
    out: list[Any] = []
    token = None
    while True:
        page = client.search_runs(
            [experiment_id], run_view_type=view, max_results=1000, page_token=token
        )
        out.extend(page)
        token = page.token
        if not token:
            return out


def typed(value: str) -> Any:
    """A param string as the number or boolean it spells (MLflow keeps params as text)."""
    for cast in (int, float):
        try:
            return cast(value)
        except ValueError:
            pass
    return {"True": True, "False": False, "true": True, "false": False}.get(value, value)


def _history(client: Any, run: Any) -> tuple[dict[int, dict[str, Any]], dict[int, float]]:
    """Rows by MLflow step; when a metric was logged several times at one step (no
    ``step=`` given, so all at 0), rows by (step, time) instead, numbered in order,
    each with its MLflow step as ``mlflow_step``, so no value is lost."""
    points = [
        (int(m.step), int(m.timestamp), key, m.value)
        for key in run.data.metrics
        for m in client.get_metric_history(run.info.run_id, key)
    ]
    by_step = len({(step, key) for step, _, key, _ in points}) == len(points)
    rows: dict[int, dict[str, Any]] = {}
    times: dict[int, float] = {}
    order = {} if by_step else {k: i for i, k in enumerate(sorted({p[:2] for p in points}))}
    for step, ms, key, value in points:
        row_id = step if by_step else order[(step, ms)]
        row = rows.setdefault(row_id, {} if by_step else {"mlflow_step": step})
        row[key] = value
        times[row_id] = max(times.get(row_id, 0.0), ms / 1000)
    return rows, times


def import_run(client: Any, run: Any, make_writer: Any) -> RunWriter | None:
    """Import one MLflow run; None when it was imported before."""
    info, tags = run.info, dict(run.data.tags)
    writer: RunWriter = make_writer(
        project_name(run._runbase_experiment), usable_id(info.run_id, "mlflow")
    )
    if writer.exists():
        return None
    t0 = (info.start_time or 0) / 1000
    source = {"source": "mlflow", "id": info.run_id, "experiment_id": info.experiment_id}
    try:
        rows, times = _history(client, run)
        writer.start(
            t0,
            {**source, "tags": tags, "artifact_uri": info.artifact_uri},
            name=tags.get("mlflow.runName") or info.run_name or info.run_id,
            notes=tags.get("mlflow.note.content"),
            tags=[f"{k}={v}" if v else k for k, v in tags.items() if not k.startswith("mlflow.")],
            config={k: typed(v) for k, v in run.data.params.items()},
            user=tags.get("mlflow.user"),
            group=tags.get("mlflow.parentRunId"),  # nested runs: grouped under their parent
        )
        for step in sorted(rows):
            writer.row(step, times[step], rows[step])
        writer.summary(writer.last_time or t0, dict(run.data.metrics))
        end = (info.end_time or 0) / 1000 or None
        if info.status in _EXIT:
            writer.finish(_EXIT[info.status], max(end or 0.0, writer.last_time, t0))
        else:  # RUNNING or SCHEDULED: not known to have ended, as a crashed run reads
            writer.close_crashed()
    except BaseException:
        writer.abort()
        raise
    return writer
