"""Saved views in Debian's Chromium against a real server: a workspace shaped by
hand (a filter, a sort, grouping, a hidden column) is saved as a view, survives a
reload, opens the same from its link in a new browser context (no localStorage),
becomes the project's default, and "reset to default" brings it back.

The project is this module's own (its own RUNBASE_DIR and server), so its
default view never changes what the other browser tests see."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

import pytest

from .conftest import Server, new_page, shot
from .fill import RunWriter

WS = "/team/sv"
FILTER = {"rows": [{"field": "config.lr", "op": ">=", "value": "0.02"}], "any": False}


@pytest.fixture(scope="module")
def views_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("runbase-views")
    for i in range(6):
        opt = ["adam", "sgd"][i % 2]
        w = RunWriter(
            root, "team", "sv", f"v{i}", name=f"run-{i}", config={"lr": 0.01 * (i + 1), "opt": opt}
        )
        w.history([(s, {"loss": 1.0 / (s + 1 + i)}) for s in range(5)])
        w.finish(exit_code=0)
    srv = Server(root)
    yield srv
    srv.stop()


def what_is_shown(page) -> dict:
    """What a user sees of the view: the header columns, groups, count, and the view's name."""
    page.wait_for_selector(".rt-row.rt-group")
    page.wait_for_function("!document.querySelector('.view-loading')")
    return {
        "columns": page.eval_on_selector_all(
            ".rt-h[data-col]", "els => els.map(e => e.dataset.col)"
        ),
        "groups": page.eval_on_selector_all(
            ".rt-group .group-value", "els => els.map(e => e.textContent)"
        ),
        "count": page.locator(".run-count").inner_text(),
        "group": page.locator(".group-select").input_value(),
        "view": page.locator(".views-btn").inner_text(),
        # The filter builder's inputs, whatever their kind: the filter is shown, not only applied.
        "filter": page.eval_on_selector_all(
            ".filter-bar input:not([type=checkbox]), .filter-bar select",
            "els => els.map(e => e.value)",
        ),
    }


def test_saved_view_survives_reload_and_opens_from_its_link(browser, views_server):
    ctx, page, errors = new_page(browser, views_server)
    page.goto(f"{WS}?f={json.dumps(FILTER)}&sort=name")
    page.wait_for_selector(".rt-row[data-run-id]")
    assert page.locator(".views-btn").inner_text() == "View: Unsaved view"
    page.select_option(".group-select", "config.opt")
    page.click(".columns-btn")
    page.locator(".col-item[data-col='state'] input[type=checkbox]").uncheck()
    page.click(".columns-btn")
    shaped = what_is_shown(page)
    assert "state" not in shaped["columns"] and shaped["groups"] == ["adam", "sgd"]
    assert shaped["count"] == "5 runs"  # lr >= 0.02 leaves 5 of 6
    assert "config.lr" in shaped["filter"] and "0.02" in shaped["filter"]

    page.once("dialog", lambda d: d.accept("by optimiser"))
    page.click(".views-btn")
    page.click(".view-save-as")
    page.wait_for_function("new URLSearchParams(location.search).get('view')")
    page.wait_for_function(
        "document.querySelector('.views-btn').textContent === 'View: by optimiser'"
    )
    vid = page.evaluate("new URLSearchParams(location.search).get('view')")
    shot(page, "views-01-saved")

    page.reload()
    assert what_is_shown(page) == {**shaped, "view": "View: by optimiser"}

    # A change marks the view unsaved; Save stores it.
    page.locator(".rt-h[data-col='name']").click()
    page.wait_for_selector(".view-dirty")
    shot(page, "views-02-dirty")
    page.click(".view-save")
    page.wait_for_function("!document.querySelector('.view-dirty')")
    shaped = what_is_shown(page)

    page.click(".views-btn")
    page.click(".view-copy")
    link = page.locator(".view-note").inner_text().removeprefix("Link copied: ")
    assert link == f"{views_server.url}{WS}?view={vid}"
    page.click(".view-default")
    page.wait_for_function(
        "document.querySelector('.view-note').textContent.includes('opens by default')"
    )
    ctx.close()
    assert not errors, errors

    # A new context: no localStorage, only the link.
    ctx2, page2, errors2 = new_page(browser, views_server)
    page2.goto(link)
    assert what_is_shown(page2) == shaped
    shot(page2, "views-03-link-in-new-context")
    # The bare project URL opens the default view.
    page2.goto(WS)
    assert what_is_shown(page2) == shaped
    assert f"view={vid}" in page2.url
    # Changed by hand, then reset to default: the saved view again.
    page2.select_option(".group-select", "")
    page2.wait_for_selector(".view-dirty")
    page2.click(".views-btn")
    page2.click(".view-reset")
    assert what_is_shown(page2) == shaped
    shot(page2, "views-04-reset-to-default")
    ctx2.close()
    assert not errors2, errors2
    # Kept as a file under RUNBASE_DIR (a rebuilt store.db keeps it).
    listed = views_server.client.get("/api/v1/projects/team/sv/views").json()
    assert listed == {
        "views": [
            {
                "id": vid,
                "name": "by optimiser",
                "updated_at": listed["views"][0]["updated_at"],
                "is_default": True,
            }
        ],
        "default": vid,
    }
    assert (Path(views_server.root) / "views" / "team" / "sv.json").exists()


def test_a_view_link_asks_for_the_views_runs_only(browser, views_server):
    """The page asks for the view as it starts, then for the rows the view shows: no
    request for the app's default rows first (what a link to a big project waited on)."""
    state = {"v": 1, "params": {"sort": "-config.lr"}, "columns": {"order": [], "hidden": []}}
    views = "/api/v1/projects/team/sv/views"
    vid = views_server.client.post(views, json={"name": "by lr", "state": state}).json()["id"]
    ctx, page, errors = new_page(browser, views_server)
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url) if "/runs?" in r.url else None)
    page.goto(f"{WS}?view={vid}")
    page.wait_for_function("!document.querySelector('.view-loading')")
    page.wait_for_selector(".rt-row[data-run-id]")
    page.wait_for_function(
        "document.querySelector('.rt-row[data-run-id=\"v5\"]').style.top === '0px'"
    )
    pages = [dict(parse_qsl(urlparse(u).query)) for u in asked]
    # (Runs asked for by id, as the system section does, are no page of the table.)
    orders = [q.get("order") for q in pages if '"id"' not in q.get("filters", "")]
    assert orders and set(orders) == {"-config.lr"}, asked
    ctx.close()
    views_server.client.delete(f"{views}/{vid}")
    assert not errors, errors
