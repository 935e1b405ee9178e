"""OpenID Connect sign-in in a real browser (Chromium): the login page's "Sign in with
Test SSO" goes to the test provider, whose form signs the user in and sends the
browser back to the page it came from, signed in; a refused sign-in comes back to
the login page, which says why."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from tests.web.conftest import shot

from .conftest import TeamServer
from .oidc_provider import Provider
from .sso import sso_server
from .test_browser_team import new_page


@pytest.fixture(scope="module")
def sso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TeamServer, Provider]]:
    with sso_server(tmp_path_factory.mktemp("oidc-web")) as pair:
        yield pair


def test_sign_in_with_the_provider(browser, sso) -> None:
    server, provider = sso
    ctx, page, errors = new_page(browser, server)
    page.goto("/ada/cats")  # a private page: sent to log in, and back afterwards
    page.wait_for_url(re.compile(r"/login\?next=%2Fada%2Fcats"))
    button = page.locator("a:has-text('Sign in with Test SSO')")
    shot(page, "team-login-sso")
    button.click()
    page.wait_for_url(re.compile(re.escape(provider.issuer) + "/authorize"))
    page.select_option("select[name=user]", "ada")
    page.click("button:has-text('Sign in at the provider')")
    page.wait_for_url(re.compile(re.escape(server.url) + "/ada/cats$"))
    page.wait_for_selector(".user-menu .user-name")
    assert page.locator(".user-menu .user-name").inner_text() == "ada"
    # The session is a real one: the app makes an API key with it.
    page.goto("/settings/keys")
    page.fill("input[name=key-name]", "sso laptop")
    page.click("button:has-text('Create key')")
    assert page.locator(".new-key-value").inner_text().startswith("rbk_")
    ctx.close()

    # A refused sign-in (a replayed token's nonce) lands on the login page, saying why.
    provider.id_token_changes["nonce"] = "replayed"
    try:
        ctx, page, more = new_page(browser, server)
        page.goto("/login")
        page.click("a:has-text('Sign in with Test SSO')")
        page.click("button:has-text('Sign in at the provider')")
        page.wait_for_url(re.compile(r"/login\?sso_error="))
        box = page.locator(".error-box")
        assert "its nonce is not the one this sign-in sent" in box.inner_text()
        assert page.locator(".user-menu").count() == 0
        ctx.close()
    finally:
        provider.id_token_changes.clear()
    assert not errors and not more, errors + more
