"""``runbase export PROJECT --format parquet|csv``: a project's runs and history as tables.

Two files for pandas or polars: ``runs.<fmt>`` (one row per run: its fields,
``config.*`` and ``summary.*`` columns) and ``history.<fmt>``: by default wide
(one row per run and step, one column per key), or ``--layout long`` (one row
per run, step and numeric value: ``run_id, _step, _timestamp, key, value``).
Values that are not numbers, booleans or text (histograms, media, lists) are
written as JSON text, so every column has one type.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

INSTALL_HINT = "pip install 'runbase[export]'"


def _pandas(fmt: str) -> Any:
    try:
        import pandas as pd

        if fmt == "parquet":
            import pyarrow  # noqa: F401 - pandas writes parquet through it
    except ImportError as e:
        raise click.ClickException(f"export needs {e.name}: {INSTALL_HINT}") from None
    return pd


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return json.dumps(value, default=str)


def _one_type(frame: Any) -> Any:
    """Columns mixing numbers and text (or JSON) become text, so parquet can hold them."""
    for name in frame.columns:
        col = frame[name]
        if col.dtype == object:
            kinds = {type(v) for v in col.dropna()}
            if len(kinds) > 1:
                frame[name] = col.map(lambda v: v if v is None or isinstance(v, str) else str(v))
    return frame


def _flat(prefix: str, values: dict[str, Any], out: dict[str, Any]) -> None:
    for key, value in values.items():
        if isinstance(value, dict) and value and "_type" not in value:
            _flat(f"{prefix}{key}.", value, out)
        else:
            out[f"{prefix}{key}"] = _cell(value)


def runs_frame(pd: Any, runs: list[Any]) -> Any:
    rows = []
    for run in runs:
        row: dict[str, Any] = {
            "run_id": run.id,
            "name": run.name,
            "state": run.state,
            "entity": run.entity,
            "project": run.project,
            "group": run.group,
            "job_type": run.job_type,
            "tags": ",".join(run.tags),
            "notes": run.notes,
            "created_at": run.created_at,
            "runtime": run.runtime,
        }
        _flat("config.", run.config, row)
        _flat("summary.", dict(run.summary), row)
        rows.append(row)
    return _one_type(pd.DataFrame.from_records(rows))


def history_frame(pd: Any, runs: list[Any], layout: str) -> Any:
    rows = [
        {"run_id": run.id, **{k: _cell(v) for k, v in row.items()}}
        for run in runs
        for row in run.scan_history()
    ]
    frame = pd.DataFrame.from_records(rows, columns=_columns(rows))
    if layout == "long":
        ids = [c for c in ("run_id", "_step", "_timestamp") if c in frame.columns]
        numeric = [
            c for c in frame.columns if c not in ids + ["_runtime"] and _is_numeric(pd, frame[c])
        ]
        frame = frame.melt(id_vars=ids, value_vars=numeric, var_name="key", value_name="value")
        return frame.dropna(subset=["value"]).reset_index(drop=True)
    return _one_type(frame)


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    seen = {"run_id": None, "_step": None, "_timestamp": None, "_runtime": None}
    for row in rows:
        seen.update(dict.fromkeys(row))
    return list(seen)


def _is_numeric(pd: Any, col: Any) -> bool:
    return bool(pd.api.types.is_numeric_dtype(col)) and not pd.api.types.is_bool_dtype(col)


@click.command("export")
@click.argument("project")
@click.option(
    "--format", "fmt", type=click.Choice(["parquet", "csv"]), default="parquet", show_default=True
)
@click.option("--out", "out", type=click.Path(path_type=Path), default=None,
              help="Folder to write to (default ./<project>-export).")  # fmt: skip
@click.option(
    "--layout",
    type=click.Choice(["wide", "long"]),
    default="wide",
    show_default=True,
    help="History: one column per key (wide) or one row per value (long).",
)
def export(project: str, fmt: str, out: Path | None, layout: str) -> None:
    """Write PROJECT's runs table and history (runs.<fmt>, history.<fmt>) for analysis."""
    from runbase.api import Api

    pd = _pandas(fmt)
    try:
        runs = list(Api().runs(project))
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    if not runs:
        raise click.ClickException(f"project {project!r} has no runs to export")
    folder = out or Path(f"{project.replace('/', '-')}-export")
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in (
        ("runs", runs_frame(pd, runs)),
        ("history", history_frame(pd, runs, layout)),
    ):
        path = folder / f"{name}.{fmt}"
        frame.to_parquet(path, index=False) if fmt == "parquet" else frame.to_csv(path, index=False)
        click.echo(f"{path}: {len(frame)} rows, {len(frame.columns)} columns")
