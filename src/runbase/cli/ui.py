"""``runbase ui``: serve the web app over the local store."""

from __future__ import annotations

from pathlib import Path

import click


def _check_hosts(names: tuple[str, ...]) -> tuple[str, ...]:
    from runbase.server.security import host_patterns

    try:
        host_patterns(names)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--allowed-host") from None
    return names


@click.command()
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to bind. The app has no login: keep it on loopback unless you mean it.",
)
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="The store's folder (default: $RUNBASE_DIR, else ~/.runbase).",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    callback=lambda _ctx, _param, value: _check_hosts(value),
    help="Also answer requests for this host name (repeatable; *.example.org for a "
    "domain, * for any). Loopback names and --host are always allowed.",
)
@click.option("--log-level", default="warning", show_default=True, help="uvicorn log level.")
def ui(
    port: int, host: str, directory: Path | None, allowed_hosts: tuple[str, ...], log_level: str
) -> None:
    """Serve the web app on http://HOST:PORT, indexing new records as they arrive."""
    from runbase.cli.ports import bind_or_explain

    # First: a busy port is the one thing said, before the store is opened.
    sock = bind_or_explain(host, port)

    import uvicorn

    from runbase.errors import StoreError
    from runbase.records.layout import runbase_dir
    from runbase.server.app import STATIC_DIR, create_app
    from runbase.server.serving import tune_for_serving

    if directory is not None and not directory.is_dir():
        raise click.ClickException(
            f"there is no folder {directory}: give --dir the folder your runs log to "
            "(their RUNBASE_DIR), or create it first"
        )
    root = directory if directory is not None else runbase_dir()
    try:
        # None: RUNBASE_DIR, made if missing
        app = create_app(directory, allowed_hosts=(host, *allowed_hosts))
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"runbase: serving {root} at http://{shown}:{port}  (Ctrl-C to stop)")
    note = app.state.store.store.untold_read_only_reason()
    if note:
        click.echo(f"runbase: {note}")
    if not (STATIC_DIR / "index.html").is_file():
        click.echo(
            "runbase: this source checkout has no built web app; run `make ui` in it "
            "(API only until then)"
        )
    tune_for_serving()
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level=log_level))
    server.run(sockets=[sock])
