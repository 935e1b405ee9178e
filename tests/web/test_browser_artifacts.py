"""Artifacts in Debian's Chromium: logged with ``import runbase as wandb`` by real
runs (``make_artifacts.py``: a dataset used by a training run that logs a model used
by an eval run), then the artifacts page, a version, its files and the lineage graph."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, Server, shot


@pytest.fixture(scope="module")
def arts_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("artifacts-web")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = Path(__file__).with_name("make_artifacts.py")
    subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
    srv = Server(root)
    yield srv
    srv.stop()


@pytest.fixture()
def page(browser, arts_server: Server) -> Iterator[object]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, base_url=arts_server.url)
    pg = ctx.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.set_default_timeout(10_000)
    yield pg
    ctx.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


def test_the_artifacts_page_lists_collections_by_type_and_their_versions(page):
    page.goto("/team/arts")
    page.click("[data-nav=artifacts]")
    page.wait_for_selector("[data-type=dataset] [data-collection=mnist]")
    assert page.locator("[data-type=model] [data-collection=classifier]").count() == 1
    page.click("[data-collection=classifier]")
    row = page.locator("[data-version='classifier:v1']")
    row.wait_for()
    assert row.locator("[data-alias=best]").count() == 1
    assert "train-run" in row.locator(".run-link").inner_text()
    assert "epoch: 1" in row.inner_text()
    shot(page, "artifacts-page")


def test_a_version_shows_its_files_with_previews_and_its_lineage(page):
    page.goto("/team/arts/artifacts/mnist/latest")
    page.wait_for_selector("[data-field=created-by] .run-link")
    assert "prep-run" in page.inner_text("[data-field=created-by]")
    assert "train-run" in page.inner_text("[data-field=used-by]")
    page.click("[data-path=images] .file-open")
    page.click("[data-path='images/digit0.png'] .file-open")
    page.locator("img.artifact-image").wait_for()
    # Loaded from the file route and decoded: the PNG is 48 pixels wide.
    page.wait_for_function("() => document.querySelector('img.artifact-image')?.naturalWidth == 48")
    shot(page, "artifact-image-preview")
    page.click(".dir-crumbs button >> nth=0")
    page.click("[data-path='sample.table.json'] .file-open")
    page.wait_for_selector(".table-preview td:has-text('dog')")
    # The lineage graph: prep → mnist:v0 → train → classifier:v1 → eval (depth 4).
    page.select_option(".lineage-depth select", "4")
    page.wait_for_selector(".react-flow__node.lineage-root")
    page.wait_for_function("() => document.querySelectorAll('.react-flow__node').length >= 5")
    names = page.locator(".react-flow__node .lineage-name").all_inner_texts()
    assert {"prep-run", "mnist:v0", "train-run", "classifier:v1", "eval-run"} <= set(names)
    assert page.locator(".react-flow__edge").count() >= 4
    page.locator(".lineage").scroll_into_view_if_needed()
    shot(page, "artifact-version")


def test_the_run_page_shows_its_artifact_outputs_and_inputs(page):
    page.goto("/team/arts/runs/train1")
    page.wait_for_selector("[data-field=artifact-outputs] a")
    assert "classifier:v1" in page.inner_text("[data-field=artifact-outputs]")
    assert "mnist:v0" in page.inner_text("[data-field=artifact-inputs]")
    page.click("[data-tab=artifacts]")
    page.wait_for_selector(".artifact-outputs [data-version='classifier:v0']")
    assert page.locator(".artifact-inputs [data-version='mnist:v0']").count() == 1
    page.wait_for_function("() => document.querySelectorAll('.react-flow__node').length >= 5")
    shot(page, "run-artifacts-tab")
    page.click(".react-flow__node[data-id='artifact:team/arts/mnist:v0']")
    page.wait_for_url("**/team/arts/artifacts/mnist/v0")


def test_the_versions_table_shows_an_alias_moved_by_another_process(page, arts_server):
    # Alias edits write no run record: the change feed finds them in the artifact files.
    page.goto("/team/arts")
    page.click("[data-nav=artifacts]")
    page.click("[data-collection=classifier]")
    row = page.locator("[data-version='classifier:v0']")
    row.wait_for()
    assert row.locator("[data-alias=prod]").count() == 0
    edit = (
        "import runbase\n"
        "a = runbase.Api().artifact('team/arts/classifier:v0')\n"
        "a.aliases.append('prod')\n"
        "a.save()\n"
    )
    env = {**os.environ, "RUNBASE_DIR": str(arts_server.root), "PYTHONPATH": str(REPO / "src")}
    subprocess.run([sys.executable, "-c", edit], env=env, check=True, capture_output=True)
    row.locator("[data-alias=prod]").wait_for()  # no reload: the feed refetched the table
