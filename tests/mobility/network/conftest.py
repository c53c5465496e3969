# SPDX-License-Identifier: MIT
"""Shared street graphs: each fixture file is loaded once per test session."""

from __future__ import annotations

import networkx as nx
import pytest

from mobility.network import load_streets
from tests.mobility.network.support import GARE_DU_NORD_OSM, PARIS_GRAPHML, SGL_GRAPHML


@pytest.fixture(scope="session")
def paris() -> nx.MultiDiGraph:
    return load_streets(PARIS_GRAPHML)


@pytest.fixture(scope="session")
def sgl() -> nx.MultiDiGraph:
    return load_streets(SGL_GRAPHML)


@pytest.fixture(scope="session")
def gare_du_nord() -> nx.MultiDiGraph:
    return load_streets(GARE_DU_NORD_OSM)
