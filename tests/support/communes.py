# SPDX-License-Identifier: MIT
"""A second commune for the tests: Saint-Germain-en-Laye, added through the real CLI."""

from __future__ import annotations

from mobility.cli import main
from tests.support.paths import SAINT_GERMAIN

SAINT_GERMAIN_GRAPH = SAINT_GERMAIN / "osm_all_private_graph_saint-germain-en-laye_osmnx.graphml.gz"


def run_cli(url: str, *args: str) -> int:
    """Run the ``mobility`` command against a store; return its exit code."""
    return main(["--database-url", url, *args])


def add_saint_germain(url: str) -> int:
    """Add 78551 (streets with one-way tags, no population, no assets) to a store."""
    return run_cli(
        url,
        "commune",
        "add",
        "78551",
        "--name",
        "Saint-Germain-en-Laye",
        "--boundary",
        str(SAINT_GERMAIN / "boundary_78551.geojson"),
        "--streets",
        str(SAINT_GERMAIN_GRAPH),
        "--attribution",
        "streets=© OpenStreetMap contributors",
    )
