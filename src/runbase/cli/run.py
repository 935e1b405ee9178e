"""``runbase run -- COMMAND ...``: run a command whose ``import wandb`` is runbase.

It sets ``RUNBASE_AS_WANDB=1`` and replaces itself with the command (same pid, so
signals and the exit status are the command's own). Every Python of the process tree
that has runbase installed turns the opt-in on at startup (runbase.as_wandb).
"""

from __future__ import annotations

import os
import shutil
import sys

import click


@click.command(context_settings={"ignore_unknown_options": True, "allow_interspersed_args": False})
@click.argument("command", nargs=-1, required=True, type=click.UNPROCESSED)
def run(command: tuple[str, ...]) -> None:
    """Run COMMAND with `import wandb` answered by runbase (RUNBASE_AS_WANDB=1).

    For training code that imports wandb itself, unchanged: Hugging Face's
    report_to="wandb", Lightning's WandbLogger, wandb.integration.keras. Example:
    runbase run -- python train.py --epochs 3
    """
    from runbase.as_wandb import ENV, PTH_NAME, hook_file

    if hook_file() is None:
        click.echo(
            f"runbase: {PTH_NAME} is not in this Python's site-packages, so a Python the "
            f"command starts may not see {ENV}; reinstall runbase (pip install runbase) "
            "in the environment that runs the command",
            err=True,
        )
    program = shutil.which(command[0])
    if program is None:
        raise click.UsageError(f"{command[0]!r}: command not found")
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(program, list(command), {**os.environ, ENV: "1"})
