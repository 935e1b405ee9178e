"""The change feed names a project whose artifacts changed without a run record: an
alias moved by another process (``Artifact.save``) and ``runbase artifact gc`` removing
versions. The artifacts pages refetch on that (``ui/src/data/changeFeed.ts``)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from .conftest import REPO
from .test_media_routes import serve

P = "/api/v1/projects/team/arts"


@pytest.fixture(scope="module")
def arts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[httpx.Client, dict]]:
    root = tmp_path_factory.mktemp("artifact-changes")
    env = {**os.environ, "RUNBASE_DIR": str(root), "PYTHONPATH": str(REPO / "src")}
    script = Path(__file__).with_name("make_artifacts.py")
    subprocess.run([sys.executable, str(script)], env=env, check=True, capture_output=True)
    with serve(str(root)) as client:
        yield client, env


def _changes(client: httpx.Client, since: int | None = None) -> dict:
    r = client.get("/api/v1/changes", params={} if since is None else {"since": since})
    assert r.status_code == 200, r.text
    return r.json()


def _wait_for_artifacts(client: httpx.Client, since: int, timeout: float = 15) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ans = _changes(client, since)
        if {(a["entity"], a["project"]) for a in ans["artifacts"]} == {("team", "arts")}:
            return ans
        time.sleep(0.3)
    raise AssertionError(f"the feed named no artifact change within {timeout} s: {ans}")


def _versions(client: httpx.Client, name: str) -> dict[str, list[str]]:
    body = client.get(f"{P}/artifacts/{name}/versions").json()
    return {f"v{v['version']}": v["aliases"] for v in body["versions"]}


def _child(env: dict, *args: str) -> str:
    proc = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_alias_edit_and_gc_reach_the_feed_without_a_run_record(arts) -> None:
    client, env = arts
    cursor = _changes(client)["cursor"]
    time.sleep(0.6)  # past the feed's shortest interval between looks
    assert _changes(client, cursor)["artifacts"] == []  # nothing changed yet

    edit = (
        "import runbase\n"
        "a = runbase.Api().artifact('team/arts/classifier:v0')\n"
        "a.aliases.append('prod')\n"
        "a.save()\n"
    )
    _child(env, sys.executable, "-c", edit)
    ans = _wait_for_artifacts(client, cursor)
    assert ans["runs"] == [] and ans["projects"] == []  # no run record was written
    assert "prod" in _versions(client, "classifier")["v0"]

    cursor = ans["cursor"]
    cli = [sys.executable, "-m", "runbase.cli.main", "artifact"]
    _child(env, *cli, "retention", "team/arts/classifier", "--keep-last", "1", "--no-keep-aliased")
    _child(env, *cli, "gc")
    _wait_for_artifacts(client, cursor)
    assert list(_versions(client, "classifier")) == ["v1"]
