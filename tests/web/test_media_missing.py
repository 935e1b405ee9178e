"""Media whose files were never written (the run was SIGKILLed between ``log()``
and writing them), over real HTTP: the media route marks the item missing, the
table and chart routes answer 404 saying so, ``Api`` raises the same, and the
media index lists the keys as usual (``make_killed.py``)."""

from __future__ import annotations

import pytest

import runbase

from .conftest import Server
from .make_killed import ENTITY, PROJECT, RUN_ID, STEPS

BASE = f"/api/v1/projects/{ENTITY}/{PROJECT}"
NEVER = "the table file was never written: the run was killed while writing it"


def test_the_killed_runs_media_keys_are_listed(killed_server: Server):
    r = killed_server.client.get(f"{BASE}/media/keys", params={"runs": RUN_ID})
    assert r.status_code == 200, r.text
    got = {(k["key"], k["kind"]): k["run_ids"] for k in r.json()["keys"]}
    assert got == {
        ("img", "image"): [RUN_ID],
        ("preds", "table"): [RUN_ID],
        ("fit", "chart"): [RUN_ID],
        ("fit_table", "table"): [RUN_ID],
    }
    steps = killed_server.client.get(f"{BASE}/media/steps", params={"key": "img", "runs": RUN_ID})
    assert steps.json()["runs"] == [{"run_id": RUN_ID, "steps": list(range(STEPS + 1))}]


def test_a_written_image_has_its_file_and_a_lost_one_is_marked_missing(killed_server: Server):
    def at(step: int) -> dict:
        r = killed_server.client.get(
            f"{BASE}/media", params={"key": "img", "runs": RUN_ID, "step": step}
        )
        assert r.status_code == 200, r.text
        [item] = r.json()["items"]
        return item

    first = at(0)
    assert first["missing"] is False and len(first["files"]) == 1
    assert killed_server.client.get(first["files"][0]["url"]).status_code == 200
    last = at(STEPS)
    assert last["missing"] is True and last["files"] == []
    assert last["value"] == {"_type": "image-file", "missing": True}


@pytest.mark.parametrize("route", ["table?key=preds", "chart?key=fit", "table?key=fit_table"])
def test_a_table_never_written_is_a_404_that_says_why(killed_server: Server, route: str):
    r = killed_server.client.get(f"{BASE}/runs/{RUN_ID}/{route}")
    assert r.status_code == 404, r.text
    assert NEVER in r.json()["detail"]


def test_api_run_table_says_the_file_was_never_written(killed_server: Server, monkeypatch):
    monkeypatch.setenv("RUNBASE_DIR", str(killed_server.root))
    run = runbase.Api().run(f"{ENTITY}/{PROJECT}/{RUN_ID}")
    with pytest.raises(KeyError, match="never written"):
        run.table("preds")
    assert run.history(keys=["loss"])["loss"].tolist()[-1] == pytest.approx(1 / STEPS)
