"""Run ids, generated names, project and entity defaults, path and URL."""

from __future__ import annotations

import getpass
import re

import pytest

import runbase


def test_generated_ids_and_names(runbase_dir):
    runs = [
        runbase.init(
            project="ids",
            reinit="create_new",
            settings=runbase.Settings(silent=True, disable_system_metrics=True, console="off"),
        )
        for _ in range(3)
    ]
    for r in runs:
        r.finish()
    for n, r in enumerate(runs, start=1):
        assert re.fullmatch(r"[a-z0-9]{8}", r.id)
        assert re.fullmatch(rf"[a-z]+-[a-z]+-{n}", r.name)
        assert r.entity == getpass.getuser()
        assert r.path == f"{r.entity}/ids/{r.id}"
        assert r.url.endswith(f"/{r.entity}/ids/runs/{r.id}")
    assert len({r.id for r in runs}) == 3


@pytest.mark.parametrize(
    "bad",
    ["", "   ", " lead", "trail ", "a/b", "a\\b", "a#b", "a?b", "a%b", "a:b", "a;b", "a,b", "a'b"],
)
def test_bad_custom_ids_are_rejected_with_a_message(runbase_dir, bad):
    with pytest.raises(runbase.UsageError, match="run id"):
        runbase.init(project="ids", id=bad)
    assert runbase.run is None
    assert not list(runbase_dir.glob("runs/*/ids/*/segments/*.rbr"))


def test_custom_id_and_unique_ids_in_a_project(runbase_dir):
    s = runbase.Settings(silent=True, console="off", disable_system_metrics=True)
    run = runbase.init(project="ids", id="my-run_1", name="first", settings=s)
    run.finish()
    assert run.id == "my-run_1" and run.name == "first"
    with pytest.raises(runbase.UsageError, match="already exists.*resume='allow'"):
        runbase.init(project="ids", id="my-run_1", settings=s)
    # The same id in another project is fine.
    other = runbase.init(project="ids2", id="my-run_1", settings=s)
    other.finish()
    assert runbase.Api().run(f"{run.entity}/ids/my-run_1").name == "first"


def test_bad_project_name(runbase_dir):
    with pytest.raises(runbase.UsageError, match="project"):
        runbase.init(project="a/b")
