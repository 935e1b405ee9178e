"""``runbase.Api`` over a team server's HTTP API gives what it gives over the local
store: the same runs logged by the real SDK, read both ways, compare equal.

The team server runs in a subprocess over a scratch PostgreSQL schema and indexes
the same records folder the local Api reads (skipped, saying why, without
RUNBASE_TEST_POSTGRES_URL).
"""

from __future__ import annotations

import math
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import runbase
from runbase.api.http_client import AuthError
from runbase.errors import CommError, StoreError
from tests.pgscratch import scratch_schema
from tests.team.conftest import TeamServer, free_port, populate, postgres_url

SCRIPT = textwrap.dedent(
    """
    import math, os
    import runbase

    run = runbase.init(entity="alice", project="priv", id="main1", name="first",
                       notes="hello", tags=["base", "x"], group="grp", job_type="train",
                       config={"lr": 0.1, "opt": {"name": "adam", "beta": [0.9, 0.99]}})
    for i in range(40):
        row = {"loss": 1.0 / (i + 1), "acc": i / 40}
        if i % 10 == 0:
            row["val/acc"] = i / 10
        if i == 5:
            row["odd"] = math.nan
        run.log(row)
    run.summary["best"] = {"acc": 0.9}
    print("training done")
    print("an error line", file=__import__("sys").stderr)
    with open(os.path.join(run.dir, "notes.txt"), "w") as f:
        f.write("saved file")
    run.save(os.path.join(run.dir, "notes.txt"), base_path=run.dir, policy="now")
    run.finish()

    for i, lr in enumerate((0.5, 0.01)):
        run = runbase.init(entity="alice", project="priv", id=f"more{i}", config={"lr": lr},
                           tags=["x"], reinit="create_new")
        run.log({"loss": lr})
        run.finish()
    """
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, TeamServer, dict]]:
    """(records folder, the team server over it, users' keys)."""
    base = postgres_url()
    records = tmp_path_factory.mktemp("http-records")
    env = dict(os.environ, RUNBASE_DIR=str(records), RUNBASE_MODE="offline")
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    with scratch_schema(base) as db_url:
        server = TeamServer(db_url, records).wait()
        try:
            yield records, server, populate(server)
        finally:
            server.stop()


@pytest.fixture
def both(served: tuple[Path, TeamServer, dict]) -> tuple[runbase.Api, runbase.Api]:
    records, server, keys = served
    local = runbase.Api(root=records)
    remote = runbase.Api(overrides={"base_url": server.url}, api_key=keys["alice"])
    return local, remote


def _same(local: Any, remote: Any) -> None:
    # NaN != NaN: compare the values' text, which keeps NaN and inf apart from numbers.
    assert repr(remote) == repr(local)


def _run_fields(r: runbase.api.run.Run) -> dict[str, Any]:
    return {
        "id": r.id, "name": r.name, "notes": r.notes, "tags": r.tags, "group": r.group,
        "job_type": r.job_type, "state": r.state, "config": r.config, "summary": dict(r.summary),
        "created_at": r.created_at, "runtime": r.runtime, "last": r.lastHistoryStep,
        "user": r.user, "exit": r.exit_code,
    }  # fmt: skip


QUERIES: dict[str, Callable[[runbase.Api], Any]] = {
    "projects": lambda api: [(p.entity, p.name, p.run_count) for p in api.projects("alice")],
    "runs by lr": lambda api: [
        _run_fields(r)
        for r in api.runs("alice/priv", filters={"config.lr": {"$lt": 0.3}}, order="config.lr")
    ],
    "runs by tag, paged": lambda api: [
        r.id for r in api.runs("alice/priv", filters={"tags": "x"}, order="-config.lr", per_page=1)
    ],
    "runs count": lambda api: len(api.runs("alice/priv")),
    "runs, big page": lambda api: [r.id for r in api.runs("alice/priv", per_page=5000)],
    "logs none": lambda api: api.run("alice/priv/main1").logs(limit=0),
    "run": lambda api: _run_fields(api.run("alice/priv/main1")),
    "metadata": lambda api: api.run("alice/priv/main1").metric_definitions,
    "history keys+samples": lambda api: api.run("alice/priv/main1").history(
        keys=["loss", "val/acc"], samples=3, pandas=False
    ),
    "history all": lambda api: api.run("alice/priv/main1").history(pandas=False),
    "scan_history": lambda api: list(
        api.run("alice/priv/main1").scan_history(keys=["_step", "acc"], page_size=7)
    ),
    "scan_history range": lambda api: list(
        api.run("alice/priv/main1").scan_history(page_size=4, min_step=10, max_step=21)
    ),
    "metric_stats": lambda api: api.run("alice/priv/main1").metric_stats,
    "summary nested": lambda api: api.run("alice/priv/main1").summary["best"],
    "config nested": lambda api: api.run("alice/priv/main1").config["opt"],
    "logs": lambda api: [(x["stream"], x["line"]) for x in api.run("alice/priv/main1").logs()],
    "logs filtered": lambda api: [
        x["line"] for x in api.run("alice/priv/main1").logs(stream="stderr", last=1)
    ],
    "files": lambda api: [(f.name, f.size) for f in api.run("alice/priv/main1").files()],
    "system": lambda api: api.run("alice/priv/main1").system_metrics,
}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_same_answer_as_local_store(both: tuple[runbase.Api, runbase.Api], name: str) -> None:
    local, remote = both
    assert "http://" in remote.backend.where
    _same(QUERIES[name](local), QUERIES[name](remote))


def test_nan_comes_back_a_float(both: tuple[runbase.Api, runbase.Api]) -> None:
    _, remote = both
    rows = remote.run("alice/priv/main1").history(keys=["odd"], pandas=False)
    assert len(rows) == 1 and math.isnan(rows[0]["odd"])


def test_file_download(both: tuple[runbase.Api, runbase.Api], tmp_path: Path) -> None:
    _, remote = both
    with remote.run("alice/priv/main1").file("notes.txt").download(root=str(tmp_path)) as f:
        assert f.read() == "saved file"


def test_edits_then_reads(both: tuple[runbase.Api, runbase.Api]) -> None:
    local, remote = both
    run = remote.run("alice/priv/more1")
    run.name, run.notes, run.tags = "renamed", "over http", ["x", "http"]
    run.group, run.job_type = "g2", "eval"
    run.config["lr"] = 1.0
    run.config["extra"] = {"depth": 3}
    run.summary["score"] = math.inf
    run.update()
    assert (run.name, run.tags, run.config["lr"]) == ("renamed", ["x", "http"], 1.0)
    again = local.run("alice/priv/more1")  # the edit is in the run's record files
    assert _run_fields(again) == _run_fields(run)  # (key order may differ)
    assert again.summary["score"] == math.inf and again.config["extra"] == {"depth": 3}
    run.summary.update({"score": 2})  # saves the summary alone
    assert local.run("alice/priv/more1").summary["score"] == 2


def test_delete(both: tuple[runbase.Api, runbase.Api]) -> None:
    _, remote = both
    remote.run("alice/priv/more0").delete()
    with pytest.raises(runbase.api.api.RunNotFoundError):
        remote.run("alice/priv/more0")


def test_unknown_run_is_the_local_error(both: tuple[runbase.Api, runbase.Api]) -> None:
    local, remote = both
    for api in (local, remote):
        with pytest.raises(runbase.api.api.RunNotFoundError, match="alice/priv/nosuch"):
            api.run("alice/priv/nosuch")


def test_bad_filter_says_what_is_wrong(both: tuple[runbase.Api, runbase.Api]) -> None:
    _, remote = both
    with pytest.raises(ValueError, match=r"\$bogus"):
        remote.runs("alice/priv", filters={"config.lr": {"$bogus": 1}})


def test_private_project_invisible_to_another_key(served: tuple[Path, TeamServer, dict]) -> None:
    _, server, keys = served
    eve = runbase.Api(overrides={"base_url": server.url}, api_key=keys["eve"])
    assert [p.name for p in eve.projects("alice")] == []
    with pytest.raises(runbase.api.api.RunNotFoundError):
        eve.run("alice/priv/main1")
    assert len(eve.runs("alice/priv")) == 0


def test_bad_key_says_check_the_key(served: tuple[Path, TeamServer, dict]) -> None:
    _, server, _keys = served
    api = runbase.Api(base_url=server.url, api_key="not-a-key")
    with pytest.raises(AuthError, match="check the API key.*runbase login"):
        api.run("alice/priv/main1")


def test_key_and_url_from_environment(
    served: tuple[Path, TeamServer, dict], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, server, keys = served
    monkeypatch.setenv("RUNBASE_BASE_URL", server.url)
    monkeypatch.setenv("RUNBASE_API_KEY", keys["alice"])
    assert runbase.Api().run("alice/priv/main1").name == "first"


def test_server_down_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    api = runbase.Api(overrides={"base_url": url}, api_key="k")
    with pytest.raises(CommError, match=f"could not reach the runbase server at {url}"):
        api.run("alice/priv/main1")


def test_what_is_not_over_http_yet_says_so(both: tuple[runbase.Api, runbase.Api]) -> None:
    _, remote = both
    with pytest.raises(StoreError, match="cannot be read from a team server yet"):
        remote.artifact("alice/priv/model:v0")
    with pytest.raises(StoreError, match="cannot be read from a team server yet"):
        remote.run("alice/priv/main1").logged_artifacts()
    with pytest.raises(StoreError, match=r"run.table\(\) is not supported over HTTP yet"):
        remote.run("alice/priv/main1").table("t")


def test_key_from_netrc_after_login(
    served: tuple[Path, TeamServer, dict], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The key `runbase login --host URL` stored is the one a server's Api sends."""
    from runbase.sdk.ship.credentials import store_key

    _, server, keys = served
    for name in ("RUNBASE_API_KEY", "WANDB_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    store_key(server.url, keys["alice"])
    assert runbase.Api(base_url=server.url).run("alice/priv/main1").name == "first"
