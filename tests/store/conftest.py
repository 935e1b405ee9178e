"""Fixtures for store tests. ``store`` runs each test on SQLite and on PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from recordkit import Records, backend_store, private_schema

from runbase.store import open_store


@pytest.fixture
def root(tmp_path: Path) -> Path:
    d = tmp_path / "rb"
    d.mkdir()
    return d


@pytest.fixture
def records(root: Path) -> Records:
    return Records(root)


@pytest.fixture
def pg_url() -> Any:
    with private_schema() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, root: Path) -> Any:
    with backend_store(request.param, root) as s:
        yield s


@pytest.fixture
def sqlite_store(root: Path) -> Any:
    s = open_store(root)
    yield s
    s.close()
