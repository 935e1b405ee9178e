"""Saved views and reports on the team server are rows of its database (every process
sees them; no file is written), read by whoever may read the project and written by
its members; the change feed names only projects the caller may read; and server
admins see every user and team."""

from __future__ import annotations

import time

import sqlalchemy as sa

from tests.web.fill import RunWriter

from .conftest import Team, TeamServer

P = "/api/v1/projects/lab/priv"


def test_views_and_reports_are_kept_in_the_database_per_project_role(team: Team) -> None:
    with team.server.client(team.keys["mem"]) as mem:
        r = mem.post(f"{P}/views", json={"name": "losses", "state": {"sort": "loss"}})
        assert r.status_code == 200, r.text
        view_id = r.json()["id"]
        assert mem.put(f"{P}/views/default", json={"id": view_id}).status_code == 200
        r = mem.post(f"{P}/reports", json={"title": "Week 1", "blocks": []})
        assert r.status_code == 200, r.text
        report_id = r.json()["id"]
    # Another server process over the same database, with a folder of its own, sees them.
    other = TeamServer(team.db_url, team.records.parent / "other-records").wait()
    try:
        with other.client(team.keys["view"]) as viewer:
            r = viewer.get(f"{P}/views/default")
            assert r.status_code == 200 and r.json()["view"]["name"] == "losses", r.text
            assert viewer.get(f"{P}/reports/{report_id}").json()["title"] == "Week 1"
            # A viewer reads but does not write.
            r = viewer.put(f"{P}/views/{view_id}", json={"name": "mine"})
            assert r.status_code == 403 and "ask an admin of lab" in r.json()["detail"]
            assert viewer.delete(f"{P}/reports/{report_id}").status_code == 403
        with other.client(team.keys["eve"]) as eve:
            assert eve.get(f"{P}/views").status_code == 404
            assert eve.get(f"{P}/reports").status_code == 404
        with other.client() as anonymous:
            assert anonymous.get(f"{P}/reports").status_code == 401
    finally:
        other.stop()
    assert not (team.records / "views").exists() and not (team.records / "reports").exists()
    engine = sa.create_engine(team.db_url)
    with engine.connect() as conn:
        kinds = conn.execute(sa.text("SELECT kind FROM documents WHERE entity = 'lab'")).scalars()
        assert sorted(kinds) == ["reports", "views"]
    engine.dispose()
    with team.server.client(team.keys["mem"]) as mem:
        r = mem.put(f"{P}/reports/{report_id}", json={"title": "Week 2", "base": 1.0})
        assert r.status_code == 409 and "changed by someone else" in r.json()["detail"]
        assert mem.delete(f"{P}/views/{view_id}").status_code == 200
        assert mem.get(f"{P}/views/default").json() == {"view": None}


def _changed(client, cursor: int) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    body = client.get("/api/v1/changes", params={"since": cursor}).json()
    return {(c["entity"], c["project"]) for c in (*body["projects"], *body["runs"])}


def test_the_change_feed_names_only_projects_the_caller_may_read(team: Team) -> None:
    callers = {n: team.server.client(team.keys.get(n)) for n in ("alice", "eve", "anonymous")}
    cursors = {n: c.get("/api/v1/changes").json()["cursor"] for n, c in callers.items()}
    for entity, project in (("alice", "priv"), ("lab", "pub")):
        w = RunWriter(team.records, entity, project, f"{entity}{project}new")
        w.history([(0, {"loss": 1.0})])
        w.finish()
    deadline = time.monotonic() + 30
    while ("alice", "priv") not in _changed(callers["alice"], cursors["alice"]):
        assert time.monotonic() < deadline, "alice never saw her own project change"
        time.sleep(0.3)
    assert ("lab", "pub") in _changed(callers["alice"], cursors["alice"])
    for name in ("eve", "anonymous"):
        seen = _changed(callers[name], cursors[name])
        assert ("lab", "pub") in seen and ("alice", "priv") not in seen, (name, seen)
    for c in callers.values():
        c.close()


def test_server_admins_see_every_user_and_team(team: Team) -> None:
    with team.server.client(team.keys["root"]) as root:
        r = root.get("/api/v1/admin/overview")
        assert r.status_code == 200, r.text
        body = r.json()
    users = {u["name"]: u for u in body["users"]}
    assert {"root", "alice", "tadmin", "mem", "view", "eve"} <= users.keys()
    assert users["root"]["admin"] is True and users["eve"]["admin"] is False
    assert users["mem"]["teams"] == {"lab": "member"} and users["eve"]["teams"] == {}
    (lab,) = [t for t in body["teams"] if t["name"] == "lab"]
    assert {(m["user"], m["role"]) for m in lab["members"]} == {
        ("tadmin", "admin"),
        ("mem", "member"),
        ("view", "viewer"),
    }
    with team.server.client(team.keys["tadmin"]) as tadmin:  # a team admin is not one
        r = tadmin.get("/api/v1/admin/overview")
        assert r.status_code == 403 and "server admin" in r.json()["detail"]
