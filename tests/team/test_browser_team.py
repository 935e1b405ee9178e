"""The web app on a team server (`runbase server` on PostgreSQL, real Chromium):
log in, make an API key (shown once), log runs online with it, see them, make
the project public and read it in a logged-out browser, log out."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.pgscratch import scratch_schema
from tests.web.conftest import shot

from .conftest import PASSWORD, SECRET, TeamServer, new_key, postgres_url

TRAIN = """
import runbase
run = runbase.init(project="cats", name="tabby", config={"lr": 0.01})
for step in range(20):
    run.log({"loss": 1 / (step + 1)})
run.finish()
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TeamServer]:
    base = postgres_url()
    records = tmp_path_factory.mktemp("team-web")
    with scratch_schema(base) as db_url:
        srv = TeamServer(db_url, records).wait()
        try:
            r = httpx.post(
                f"{srv.url}/api/v1/admin/bootstrap",
                json={"name": "root", "password": PASSWORD},
                headers={"x-admin-secret": SECRET},
            )
            assert r.status_code == 201, r.text
            with srv.client(new_key(srv, "root")[1]) as root:
                for name in ("ada", "bob"):
                    r = root.post("/api/v1/users", json={"name": name, "password": PASSWORD})
                    assert r.status_code == 201, r.text
            yield srv
        finally:
            srv.stop()


def new_page(browser, server: TeamServer):
    ctx = browser.new_context(viewport={"width": 1300, "height": 900}, base_url=server.url)
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(15_000)
    return ctx, pg, errors


def log_in(page, name: str, password: str) -> None:
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")


def train(server: TeamServer, key: str, tmp_path: Path) -> str:
    env = {
        **os.environ,
        "RUNBASE_DIR": str(tmp_path / "laptop"),
        "RUNBASE_BASE_URL": server.url,
        "RUNBASE_API_KEY": key,
    }
    env.pop("RUNBASE_MODE", None)
    out = subprocess.run(
        [sys.executable, "-c", TRAIN], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stdout + out.stderr
    return out.stdout + out.stderr


def test_log_in_key_runs_public_log_out(browser, server: TeamServer, tmp_path: Path) -> None:
    ctx, page, errors = new_page(browser, server)
    page.goto("/")
    page.click("a.login-link")
    page.wait_for_url(re.compile(r"/login"))
    log_in(page, "ada", "not her password")
    assert "wrong user name or password" in page.locator(".error-box").inner_text()
    log_in(page, "ada", PASSWORD)
    page.wait_for_selector(".user-menu .user-name")
    assert page.locator(".user-menu .user-name").inner_text() == "ada"

    # An API key, shown once.
    page.click(".user-menu summary")
    page.click(".user-menu a[href='/settings/keys']")
    page.fill("input[name=key-name]", "laptop")
    page.click("button:has-text('Create key')")
    key = page.locator(".new-key-value").inner_text()
    assert key.startswith("rb"), key
    page.click(".new-key button:has-text('Copy')")
    assert page.evaluate("navigator.clipboard.readText()") == key
    assert page.locator(".keys-table td", has_text="laptop").count() == 1
    shot(page, "team-keys-new")
    page.reload()
    page.wait_for_selector(".keys-table")
    assert page.locator(".new-key").count() == 0
    assert key not in page.content()

    # Runs logged online with the key show up in the app.
    out = train(server, key, tmp_path)
    assert f"{server.url}/ada/cats/runs/" in out, out
    page.goto("/")
    page.click("a:has-text('cats')")
    page.wait_for_selector("text=tabby")
    page.wait_for_selector(".panel[data-state=drawn] canvas")
    shot(page, "team-workspace")

    # A logged-out browser is sent to the login page, and back after logging in.
    anon_ctx, anon, anon_errors = new_page(browser, server)
    anon.goto("/ada/cats")
    anon.wait_for_url(re.compile(r"/login\?next=%2Fada%2Fcats"))
    shot(anon, "team-login")

    # Too many failures lock a name out from this address, and the page says so.
    anon.goto("/login")
    for _ in range(5):
        log_in(anon, "mallory", "guess")
        anon.wait_for_selector(".error-box:has-text('wrong user name or password')")
    log_in(anon, "mallory", "guess")
    anon.wait_for_selector(".error-box:has-text('too many failed logins')")
    anon.goto("/ada/cats")
    anon.wait_for_url(re.compile(r"/login\?next="))

    # The project made public: the logged-out browser reads it.
    page.goto("/ada/cats/settings")
    assert "Private" in page.locator("[data-field=visibility]").inner_text()
    page.click("button:has-text('Make public')")
    page.wait_for_selector("[data-field=visibility] strong:has-text('Public')")
    shot(page, "team-settings")
    anon.goto("/ada/cats")
    anon.wait_for_selector("text=tabby")
    assert anon.locator("a.login-link").is_visible()
    anon.click("text=tabby")
    anon.wait_for_selector("dd[data-field=privacy]:has-text('Public')")
    shot(anon, "team-public-run")
    # Logging in there comes back to the page it was sent from.
    anon.click("a.login-link")
    log_in(anon, "ada", PASSWORD)
    anon.wait_for_url(re.compile(r"/ada/cats/runs/"))
    anon.wait_for_selector(".user-menu .user-name")
    anon_ctx.close()

    # A team: made, a member added, their role changed, removed.
    page.click(".user-menu summary")
    page.click(".user-menu a[href='/settings/teams']")
    page.fill("input[name=team-name]", "lab")
    page.click("button:has-text('Create team')")
    card = page.locator(".team-card[data-team=lab]")
    card.locator("tr[data-member=ada]").wait_for()
    page.fill("input[name=member-name]", "bob")
    page.click("button:has-text('Add member')")
    bob = card.locator("tr[data-member=bob]")
    bob.wait_for()
    with page.expect_response(lambda r: r.url.endswith("/members/bob") and r.ok):
        bob.locator("select").select_option("viewer")
    page.reload()
    assert card.locator("tr[data-member=bob] select").input_value() == "viewer"
    shot(page, "team-teams")
    card.locator("tr[data-member=bob] button:has-text('Remove')").click()
    bob.wait_for(state="detached")
    page.fill("input[name=member-name]", "nobody")
    page.click("button:has-text('Add member')")
    assert "no user nobody" in card.locator(".error-box").inner_text()

    # Log out: the menu gives way to "Log in".
    page.click(".user-menu summary")
    page.click(".user-menu button:has-text('Log out')")
    page.wait_for_selector("a.login-link")
    ctx.close()
    assert not errors and not anon_errors, errors + anon_errors


def test_the_admin_page_lists_every_user_and_team(browser, server: TeamServer) -> None:
    ctx, page, errors = new_page(browser, server)
    try:
        page.goto("/login?next=/settings/admin")
        log_in(page, "root", PASSWORD)
        page.locator(".user-menu summary").click()
        page.get_by_role("link", name="Admin").click()
        page.wait_for_url("**/settings/admin")
        row = page.locator("[data-admin-user=root]")
        assert "yes" in row.inner_text(timeout=15_000)
        assert page.locator("[data-admin-user=ada]").count() == 1
        assert page.locator("[data-admin-user=bob]").count() == 1
        shot(page, "team-admin")
    finally:
        ctx.close()
    # A user who is not a server admin has no Admin link, and the page says why.
    ctx, page, errors2 = new_page(browser, server)
    try:
        page.goto("/login")
        log_in(page, "bob", PASSWORD)
        page.locator(".user-menu summary").click()
        assert page.locator(".user-menu .menu").get_by_text("Teams").is_visible()
        assert page.get_by_role("link", name="Admin").count() == 0
        page.goto("/settings/admin")
        page.get_by_text("Only a server admin sees every user and team").wait_for()
    finally:
        ctx.close()
    assert not errors and not errors2
