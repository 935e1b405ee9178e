"""``runbase import wandb|tensorboard|mlflow``: bring old runs along (runbase/importers/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

_PROJECT = click.option(
    "--project", default=None, help="Put every run in this project (default: see above)."
)
_ENTITY = click.option("--entity", default=None, help="Entity to file the runs under.")


def _finish(outcome: Any) -> None:
    for line in outcome.lines():
        click.echo(line)
    if outcome.failed:
        raise SystemExit(1)


def _writer_factory(project: str | None, entity: str | None) -> Any:
    from runbase.importers import RunWriter
    from runbase.records.layout import name_problem, runbase_dir

    for what, value in (("project", project), ("entity", entity)):
        why = name_problem(what, value) if value is not None else None
        if why is not None:
            raise click.BadParameter(why, param_hint=f"--{what}")
    root = runbase_dir()

    def make(source_project: str, run_id: str, session: str | None = None) -> Any:
        return RunWriter(root, project or source_project, run_id, entity, session)

    return make


@click.group("import")
def import_group() -> None:
    """Import runs from W&B offline folders, TensorBoard logs or MLflow.

    Each source run becomes one runbase run, keyed by the source's run id:
    importing again adds nothing.
    """


@import_group.command("wandb")
@click.argument("path", type=click.Path(path_type=Path))
@_PROJECT
@_ENTITY
def import_wandb(path: Path, project: str | None, entity: str | None) -> None:
    """W&B run folders under PATH (a wandb/ folder, its parent, or one run folder).

    History, config, summary, console output and files come along; the project is
    the W&B run's own unless --project is given. Needs the wandb package
    (pip install 'runbase[wandb-import]').
    """
    from runbase.importers import SourceError, run_all, wandb_files

    try:
        files = wandb_files.find_runs(path)
        wandb_files.require_wandb()
    except SourceError as e:
        raise click.ClickException(str(e)) from None
    make = _writer_factory(project, entity)
    outcome = run_all(
        files,
        lambda f: wandb_files.import_run(f, make),
        lambda f: f.parent.name,
        "Importing W&B runs",
    )
    _finish(outcome)


@import_group.command("tensorboard")
@click.argument("logdir", type=click.Path(path_type=Path))
@_PROJECT
@_ENTITY
def import_tensorboard(logdir: Path, project: str | None, entity: str | None) -> None:
    """TensorBoard event files under LOGDIR: one run per folder holding them.

    Scalars, histograms and images come along with their steps; the project is LOGDIR's
    name unless --project is given. Needs tensorboard (pip install 'runbase[tensorboard]').
    """
    from runbase.importers import SourceError, run_all, tensorboard
    from runbase.importers.writer import project_name

    try:
        run_dirs = tensorboard.find_runs(logdir)
        tensorboard.require_tensorboard()
    except SourceError as e:
        raise click.ClickException(str(e)) from None
    make = _writer_factory(project or project_name(logdir.resolve().name), entity)
    outcome = run_all(
        run_dirs,
        lambda d: tensorboard.import_run(logdir, d, make),
        lambda d: tensorboard.run_name(logdir, d),
        "Importing TensorBoard runs",
    )
    _finish(outcome)


@import_group.command("mlflow")
@click.argument("tracking_uri")
@_PROJECT
@_ENTITY
def import_mlflow(tracking_uri: str, project: str | None, entity: str | None) -> None:
    """Every run of every experiment at TRACKING_URI (a folder, sqlite:///..., http://...).

    Metrics with their steps, params as config, and tags come along; each
    experiment becomes a project of its name unless --project is given. Needs
    mlflow (pip install 'runbase[mlflow-import]').
    """
    from runbase.importers import SourceError, mlflow_runs, run_all

    try:
        client, runs = mlflow_runs.find_runs(tracking_uri)
    except SourceError as e:
        raise click.ClickException(str(e)) from None
    make = _writer_factory(project, entity)
    outcome = run_all(
        runs,
        lambda r: mlflow_runs.import_run(client, r, make),
        lambda r: f"{r.info.experiment_id}/{r.info.run_id}",
        "Importing MLflow runs",
    )
    _finish(outcome)
