# SPDX-License-Identifier: MIT
"""The batch tests' cluster (two real worker processes, started once) and their territory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from distributed import Client, LocalCluster

from tests.support.batch_territory import build_territory


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
