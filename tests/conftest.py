# SPDX-License-Identifier: MIT
"""Shared fixtures: stores on both backends, the shipped commune, the app and its clients."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.settings import Settings
from mobility.coverage.context import CommuneContext, ContextCache
from mobility.store import SqlStore, open_store
from tests.support.stores import (
    build_sample,
    copy_sqlite,
    empty_postgis,
    fresh_store,
    postgis_url_or_skip,
    sample_postgis,
)

API_KEY = "test-key-0123456789abcdef"


@pytest.fixture(params=["sqlite", "postgis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SqlStore]:
    """An empty store, once on SQLite and once on PostGIS."""
    yield from fresh_store(request.param, tmp_path)


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store, once on SQLite and once on PostGIS."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'import.sqlite'}"
        return
    url = postgis_url_or_skip()
    empty_postgis(url).close()
    yield url


@pytest.fixture(scope="session")
def sample_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file holding the shipped commune, built once per session."""
    path = tmp_path_factory.mktemp("sample") / "sample.sqlite"
    build_sample(path)
    return path


@pytest.fixture(scope="session")
def paris_store(sample_template: Path) -> Iterator[SqlStore]:
    """The shipped commune, opened once for the tests that only read it (never write to it)."""
    opened = open_store(f"sqlite:///{sample_template}")
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def paris_context(paris_store: SqlStore) -> CommuneContext:
    """Paris 10e's streets, demand and engines, built once for the domain tests."""
    return ContextCache().get(paris_store, "75110")


@pytest.fixture
def sample_url(sample_template: Path, tmp_path: Path) -> str:
    """A private copy of the shipped-commune store (tests may write to it)."""
    return copy_sqlite(sample_template, tmp_path / "sample.sqlite")


@pytest.fixture(params=["sqlite", "postgis"])
def sample_store_url(
    request: pytest.FixtureRequest, sample_template: Path, tmp_path: Path
) -> Iterator[str]:
    """The shipped commune on each backend: a SQLite copy, or PostGIS filled from it."""
    if request.param == "sqlite":
        yield copy_sqlite(sample_template, tmp_path / "sample.sqlite")
        return
    yield sample_postgis(sample_template)


@pytest.fixture
def sample_store(sample_store_url: str) -> Iterator[SqlStore]:
    """The shipped commune's store on each backend, opened for the test (it may write)."""
    opened = open_store(sample_store_url)
    yield opened
    opened.close()


UNLIMITED = {
    "rate_limit_reads": 0,
    "rate_limit_analyses": 0,
    "rate_limit_writes": 0,
    "rate_limit_per_key": 0,
}
"""The per-client and per-key budgets off: the suite sends far more from one address than any
client would (the wrong-key lockout stays on; tests of the budgets set them)."""


def make_settings(database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {"api_keys": [API_KEY], **UNLIMITED, **overrides}
    return Settings(database_url=database_url, **values)  # type: ignore[arg-type]


@pytest.fixture
def client(sample_url: str) -> Iterator[TestClient]:
    """A client of the app over a private copy of the shipped commune (SQLite)."""
    with TestClient(create_app(make_settings(sample_url))) as test_client:
        yield test_client


@pytest.fixture
def any_client(sample_store_url: str) -> Iterator[TestClient]:
    """A client of the app over the shipped commune, once per backend."""
    with TestClient(create_app(make_settings(sample_store_url))) as test_client:
        yield test_client
