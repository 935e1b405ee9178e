"""``runbase``: the command line entry point (``runbase = runbase.cli.main:main``).

Subcommands live in their own modules and are registered on the ``main`` group,
so other parts of the project can add theirs without touching this one.
"""

from __future__ import annotations

import click

from runbase import __version__
from runbase.cli.artifact import artifact
from runbase.cli.export import export
from runbase.cli.migrate import import_group
from runbase.cli.run import run
from runbase.cli.server import server
from runbase.cli.ship import login, sync
from runbase.cli.sweep import agent, sweep
from runbase.cli.ui import ui


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="runbase")
def main() -> None:
    """runbase: track experiments locally, look at them in the browser."""


main.add_command(ui)
main.add_command(artifact)
main.add_command(sweep)
main.add_command(agent)
main.add_command(run)
main.add_command(import_group)
main.add_command(export)
main.add_command(server)
main.add_command(login)
main.add_command(sync)


if __name__ == "__main__":  # pragma: no cover
    main()
