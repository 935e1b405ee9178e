"""Every JSON route documents its body: the web app's TypeScript types are
generated from /api/v1/openapi.json, so a route without a response model
would leave the app with `unknown`."""

from __future__ import annotations

from pathlib import Path

from runbase.server.app import create_app

NOT_JSON = {"runs.csv", "logs.txt", "{path}"}


def test_every_json_route_names_a_response_model(tmp_path: Path) -> None:
    schema = create_app(tmp_path).openapi()  # what /api/v1/openapi.json serves
    models = schema["components"]["schemas"]
    missing = []
    for path, ops in schema["paths"].items():
        if path.rsplit("/", 1)[-1] in NOT_JSON:
            continue
        for method, op in ops.items():
            content = op["responses"]["200"]["content"]
            if "application/json" not in content:  # MessagePack (routes/exact.py)
                continue
            body = content["application/json"]["schema"]
            name = body.get("$ref", "").rsplit("/", 1)[-1]
            if not models.get(name, {}).get("properties"):
                missing.append(f"{method.upper()} {path}")
    assert missing == []


def test_a_run_is_documented_field_by_field(tmp_path: Path) -> None:
    schema = create_app(tmp_path).openapi()  # what /api/v1/openapi.json serves
    run = schema["components"]["schemas"]["RunDetail"]
    assert {"id", "state", "config", "summary", "metric_min", "metadata"} <= set(run["required"])
