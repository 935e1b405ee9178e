"""The SDK and the Api agree on the entity of runs that name none (one default, not two)."""

from __future__ import annotations

import getpass

import runbase
from tests.conftest import QUIET


def _no_user_name() -> str:
    raise OSError("no user name")  # as in a container whose uid has no passwd entry


def test_a_run_without_an_entity_is_found_by_the_api_when_the_user_is_unknown(
    runbase_dir, monkeypatch
):
    monkeypatch.setattr(getpass, "getuser", _no_user_name)
    run = runbase.init(project="p", settings=QUIET)
    run.log({"x": 1})
    run.finish()
    found = runbase.Api().run(f"p/{run.id}")
    assert (found.entity, found.id) == (run.entity, run.id)
    assert found.summary["x"] == 1


def test_the_api_default_entity_follows_the_environment(runbase_dir, monkeypatch):
    monkeypatch.setenv("WANDB_ENTITY", "team")
    run = runbase.init(project="p", settings=QUIET)
    run.finish()
    assert run.entity == "team"
    assert runbase.Api().run(f"p/{run.id}").entity == "team"
