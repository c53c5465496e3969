# SPDX-License-Identifier: MIT
"""The batch tests' cluster (two real worker processes, started once) and their territory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from distributed import Client, LocalCluster

from tests.support.batch_territory import build_territory
from tests.support.idf_import import ImportFiles, cut_region


@pytest.fixture(scope="package")
def dask_client() -> Iterator[Client]:
    """One local cluster of two real worker processes for every batch test."""
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


@pytest.fixture
def territory(sample_store_url: str) -> str:
    """The shipped commune, the grid communes with one charger and a broken commune."""
    build_territory(sample_store_url)
    return sample_store_url


ARRONDISSEMENTS = ("75102", "75103", "75104")
"""The three arrondissements the import batch tests cut and import (small, side by side)."""


@pytest.fixture(scope="package")
def paris_region(tmp_path_factory: pytest.TempPathFactory) -> ImportFiles:
    """The idf-context files cut to the 2e, 3e and 4e arrondissements and 600 m around them."""
    return cut_region(tmp_path_factory.mktemp("paris-region"), ARRONDISSEMENTS)
