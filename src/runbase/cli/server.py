"""``runbase server``: the team server over a store on PostgreSQL."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from runbase.server.team.oidc import OidcConfig

ADMIN_SECRET_ENV = "RUNBASE_ADMIN_SECRET"
OIDC_SECRET_ENV = "RUNBASE_OIDC_CLIENT_SECRET"


def _admin_secret(secret_file: Path | None) -> str:
    if secret_file is not None:
        secret = secret_file.read_text().strip()
    else:
        secret = os.environ.get(ADMIN_SECRET_ENV, "").strip()
    if not secret:
        raise click.ClickException(
            f"the team server needs an admin secret: set {ADMIN_SECRET_ENV} or pass "
            "--admin-secret-file (generate one with `openssl rand -hex 32`)"
        )
    return secret


def _oidc_config(
    issuer: str | None,
    client_id: str | None,
    secret_file: Path | None,
    name: str,
    domains: tuple[str, ...],
) -> OidcConfig | None:
    """The OpenID Connect provider, when an issuer is given; its secret is read from a
    file or the environment only (a command line shows in `ps`)."""
    if not issuer:
        return None
    from runbase.server.team.oidc import OidcConfig

    if not issuer.startswith(("https://", "http://")):
        raise click.BadParameter("give the issuer's URL, https://...", param_hint="--oidc-issuer")
    if not client_id:
        raise click.UsageError("--oidc-issuer needs --oidc-client-id (or RUNBASE_OIDC_CLIENT_ID)")
    secret = secret_file.read_text().strip() if secret_file else os.environ.get(OIDC_SECRET_ENV)
    if not secret:
        raise click.UsageError(
            f"--oidc-issuer needs the client secret: set {OIDC_SECRET_ENV} or pass "
            "--oidc-client-secret-file"
        )
    if importlib.util.find_spec("authlib") is None:
        raise click.UsageError(
            "OpenID Connect sign-in needs Authlib: pip install 'runbase[server]'"
        )
    allowed = tuple(d.strip().lower().lstrip("@") for d in domains if d.strip())
    return OidcConfig(issuer, client_id, secret, name=name, allowed_domains=allowed)


@click.command()
@click.option(
    "--database-url",
    envvar="RUNBASE_DATABASE_URL",
    required=True,
    help="The store's database, postgresql+psycopg://USER@HOST/DB ($RUNBASE_DATABASE_URL).",
)
@click.option(
    "--admin-secret-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help=f"A file holding the admin secret (default: ${ADMIN_SECRET_ENV}).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to bind.")
@click.option("--port", default=8080, show_default=True, type=int, help="Port to listen on.")
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    metavar="NAME",
    help="Also answer requests for this host name (repeatable), e.g. the name users browse to.",
)
@click.option(
    "--crash-timeout",
    default=300.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    metavar="SECONDS",
    help="A shipped run with no exit record and no post for this long is marked crashed.",
)
@click.option(
    "--blobs",
    default=None,
    metavar="LOCATION",
    help="Where shipped runs' files and media go: s3://bucket/prefix (endpoint and "
    "credentials from the AWS_* variables) or a folder [default: RUNBASE_DIR/server-blobs].",
)
@click.option(
    "--oidc-issuer",
    envvar="RUNBASE_OIDC_ISSUER",
    metavar="URL",
    help="Also sign users in through this OpenID Connect provider, e.g. "
    "https://idp.example.org/realms/lab ($RUNBASE_OIDC_ISSUER).",
)
@click.option(
    "--oidc-client-id",
    envvar="RUNBASE_OIDC_CLIENT_ID",
    metavar="ID",
    help="This server's client id at the provider ($RUNBASE_OIDC_CLIENT_ID).",
)
@click.option(
    "--oidc-client-secret-file",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help=f"A file holding the client secret (default: ${OIDC_SECRET_ENV}).",
)
@click.option(
    "--oidc-name",
    envvar="RUNBASE_OIDC_NAME",
    default="OpenID Connect",
    show_default=True,
    help="The provider's name on the login page's button: 'Sign in with NAME'.",
)
@click.option(
    "--oidc-allowed-domain",
    "oidc_domains",
    envvar="RUNBASE_OIDC_ALLOWED_DOMAINS",
    multiple=True,
    metavar="DOMAIN",
    help="Only verified emails in this domain sign in (repeatable; the variable takes "
    "several, space-separated) [default: anyone the provider signs in].",
)
@click.option(
    "--blob-quota",
    default=None,
    metavar="SIZE",
    help="The most bytes of files and media the runs of one user or team may hold in the "
    "blob store (500M, 50G, 2T) [default: no limit].",
)
@click.option("--log-level", default="warning", show_default=True, help="uvicorn log level.")
def server(
    database_url: str,
    admin_secret_file: Path | None,
    host: str,
    port: int,
    allowed_hosts: tuple[str, ...],
    crash_timeout: float,
    blobs: str | None,
    oidc_issuer: str | None,
    oidc_client_id: str | None,
    oidc_client_secret_file: Path | None,
    oidc_name: str,
    oidc_domains: tuple[str, ...],
    blob_quota: str | None,
    log_level: str,
) -> None:
    """Serve the team server: accounts, teams, API keys, per-project access."""
    import uvicorn

    from runbase.blobs import BlobError
    from runbase.errors import StoreError, UsageError
    from runbase.server.serving import tune_for_serving
    from runbase.server.team.app import create_team_app
    from runbase.server.team.quota import parse_size

    if not database_url.startswith("postgresql"):
        raise click.BadParameter(
            "the team server keeps its accounts in PostgreSQL: give a "
            "postgresql+psycopg://... URL (use `runbase ui` for a local store)",
            param_hint="--database-url",
        )
    secret = _admin_secret(admin_secret_file)
    oidc = _oidc_config(
        oidc_issuer, oidc_client_id, oidc_client_secret_file, oidc_name, oidc_domains
    )
    try:
        quota = None if blob_quota is None else parse_size(blob_quota)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--blob-quota") from None
    try:
        app = create_team_app(
            database_url,
            secret,
            allowed_hosts=(host, *allowed_hosts),
            crash_timeout=crash_timeout,
            blobs=blobs,
            oidc=oidc,
            blob_quota=quota,
        )
    except (StoreError, ValueError, UsageError, BlobError) as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"runbase: team server at http://{host}:{port}  (Ctrl-C to stop)")
    if oidc is not None:
        who = ", ".join(oidc.allowed_domains) or "anyone it signs in (no --oidc-allowed-domain)"
        click.echo(f"runbase: sign-in through {oidc.issuer} for {who}")
    # forwarded-allow-ips stays uvicorn's default (loopback): a proxy on the same
    # machine that terminates TLS makes request.url https, so cookies get Secure.
    tune_for_serving()
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=True)
