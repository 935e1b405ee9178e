"""The ingest routes as the team server's OpenAPI schema documents them: a raw
body, the ack, and every refusal (400, 401, 403, 404, 409, 413) with its body."""

from __future__ import annotations

from runbase.server.team.app import create_team_app

PATH = "/api/v1/ingest/{entity}/{project}/{run_id}/{segment}"


def test_ingest_routes_document_their_answers() -> None:
    schema = create_team_app("sqlite://", "x" * 16).openapi()
    post, get = schema["paths"][PATH]["post"], schema["paths"][PATH]["get"]
    assert "application/octet-stream" in post["requestBody"]["content"]
    assert {"200", "400", "401", "403", "404", "409", "413"} <= set(post["responses"])
    assert {"200", "400", "401", "403", "404"} <= set(get["responses"])
    assert "422" not in post["responses"]
    models = schema["components"]["schemas"]
    assert set(models["Ingested"]["properties"]) == {"acked", "url", "stop"}
    assert set(models["Refused"]["properties"]) == {"acked", "detail"}
    offset = next(p for p in post["parameters"] if p["name"] == "offset")
    assert offset["in"] == "query"
