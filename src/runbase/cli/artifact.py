"""``runbase artifact ls / get / put / gc / retention``: artifacts from the shell."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import click


def _api(project: str | None = None) -> Any:
    from runbase.api import Api

    return Api(overrides={"project": project} if project else None)


def _fail(e: Exception) -> click.ClickException:
    return click.ClickException(str(e))


@click.group()
def artifact() -> None:
    """Log, list, download and clean up artifacts."""


@artifact.command("ls")
@click.argument("project")
@click.option("--type", "type_name", default=None, help="Only artifacts of this type.")
def ls(project: str, type_name: str | None) -> None:
    """List a project's artifacts: each version with its aliases, size and digest."""
    from runbase.sdk.artifacts import ArtifactError

    try:
        cols = _api().artifact_collections(project, type_name)
    except (ArtifactError, ValueError) as e:
        raise _fail(e) from None
    for col in cols:
        for v in col.versions():
            aliases = ",".join(v.aliases)
            click.echo(f"{col.type}\t{col.name}:{v.version}\t{aliases}\t{v.size}\t{v.digest}")


@artifact.command("get")
@click.argument("path")
@click.option("--root", default=None, help="Folder to write to (default ./artifacts/NAME:vN).")
@click.option("--type", "type_name", default=None, help="Check that the artifact has this type.")
def get(path: str, root: str | None, type_name: str | None) -> None:
    """Download an artifact version: PATH is project/name[:version or alias]."""
    from runbase.sdk.artifacts import ArtifactError

    try:
        art = _api().artifact(path, type_name)
        where = art.download(root)
    except (ArtifactError, ValueError) as e:
        raise _fail(e) from None
    click.echo(f"{art.qualified_name} -> {where}")


@artifact.command("put")
@click.argument("path", type=click.Path(exists=True))
@click.option("--name", "full_name", required=True, help="project/name to log it as.")
@click.option("--type", "type_name", default="dataset", show_default=True)
@click.option("--alias", "aliases", multiple=True, help="An alias (repeatable); latest is added.")
@click.option("--description", default=None)
def put(
    path: str, full_name: str, type_name: str, aliases: tuple[str, ...], description: str | None
) -> None:
    """Log a file or folder as the next version of project/name (from a run of its own)."""
    import runbase
    from runbase.sdk.artifacts import Artifact, ArtifactError

    project, _, name = full_name.rpartition("/")
    if not project:
        raise click.BadParameter("write --name project/name", param_hint="--name")
    try:
        art = Artifact(name, type_name, description=description)
        art.add_dir(path) if os.path.isdir(path) else art.add_file(path)
        settings = {"silent": True, "console": "off"}
        with runbase.init(project=project, job_type="artifact-put", settings=settings) as run:
            run.log_artifact(art, aliases=list(aliases))
    except ArtifactError as e:
        raise _fail(e) from None
    click.echo(f"{art.qualified_name} {','.join(art.aliases)} {art.digest}")


@artifact.command("gc")
@click.option("--dry-run", is_flag=True, help="Report what would go; remove nothing.")
def gc(dry_run: bool) -> None:
    """Remove versions retention policies expire, and the blobs only they held."""
    from runbase.records.layout import runbase_dir
    from runbase.sdk.artifacts.retention import gc as run_gc

    for line in run_gc(runbase_dir(), dry_run=dry_run).lines():
        click.echo(("would be " if dry_run and line.startswith("removed") else "") + line)


@artifact.command("retention")
@click.argument("path")
@click.option("--keep-last", type=int, default=None, help="Keep the newest N versions.")
@click.option("--keep-aliased/--no-keep-aliased", default=True, show_default=True)
@click.option("--ttl-days", type=float, default=None, help="Remove versions older than this.")
def set_retention(
    path: str, keep_last: int | None, keep_aliased: bool, ttl_days: float | None
) -> None:
    """Set the retention policy of project/name (applied by `runbase artifact gc`)."""
    from runbase.sdk.artifacts import ArtifactError

    ttl = timedelta(days=ttl_days) if ttl_days is not None else None
    try:
        policy = _api().artifact_collection(None, path).set_retention(keep_last, keep_aliased, ttl)
    except (ArtifactError, ValueError) as e:
        raise _fail(e) from None
    click.echo(f"{path}: {policy}")
