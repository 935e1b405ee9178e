"""The OpenID Connect tests' setup, shared by the HTTP and the browser tests: the
test provider (``oidc_provider.py``) with its accounts, and a team server that signs
in through it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.pgscratch import scratch_schema

from .conftest import TeamServer, free_port, postgres_url
from .oidc_provider import Account, Provider

CLIENT_SECRET = "oidc-client-secret-5e1f0c2b9a7d"


def oidc_args(provider: Provider, *extra: str) -> tuple[str, ...]:
    return (
        "--oidc-issuer",
        provider.issuer,
        "--oidc-client-id",
        provider.client_id,
        "--oidc-name",
        "Test SSO",
        "--log-level",
        "debug",
        *extra,
    )


def start_provider(server_port: int) -> Provider:
    p = Provider(
        client_id="runbase-test",
        client_secret=CLIENT_SECRET,
        redirect_uris=[f"http://127.0.0.1:{server_port}/api/v1/auth/oidc/callback"],
    )
    p.accounts["ada"] = Account("sub-ada-1", "ada@lab.example", preferred_username="ada")
    p.accounts["ada2"] = Account("sub-ada-2", "ada@other.example", preferred_username="ada")
    p.accounts["unverified"] = Account("sub-u", "u@lab.example", email_verified=False)
    return p.start()


@contextmanager
def sso_server(records: Path) -> Iterator[tuple[TeamServer, Provider]]:
    """A team server on a scratch schema that signs in through a new test provider."""
    with scratch_schema(postgres_url()) as db_url:
        port = free_port()
        provider = start_provider(port)
        env = {"RUNBASE_OIDC_CLIENT_SECRET": CLIENT_SECRET}
        server = TeamServer(db_url, records, env=env, args=oidc_args(provider), port=port)
        try:
            yield server.wait(), provider
        finally:
            server.stop()
            provider.stop()
