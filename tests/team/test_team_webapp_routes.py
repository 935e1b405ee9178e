"""The two routes the web app asks a team server first: who is signed in, and a
project's visibility; their documented answers."""

from __future__ import annotations

from runbase.server.team.app import create_team_app

from .conftest import PASSWORD, Team


def test_routes_document_their_answers() -> None:
    paths = create_team_app("sqlite://", "x" * 16).openapi()["paths"]
    server = paths["/api/v1/server"]["get"]["responses"]
    vis = paths["/api/v1/projects/{entity}/{project}/visibility"]["get"]["responses"]
    assert {"200", "400", "401"} <= set(server)
    assert {"200", "400", "401", "404"} <= set(vis)


def test_server_says_who_is_signed_in(team: Team) -> None:
    with team.server.client() as c:
        assert c.get("/api/v1/server").json() == {
            "team": True,
            "user": None,
            "admin": False,
            "scope": "read",
            "teams": {},
        }
        r = c.post("/api/v1/auth/login", json={"name": "mem", "password": PASSWORD})
        me = c.get("/api/v1/server").json()
    assert r.status_code == 200
    assert me == {
        "team": True,
        "user": "mem",
        "admin": False,
        "scope": "write",
        "teams": {"lab": "member"},
    }


def test_visibility_is_read_by_those_who_may_read(team: Team) -> None:
    with team.server.client() as anon:
        assert anon.get("/api/v1/projects/lab/pub/visibility").json()["visibility"] == "public"
        assert anon.get("/api/v1/projects/lab/priv/visibility").status_code == 401
        bad = anon.get("/api/v1/projects/lab/%3Abad/visibility")
    assert bad.status_code == 400 and "names cannot contain" in bad.json()["detail"]
    with team.server.client(team.keys["view"]) as c:
        assert c.get("/api/v1/projects/lab/priv/visibility").json()["visibility"] == "private"
    with team.server.client(team.keys["eve"]) as c:
        assert c.get("/api/v1/projects/lab/priv/visibility").status_code == 404
