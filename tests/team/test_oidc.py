"""OpenID Connect sign-in over real HTTP: `runbase server` (a subprocess) against the
test provider of ``oidc_provider.py`` on loopback. The happy path (a session like a
password login's, the same user again by issuer and subject) and every refusal, each
with a message that says what went wrong."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.pgscratch import scratch_schema

from .conftest import PASSWORD, TeamServer, free_port, postgres_url
from .oidc_provider import Account, Provider
from .sso import CLIENT_SECRET, oidc_args, sso_server


@pytest.fixture(scope="module")
def oidc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, Provider]]:
    with sso_server(tmp_path_factory.mktemp("oidc")) as pair:
        yield pair


@pytest.fixture(autouse=True)
def _behave(oidc: tuple[TeamServer, Provider]) -> Iterator[None]:
    yield
    provider = oidc[1]
    provider.id_token_changes.clear()
    provider.sign_with_other_key = False
    provider.issuer_in_discovery = None


def begin(server: TeamServer, c: httpx.Client, next_path: str = "/") -> dict[str, str]:
    """Start a sign-in: the parameters of the provider's authorization URL."""
    r = c.get("/api/v1/auth/oidc/login", params={"next": next_path})
    assert r.status_code == 302, r.text
    q = {k: v[0] for k, v in parse_qs(urlsplit(r.headers["location"]).query).items()}
    return q


def at_provider(provider: Provider, q: dict[str, str], user: str) -> str:
    """The user signs in at the provider: the callback URL it sends the browser to."""
    r = httpx.post(f"{provider.issuer}/authorize", data={**q, "user": user})
    assert r.status_code == 302, r.text
    return r.headers["location"]


def sign_in(server: TeamServer, provider: Provider, c: httpx.Client, user: str) -> httpx.Response:
    back = at_provider(provider, begin(server, c, "/ada/cats"), user)
    return c.get(back)


def test_login_page_learns_the_provider(oidc) -> None:
    server, _ = oidc
    r = httpx.get(f"{server.url}/api/v1/auth/oidc")
    assert r.json() == {"name": "Test SSO", "login_url": "/api/v1/auth/oidc/login"}


def test_authorization_request_uses_pkce_state_and_nonce(oidc) -> None:
    server, provider = oidc
    with server.client() as c:
        q = begin(server, c)
    assert q["response_type"] == "code" and q["client_id"] == "runbase-test"
    assert q["code_challenge_method"] == "S256" and len(q["code_challenge"]) >= 43
    assert len(q["state"]) >= 20 and len(q["nonce"]) >= 20
    assert set(q["scope"].split()) == {"openid", "email", "profile"}
    assert q["redirect_uri"] == f"{server.url}/api/v1/auth/oidc/callback"


def test_sign_in_gives_a_session_and_the_same_user_again(oidc) -> None:
    server, provider = oidc
    with server.client() as c:
        r = sign_in(server, provider, c, "ada")
        assert r.status_code == 302, r.text
        assert r.headers["location"] == "/ada/cats"
        cookie = r.headers.get_list("set-cookie")
        assert any(h.startswith("runbase_session=") and "HttpOnly" in h for h in cookie)
        assert c.get("/api/v1/auth/me").json()["user"] == "ada"
        # The session works as a password login's: a key made with its CSRF token.
        r = c.post(
            "/api/v1/keys",
            json={"name": "sso"},
            headers={"x-csrf-token": c.cookies["runbase_csrf"]},
        )
        assert r.status_code == 201, r.text
    with server.client() as c:
        sign_in(server, provider, c, "ada")
        assert c.get("/api/v1/auth/me").json()["user"] == "ada"
    # Another subject whose preferred name is taken gets a name of its own.
    with server.client() as c:
        sign_in(server, provider, c, "ada2")
        assert c.get("/api/v1/auth/me").json()["user"] == "ada-2"
    # Such a user has no password: a password login fails as any wrong one does.
    r = httpx.post(f"{server.url}/api/v1/auth/login", json={"name": "ada", "password": PASSWORD})
    assert r.status_code == 401


def test_next_is_only_a_local_path(oidc) -> None:
    server, provider = oidc
    with server.client() as c:
        back = at_provider(provider, begin(server, c, "//evil.example/x"), "ada")
        assert c.get(back).headers["location"] == "/"


def _refused(server: TeamServer, provider: Provider, user: str = "ada") -> httpx.Response:
    with server.client() as c:
        r = sign_in(server, provider, c, user)
        assert "runbase_session" not in c.cookies
        return r


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"nonce": "not-the-one-sent"}, "its nonce is not the one this sign-in sent"),
        ({"aud": "another-client"}, "not meant for this server"),
        ({"iss": "http://127.0.0.1:1/realms/evil"}, "issued by another issuer"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, "has expired"),
    ],
)
def test_bad_id_tokens_are_refused(oidc, change: dict, words: str) -> None:
    server, provider = oidc
    provider.id_token_changes.update(change)
    r = _refused(server, provider)
    assert r.status_code == 400, r.text
    assert words in r.json()["detail"] and "ID token was refused" in r.json()["detail"]


def test_a_token_signed_with_another_key_is_refused(oidc) -> None:
    server, provider = oidc
    provider.sign_with_other_key = True
    r = _refused(server, provider)
    assert r.status_code == 400
    assert "signature does not verify" in r.json()["detail"]


def test_bad_state_is_refused(oidc) -> None:
    server, provider = oidc
    with server.client() as c:
        q = begin(server, c)
        back = at_provider(provider, {**q, "state": "forged-state-value"}, "ada")
        r = c.get(back)
    assert r.status_code == 400
    assert "state does not match" in r.json()["detail"]
    # A callback in a browser that started no sign-in (a login CSRF attempt).
    with server.client() as c:
        q = begin(server, c)
        back = at_provider(provider, q, "ada")
    r = httpx.get(back)
    assert r.status_code == 400 and "no sign-in in progress" in r.json()["detail"]
    # A flow cookie edited in the browser (its signature no longer matches).
    with server.client() as c:
        back = at_provider(provider, begin(server, c), "ada")
        body, _, mac = c.cookies["runbase_oidc"].partition(".")
        forged = body[:-4] + ("AAAA" if body[-4:] != "AAAA" else "BBBB") + "." + mac
        r = c.get(back, headers={"cookie": f"runbase_oidc={forged}"})
    assert r.status_code == 400 and "no sign-in in progress" in r.json()["detail"]


def test_provider_errors_and_missing_code(oidc) -> None:
    server, _ = oidc
    cb = f"{server.url}/api/v1/auth/oidc/callback"
    r = httpx.get(cb, params={"error": "access_denied", "error_description": "user said no"})
    assert r.status_code == 400
    assert r.json()["detail"] == "the provider did not sign you in (access_denied: user said no)"
    r = httpx.get(cb, params={"state": "x"})
    assert r.status_code == 400 and "no code or state" in r.json()["detail"]


def test_discovery_naming_another_issuer_is_refused(oidc) -> None:
    server, provider = oidc
    provider.issuer_in_discovery = "http://127.0.0.1:1/realms/evil"
    # The server already holds the real document; a fresh server reads the bad one.
    records = Path(server.log_path).parent
    with scratch_schema(postgres_url()) as db_url:
        env = {"RUNBASE_OIDC_CLIENT_SECRET": CLIENT_SECRET}
        other = TeamServer(db_url, records, env=env, args=oidc_args(provider)).wait()
        try:
            r = httpx.get(f"{other.url}/api/v1/auth/oidc/login")
        finally:
            other.stop()
    assert r.status_code == 502
    assert "names the issuer 'http://127.0.0.1:1/realms/evil'" in r.json()["detail"]


def test_allowed_domains_need_a_verified_email(oidc, tmp_path: Path) -> None:
    _, provider = oidc
    with scratch_schema(postgres_url()) as db_url:
        port = free_port()
        provider.redirect_uris.append(f"http://127.0.0.1:{port}/api/v1/auth/oidc/callback")
        env = {"RUNBASE_OIDC_CLIENT_SECRET": CLIENT_SECRET}
        args = oidc_args(provider, "--oidc-allowed-domain", "lab.example")
        server = TeamServer(db_url, tmp_path, env=env, args=args, port=port).wait()
        try:
            r = _refused(server, provider, "ada2")
            assert r.status_code == 403
            assert r.json()["detail"] == (
                "ada@other.example is not in an allowed email domain (lab.example): "
                "ask a server admin"
            )
            r = _refused(server, provider, "unverified")
            assert r.status_code == 403 and "is verified" in r.json()["detail"]
            with server.client() as c:
                assert sign_in(server, provider, c, "ada").status_code == 302
        finally:
            server.stop()


def test_no_oidc_configured_is_a_404(oidc, tmp_path: Path) -> None:
    with scratch_schema(postgres_url()) as db_url:
        server = TeamServer(db_url, tmp_path).wait()
        try:
            for path in ("", "/login", "/callback"):
                r = httpx.get(f"{server.url}/api/v1/auth/oidc{path}")
                assert r.status_code == 404
                assert "no OpenID Connect sign-in" in r.json()["detail"]
        finally:
            server.stop()


def test_the_client_secret_is_never_logged(oidc) -> None:
    server, provider = oidc
    with server.client() as c:
        sign_in(server, provider, c, "ada")
    log = server.output()
    assert "/api/v1/auth/oidc/callback" in log  # debug logging was on
    assert CLIENT_SECRET not in log


def test_start_up_refusals(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from .conftest import SECRET

    env = {**os.environ, "RUNBASE_ADMIN_SECRET": SECRET}
    env.pop("RUNBASE_OIDC_CLIENT_SECRET", None)
    cmd = [sys.executable, "-m", "runbase.cli.main", "server", "--database-url", postgres_url()]
    issuer = ["--oidc-issuer", "https://idp.example/realms/x"]
    res = subprocess.run([*cmd, *issuer], env=env, capture_output=True, text=True, timeout=60)
    assert res.returncode != 0 and "needs --oidc-client-id" in res.stderr
    res = subprocess.run(
        [*cmd, *issuer, "--oidc-client-id", "rb"], env=env, capture_output=True, text=True
    )
    assert res.returncode != 0 and "set RUNBASE_OIDC_CLIENT_SECRET" in res.stderr


def test_server_doc_oidc_block_runs_as_written(tmp_path: Path) -> None:
    """docs/server.md's "Sign in with OpenID Connect" block, against the test provider
    (its issuer, a free port and this test's database in place of the examples)."""
    import os
    import re
    import subprocess
    import sys

    from .conftest import SECRET, free_port

    doc = (Path(__file__).resolve().parents[2] / "docs" / "server.md").read_text()
    section = doc.split("## Sign in with OpenID Connect", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```shell\n(.*?)```", section, re.S)
    port = free_port()
    provider = Provider(
        client_id="runbase",
        client_secret="the secret the provider shows",
        redirect_uris=[f"http://127.0.0.1:{port}/api/v1/auth/oidc/callback"],
    )
    provider.accounts["grace"] = Account(
        "sub-g", "grace@lab.example.org", preferred_username="grace"
    )
    provider.accounts["mallory"] = Account("sub-m", "mallory@elsewhere.example")
    provider.start()
    script = block.replace("https://idp.example.org/realms/lab", provider.issuer)
    script = script.replace("--port 8080", f"--port {port}")
    # exec: the shell becomes the server, so stopping it stops the server.
    script = script.replace("runbase server", f"exec {sys.executable} -m runbase.cli.main server")
    log = (tmp_path / "server.log").open("wb")
    with scratch_schema(postgres_url()) as db_url:
        env = {**os.environ, "RUNBASE_DATABASE_URL": db_url, "RUNBASE_ADMIN_SECRET": SECRET}
        env["RUNBASE_DIR"] = str(tmp_path)
        env.pop("RUNBASE_OIDC_CLIENT_SECRET", None)
        proc = subprocess.Popen(["bash", "-c", script], env=env, stdout=log, stderr=log)
        server = TeamServer.__new__(TeamServer)
        server.url, server.proc, server.log_path, server._log = (
            f"http://127.0.0.1:{port}",
            proc,
            tmp_path / "server.log",
            log,
        )
        try:
            server.wait()
            r = httpx.get(f"{server.url}/api/v1/auth/oidc")
            assert r.json() == {"name": "Lab SSO", "login_url": "/api/v1/auth/oidc/login"}
            with server.client() as c:
                assert sign_in(server, provider, c, "grace").status_code == 302
                assert c.get("/api/v1/auth/me").json()["user"] == "grace"
            with server.client() as c:
                r = sign_in(server, provider, c, "mallory")
                assert r.status_code == 403 and "lab.example.org" in r.json()["detail"]
            assert "the secret the provider shows" not in server.output()
        finally:
            server.stop()
            provider.stop()


def test_two_first_sign_ins_at_once_make_one_user(tmp_path: Path) -> None:
    # Two tabs (or two server processes) finish the same person's first sign-in at
    # the same moment: the second waits on the first's new row, then finds the user.
    from concurrent.futures import ThreadPoolExecutor

    from runbase.server.team.oidc import OidcConfig, user_for
    from runbase.store.store import open_store

    config = OidcConfig("https://idp.example", "runbase", "secret")
    claims = {"sub": "s-1", "preferred_username": "ada", "email": "ada@example.com"}
    with scratch_schema(postgres_url()) as db_url:
        engine = open_store(db_url, root=str(tmp_path / "records")).engine
        try:
            with engine.connect() as first, ThreadPoolExecutor(1) as pool:
                tx = first.begin()
                made = user_for(first, config, claims)

                def second() -> object:
                    with engine.begin() as conn:
                        return user_for(conn, config, claims)

                other = pool.submit(second)
                time.sleep(1.0)  # the second sign-in waits on the first's rows
                tx.commit()
                assert other.result(timeout=30) == made
            # A different person wanting the same name at once gets another one.
            with engine.connect() as first, ThreadPoolExecutor(1) as pool:
                tx = first.begin()
                bob = user_for(first, config, {**claims, "sub": "s-2", "preferred_username": "bo"})

                def third() -> object:
                    with engine.begin() as conn:
                        return user_for(
                            conn, config, {**claims, "sub": "s-3", "preferred_username": "bo"}
                        )

                got = pool.submit(third)
                time.sleep(1.0)
                tx.commit()
                assert [bob.name, got.result(timeout=30).name] == ["bo", "bo-2"]  # type: ignore[attr-defined]
        finally:
            engine.dispose()
