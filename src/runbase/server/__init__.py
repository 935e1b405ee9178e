"""The web app's HTTP server (FastAPI): the JSON API and the built front end."""

from runbase.server.app import create_app

__all__ = ["create_app"]
