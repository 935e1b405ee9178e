"""``runbase.Api``: read and edit runs, as W&B's public API does (local store)."""

from runbase.api.api import Api, Project, RunNotFoundError, Runs
from runbase.api.run import Run
from runbase.api.run_parts import File, Summary

__all__ = ["Api", "File", "Project", "Run", "RunNotFoundError", "Runs", "Summary"]
