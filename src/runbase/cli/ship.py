"""``runbase login`` and ``runbase sync``: logging runs to a team server."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from runbase.errors import UsageError
from runbase.records.layout import runbase_dir
from runbase.sdk.settings import Settings
from runbase.sdk.ship import credentials
from runbase.sdk.ship.protocol import Client, Refused, Unavailable
from runbase.sdk.ship.sync import Outcome, run_dirs, sync_runs, unsent_runs


def _base_url(host: str | None) -> str:
    """--host, else RUNBASE_BASE_URL / WANDB_BASE_URL."""
    url = host or Settings.from_environment().base_url
    if not url:
        raise click.UsageError(
            "which server? Pass --host URL (e.g. --host https://runbase.example.com) "
            "or set RUNBASE_BASE_URL"
        )
    try:
        return credentials.normal_url(url)
    except UsageError as e:
        raise click.UsageError(str(e)) from None


def _read_key(host: str) -> str:
    """The key from a prompt without echo, or the first line of stdin when it is piped."""
    if sys.stdin.isatty():
        key: str = click.prompt(f"API key for {host}", hide_input=True)
        return key.strip()
    return sys.stdin.readline().strip()


def _check_key(target: credentials.Target) -> str | None:
    """The key's user; a key the server refuses is an error, an unreachable server a note."""
    client = Client(target, timeout=10.0)
    try:
        return client.whoami()
    except Refused as e:
        raise click.ClickException(f"{e}; copy the key again from the server") from None
    except Unavailable as e:
        click.echo(f"runbase: could not check the key now ({e}); storing it anyway", err=True)
        return None
    finally:
        client.close()


@click.command()
@click.argument("key", required=False)
@click.option("--host", help="The server's URL (default: RUNBASE_BASE_URL).")
@click.option("--relogin", is_flag=True, help="Ask for a key even if one is stored.")
def login(key: str | None, host: str | None, relogin: bool) -> None:
    """Store the API key for a server in ~/.netrc (as `wandb login` does).

    KEY is read from a prompt (without echo) when not given, or from stdin when piped.
    """
    url = _base_url(host)
    netloc = credentials.host_of(url)
    if key is None and not relogin and credentials.stored_key(url):
        click.echo(f"runbase: already logged in to {netloc}; use --relogin to change the key")
        return
    key = key or _read_key(netloc)
    if not key:
        raise click.UsageError("no API key given; create one on the server and pass it")
    user = _check_key(credentials.Target(url, key))
    try:
        path = credentials.store_key(url, key)
    except UsageError as e:
        raise click.UsageError(str(e)) from None
    who = f" (as {user})" if user else ""
    click.echo(f"runbase: key for {netloc}{who} saved in {path}")
    if not os.environ.get("RUNBASE_BASE_URL") and not os.environ.get("WANDB_BASE_URL"):
        click.echo(f"runbase: set RUNBASE_BASE_URL={url} to log runs there")


def _target(host: str | None) -> credentials.Target:
    url = _base_url(host)
    env = Settings.from_environment()
    found = credentials.target(url, env.api_key)
    if found is None:
        raise click.UsageError(
            f"no API key for {url}: run `runbase login --host {url}` or set RUNBASE_API_KEY"
        )
    return found


def _report(total: int) -> Callable[[Outcome], None]:
    done = [0]

    def progress(o: Outcome) -> None:
        done[0] += 1
        head = f"runbase sync: [{done[0]}/{total}] {o.run}"
        if o.error:
            click.echo(f"{head}: FAILED: {o.error}", err=True)
        else:
            where = f": {o.url}" if o.url else ""
            click.echo(f"{head}: {o.sent} bytes sent{where}", err=True)

    return progress


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--host", help="The server's URL (default: RUNBASE_BASE_URL).")
@click.option("--workers", default=4, show_default=True, help="Runs sent at once.")
@click.option("--timeout", default=60.0, show_default=True, help="Seconds to retry a run.")
@click.option("--entity", help="Send the runs under this user or team instead of their own.")
def sync(
    paths: tuple[Path, ...], host: str | None, workers: int, timeout: float, entity: str | None
) -> None:
    """Send runs to the server: offline runs, and what online runs left unsent.

    PATHS are run folders or RUNBASE_DIRs; by default every run under RUNBASE_DIR that
    the server does not hold whole yet. Safe to repeat: only what is missing is sent.
    """
    target = _target(host)
    try:
        dirs = run_dirs(paths) if paths else unsent_runs(runbase_dir(), target.base_url)
    except UsageError as e:
        raise click.UsageError(str(e)) from None
    if not dirs:
        click.echo("runbase sync: nothing to send", err=True)
        return
    progress = _report(len(dirs))
    outcomes = sync_runs(target, dirs, workers, timeout, progress, entity)
    failed = [o for o in outcomes if o.error]
    if failed:
        click.echo(
            f"runbase sync: {len(failed)} of {len(outcomes)} runs were not sent (see above); "
            "they are safe locally: run `runbase sync` again once the server is reachable",
            err=True,
        )
        sys.exit(1)
    click.echo(f"runbase sync: {len(outcomes)} runs sent to {target.base_url}", err=True)
