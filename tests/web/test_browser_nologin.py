"""On `runbase ui` (no accounts) the team server's parts of the app stay out of
sight: no Log in link or user menu, and the account pages say why they are empty."""

from __future__ import annotations

from .conftest import shot


def test_local_app_has_no_login(page) -> None:
    page.goto("/")
    page.wait_for_selector(".projects-table")
    assert page.locator(".user-menu").count() == 0
    page.goto("/login")
    # The page learns there are no accounts from one request: wait for its answer.
    page.locator(".team-page", has_text="has no accounts").wait_for(timeout=15_000)
    page.goto("/settings/keys")
    # The page learns there are no accounts from one request: wait for its answer.
    page.locator(".team-page", has_text="has no accounts").wait_for(timeout=15_000)
    shot(page, "local-no-login")
