"""On `runbase ui` (no accounts) the team server's parts of the app stay out of
sight: no Log in link or user menu, and the account pages say why they are empty."""

from __future__ import annotations

from .conftest import shot


def test_local_app_has_no_login(page) -> None:
    page.goto("/")
    page.wait_for_selector(".projects-table")
    assert page.locator(".user-menu").count() == 0
    page.goto("/login")
    assert "has no accounts" in page.locator(".team-page").inner_text()
    page.goto("/settings/keys")
    assert "has no accounts" in page.locator(".team-page").inner_text()
    shot(page, "local-no-login")
