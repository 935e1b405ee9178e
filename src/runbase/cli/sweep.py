"""``runbase sweep config.yaml`` (and ``--pause/--resume/--stop/--cancel ID``),
``runbase agent [--count N] ID``: sweeps from the shell, as W&B's CLI has them."""

from __future__ import annotations

import click

from runbase.errors import UsageError

_ACTIONS = ("pause", "resume", "stop", "cancel")


@click.command()
@click.argument("config_or_id", required=False)
@click.option("--entity", "-e", default=None, help="Entity of the sweep (default: you).")
@click.option("--project", "-p", default=None, help="Project of the sweep.")
@click.option("--name", default=None, help="Name of the sweep (overrides the config's).")
@click.option("--pause", "action", flag_value="pause", help="Pause the sweep ID: no new runs.")
@click.option("--resume", "action", flag_value="resume", help="Resume the sweep ID.")
@click.option("--stop", "action", flag_value="stop", help="Stop the sweep ID: running runs finish.")
@click.option(
    "--cancel", "action", flag_value="cancel", help="Cancel the sweep ID: running runs stop now."
)
def sweep(
    config_or_id: str | None,
    entity: str | None,
    project: str | None,
    name: str | None,
    action: str | None,
) -> None:
    """Create a sweep from a YAML config, or pause/resume/stop/cancel the sweep ID."""
    import runbase.sweeps as sweeps

    if config_or_id is None:
        raise click.UsageError("give a sweep config file, or a sweep ID with --pause and the like")
    try:
        if action in _ACTIONS:
            ctl = sweeps.controller(config_or_id, entity, project)
            try:
                state = ctl.act(action)
            finally:
                ctl.close()
            click.echo(f"sweep {ctl.entity}/{ctl.project}/{ctl.id} is {state}")
            return
        from runbase.sweeps.config import load

        config = load(config_or_id)
        if name:
            config = {**config, "name": name}
        sweeps.sweep(config, entity=entity, project=project)
    except UsageError as e:
        raise click.ClickException(str(e)) from None


@click.command()
@click.argument("sweep_id")
@click.option("--count", type=click.IntRange(min=1), default=None, help="Runs to do at most.")
@click.option("--entity", "-e", default=None, help="Entity of the sweep.")
@click.option("--project", "-p", default=None, help="Project of the sweep.")
def agent(sweep_id: str, count: int | None, entity: str | None, project: str | None) -> None:
    """Run the sweep SWEEP_ID's program here until it hands out no more runs.

    SWEEP_ID is the id `runbase sweep` printed, or entity/project/id.
    """
    import runbase.sweeps as sweeps

    try:
        sweeps.agent(sweep_id, entity=entity, project=project, count=count)
    except UsageError as e:
        raise click.ClickException(str(e)) from None
