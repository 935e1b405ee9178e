"""Print the HTTP API's OpenAPI schema (JSON), for the web app's generated types.

    python -m runbase.server.openapi_dump [OUT.json]

``make ui`` runs it and turns the schema into TypeScript with openapi-typescript,
so the front end's API types always follow the server's routes.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from runbase.server.app import create_app


def schema() -> dict:
    """The schema of an app over a throwaway empty store (the routes do not depend on it)."""
    with tempfile.TemporaryDirectory(prefix="runbase-openapi-") as tmp:
        return create_app(tmp).openapi()


def main(argv: list[str]) -> None:
    text = json.dumps(schema(), indent=1, sort_keys=True) + "\n"
    if argv:
        Path(argv[0]).write_text(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main(sys.argv[1:])
