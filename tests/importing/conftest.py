# SPDX-License-Identifier: MIT
"""Fixtures of the import tests: the cut region files, and an empty store URL per backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.idf_import import ImportFiles, cut_region
from tests.support.stores import empty_postgis, postgis_url_or_skip


@pytest.fixture(scope="session")
def region(tmp_path_factory: pytest.TempPathFactory) -> ImportFiles:
    """The idf-context files cut to the 10e, the 9e and 600 m around them."""
    return cut_region(tmp_path_factory.mktemp("region"))


@pytest.fixture(params=["sqlite", "postgis"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of an empty store, once on SQLite and once on PostGIS."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'import.sqlite'}"
        return
    url = postgis_url_or_skip()
    empty_postgis(url).close()
    yield url
