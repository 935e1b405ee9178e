"""The blob routes as the team server's OpenAPI schema documents them: bodies,
answers and every refusal (400, 401, 403, 404) with its body."""

from __future__ import annotations

from pathlib import Path

import pytest

from runbase.server.team.app import create_team_app

BASE = "/api/v1/blobs/{entity}/{project}"


def test_blob_routes_document_their_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RUNBASE_DIR", str(tmp_path))
    schema = create_team_app("sqlite://", "x" * 16).openapi()
    paths = schema["paths"]
    routes = [
        paths[BASE + "/uploads"]["post"],
        paths[BASE + "/{sha256}"]["put"],
        paths[BASE + "/{sha256}/done"]["post"],
        paths[BASE + "/runs/{run_id}/files"]["post"],
    ]
    for op in routes:
        assert {"200", "400", "401", "403", "404"} <= set(op["responses"])
        assert "422" not in op["responses"]
    assert "application/octet-stream" in routes[1]["requestBody"]["content"]
    models = schema["components"]["schemas"]
    assert set(models["BlobAnswer"]["properties"]) == {"sha256", "stored", "upload"}
    assert set(models["Upload"]["properties"]) == {"url", "method", "auth", "done"}
    assert set(models["RunFile"]["properties"]) == {"path", "sha256", "size"}
