"""Every route of the team server, for every kind of caller, on private and
public projects of a user and of a team: the status each must get.

The routes come from the app itself, and each needs a rule in ``RULES``: a new
route without one fails ``test_every_route_has_a_rule``. An allowed call must
answer what the server admin's call answers (the route's own answer: 200, or
its own 400/404 for the made-up names below); a refused one gets 401
(anonymous, bad key), 404 (may not even see it) or 403 (may see, not change).
Write calls name a run and sweep that do not exist, so nothing changes.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from runbase.server.team.app import create_team_app

from .conftest import Team

P = "/api/v1/projects/{entity}/{project}"
# rule: read | write | manage (of the project), or an account rule.
RULES: dict[tuple[str, str], str] = {
    # These two read no caller: what they are sent is the credential.
    ("POST", "/api/v1/admin/bootstrap"): "open",
    ("POST", "/api/v1/auth/login"): "open",
    # The OpenID Connect sign-in reads no caller either: the provider's answer is.
    ("GET", "/api/v1/auth/oidc"): "open",
    ("GET", "/api/v1/auth/oidc/login"): "open",
    ("GET", "/api/v1/auth/oidc/callback"): "open",
    ("POST", "/api/v1/auth/logout"): "anyone",
    ("GET", "/api/v1/auth/me"): "signed_in",
    ("POST", "/api/v1/users"): "site_admin",
    ("GET", "/api/v1/admin/overview"): "site_admin",
    ("POST", "/api/v1/teams"): "signed_in",
    ("GET", "/api/v1/teams/{team}"): "team_member",
    ("PUT", "/api/v1/teams/{team}/members/{user}"): "team_admin",
    ("DELETE", "/api/v1/teams/{team}/members/{user}"): "team_admin",
    ("GET", "/api/v1/keys"): "signed_in",
    ("POST", "/api/v1/keys"): "signed_in",
    ("DELETE", "/api/v1/keys/{key_id}"): "signed_in",
    ("GET", "/api/v1/projects"): "anyone",
    ("PUT", P + "/visibility"): "manage",
    # What the web app asks first: never a 401 for anonymous callers (public projects).
    ("GET", "/api/v1/server"): "anyone",
    ("GET", P + "/visibility"): "read",
    ("PATCH", P + "/runs/{run_id}"): "write",
    ("DELETE", P + "/runs/{run_id}"): "write",
    ("POST", P + "/runs/delete"): "write",
    ("POST", P + "/runs/tags"): "write",
    ("POST", P + "/runs/{run_id}/stop"): "write",
    ("POST", P + "/sweeps/{sweep_id}/state"): "write",
    ("POST", P + "/exact/runs/{run_id}/edit"): "write",
    # Saved views and reports: rows of the database, read like the project, written by members.
    ("POST", P + "/views"): "write",
    ("PUT", P + "/views/default"): "write",
    ("PUT", P + "/views/{view_id}"): "write",
    ("DELETE", P + "/views/{view_id}"): "write",
    ("POST", P + "/reports"): "write",
    ("PUT", P + "/reports/{report_id}"): "write",
    ("DELETE", P + "/reports/{report_id}"): "write",
    # The change feed answers everyone, naming only projects they may read.
    ("GET", "/api/v1/changes"): "anyone",
    # Shipping runs: the shipper reads where to resume as it writes, with a write key.
    ("POST", "/api/v1/ingest/{entity}/{project}/{run_id}/{segment}"): "write",
    ("GET", "/api/v1/ingest/{entity}/{project}/{run_id}/{segment}"): "write",
    # Pieces of many runs at once: a key needed; each piece is checked for write access
    # to its project (tests/team/test_ingest_many.py).
    ("POST", "/api/v1/ingest"): "signed_in",
    # Shipping runs' files: blobs are announced, uploaded and mapped with a write key.
    ("POST", "/api/v1/blobs/{entity}/{project}/uploads"): "write",
    ("PUT", "/api/v1/blobs/{entity}/{project}/{sha256}"): "write",
    ("POST", "/api/v1/blobs/{entity}/{project}/{sha256}/done"): "write",
    ("POST", "/api/v1/blobs/{entity}/{project}/runs/{run_id}/files"): "write",
}
READS = [
    "",
    "/columns",
    "/runs",
    "/runs.csv",
    "/runs/{run_id}",
    "/groups",
    "/groups/aggregates",
    "/series",
    "/runs/{run_id}/series",
    "/runs/{run_id}/metrics",
    "/runs/{run_id}/history",
    "/runs/{run_id}/system",
    "/runs/{run_id}/logs",
    "/runs/{run_id}/logs.txt",
    "/runs/{run_id}/files",
    "/runs/{run_id}/files/{path}",
    "/media/keys",
    "/media/steps",
    "/media",
    "/media/first",
    "/runs/{run_id}/table",
    "/runs/{run_id}/histogram",
    "/runs/{run_id}/chart",
    "/artifacts",
    "/artifacts/{name}/versions",
    "/artifacts/{name}/versions/{version}",
    "/artifacts/{name}/versions/{version}/files",
    "/artifacts/{name}/versions/{version}/files/{path}",
    "/artifacts/{name}/versions/{version}/lineage",
    "/runs/{run_id}/artifacts",
    "/runs/{run_id}/lineage",
    "/sweeps",
    "/sweeps/{sweep_id}",
    "/values",
    # runbase.Api over HTTP (routes/exact.py)
    "/exact/runs",
    "/exact/runs/{run_id}",
    "/exact/stats",
    "/exact/runs/{run_id}/history",
    "/exact/runs/{run_id}/history/page",
    "/exact/runs/{run_id}/system",
    "/runs/{run_id}/logs/tail",
    "/views",
    "/views/default",
    "/views/{view_id}",
    "/reports",
    "/reports/{report_id}",
]
RULES.update({("GET", P + r): "read" for r in READS})
RULES[("POST", P + "/importance")] = "read"
RULES[("POST", P + "/series/batch")] = "read"  # a read with its keys in the body
RULES[("POST", P + "/system/batch")] = "read"

CALLERS = ("anonymous", "alice", "tadmin", "mem", "view", "eve", "revoked")
# Role rank of each caller in each entity (3 owns or administers, 2 member, 1 viewer).
RANK = {"alice": {"alice": 3}, "tadmin": {"lab": 3}, "mem": {"lab": 2}, "view": {"lab": 1}}
NEED = {"read": 1, "write": 2, "manage": 3}


def _team_routes() -> set[tuple[str, str]]:
    app = create_team_app("sqlite://", "x" * 16)
    # The OpenAPI schema is generated from app.routes: every API route is in it.
    paths = app.openapi()["paths"]
    return {(method.upper(), path) for path, ops in paths.items() for method in ops}


def test_every_route_has_a_rule() -> None:
    routes = _team_routes()
    assert routes - RULES.keys() == set(), "routes without a rule: add them to RULES"
    assert RULES.keys() - routes == set(), "rules for routes the app no longer has"


def _url(path: str, team: Team, entity: str, project: str, write: bool) -> str:
    values = {
        "entity": entity,
        "project": project,
        "run_id": "nosuchrun" if write else team.runs[(entity, project)],
        "sweep_id": "nosuchsweep",
        "path": "notes.txt",
        "name": "nosuchartifact",
        "version": "v0",
        "team": "lab",
        "user": "nosuchuser",
        "key_id": "999999",
        "segment": "1-1.rbr",
        "sha256": "0" * 64,
        "view_id": "nosuchview",
        "report_id": "0" * 12,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def _body(method: str, path: str) -> Any:
    if path.endswith("/visibility"):
        return None  # set per project: the visibility it has already
    if path.endswith(("/users", "/teams")):
        return {"name": "Bad Name!", "password": "x"}
    if path.endswith("/members/{user}"):
        return {"role": "member"}
    if path.endswith("/auth/login") or path.endswith("/bootstrap"):
        return {"name": "nosuchuser", "password": "wrong"}
    return {} if method in ("POST", "PUT", "PATCH") else None


def _call(team: Team, caller: str, method: str, url: str, body: Any) -> tuple[int, str]:
    if url.endswith("/auth/login"):
        # A user name per caller: five failures in a row would lock the next out.
        body = {"name": f"nosuchuser-{caller}", "password": "wrong"}
    client = team.clients.get(caller)
    if client is None:
        key = None if caller == "anonymous" else team.keys[caller]
        client = team.clients[caller] = team.server.client(key)
    r = client.request(method, url, json=body) if body is not None else client.request(method, url)
    detail = r.json().get("detail", "") if "json" in r.headers.get("content-type", "") else ""
    return r.status_code, detail if r.status_code >= 400 else ""


def _expected_project(rule: str, caller: str, entity: str, public: bool) -> int | None:
    """None: allowed (answers as the server admin's call does); else the refusal."""
    if caller == "revoked":
        return 401
    rank = RANK.get(caller, {}).get(entity, 0)
    if rank >= NEED[rule] or (rule == "read" and public):
        return None
    if caller == "anonymous":
        return 401
    return 404 if rank == 0 and not public else 403


def _expected_account(rule: str, caller: str) -> int | None:
    if rule == "open":
        return None
    if caller == "revoked":
        return 401
    if rule == "anyone":
        return None
    if caller == "anonymous":
        return 401
    if rule == "site_admin":
        return 403
    if rule == "team_member":
        return None if caller in ("tadmin", "mem", "view") else 404
    if rule == "team_admin":
        return None if caller == "tadmin" else 403 if caller in ("mem", "view") else 404
    return None


def _cases() -> list[tuple[str, str, str]]:
    return sorted((m, p, r) for (m, p), r in RULES.items())


@pytest.mark.parametrize(("method", "path", "rule"), _cases())
def test_route_matrix(team: Team, method: str, path: str, rule: str) -> None:
    wrong = []
    projects = [("alice", "priv"), ("alice", "pub"), ("lab", "priv"), ("lab", "pub")]
    targets = projects if rule in NEED else [("lab", "priv")]
    for entity, project in targets:
        public = project == "pub"
        url = _url(path, team, entity, project, write=rule != "read")
        body = _body(method, path)
        if path.endswith("/visibility"):
            body = {"visibility": "public" if public else "private"}
        baseline = _call(team, "root", method, url, body)
        if rule != "open":
            assert baseline[0] not in (401, 403), (url, baseline)
        for caller in CALLERS:
            if rule in NEED:
                expected = _expected_project(rule, caller, entity, public)
            else:
                expected = _expected_account(rule, caller)
            got = _call(team, caller, method, url, body)
            if path == "/api/v1/keys" and method == "POST" and expected is None:
                ok = got[0] == 201
            else:
                ok = got == baseline if expected is None else got[0] == expected
            if not ok:
                wrong.append(f"{caller} {method} {url}: got {got}, expected {expected or baseline}")
    assert not wrong, "\n".join(wrong)
