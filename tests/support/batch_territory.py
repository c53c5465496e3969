# SPDX-License-Identifier: MIT
"""A small territory for the batch tests: the shipped commune, the grid communes, a broken one.

The grid communes are those of :mod:`tests.support.adjacent`, the home commune with one charger;
the broken commune has the home commune's outline and a stored street file cut short, as a
corrupted upload would leave it.
"""

from __future__ import annotations

from dataclasses import replace

from mobility.commune import CommuneInputs, SourceFile, build_commune
from mobility.store import Store, open_store
from tests.support.adjacent import (
    HOME,
    HOME_SQUARE,
    INSIDE_CHARGER_M,
    boundary_file,
    grid_streets,
    save_communes,
)
from tests.support.builders import charging_point
from tests.support.loop_streets import graphml_streets, to_lonlat

BROKEN = "94009"


def save_broken(store: Store) -> None:
    """Store a commune whose street file is not a graph (as a corrupted upload would be)."""
    inputs = CommuneInputs(
        code=BROKEN,
        name="Broken",
        boundary=SourceFile("boundary", "boundary.geojson", boundary_file(HOME_SQUARE)),
        streets=SourceFile("streets", "grid.graphml", graphml_streets(grid_streets())),
    )
    record, files = build_commune(inputs)
    files = [
        replace(file, content=b"<graphml>cut short") if file.role == "streets" else file
        for file in files
    ]
    store.save_commune(record, files)


def build_territory(url: str) -> None:
    """Add the grid communes (a charger in the home one) and the broken commune to a store."""
    store = open_store(url)
    try:
        save_communes(store)
        lon, lat = to_lonlat(*INSIDE_CHARGER_M)
        store.add_assets(
            [charging_point("FRTESTE94001", lon, lat, commune=HOME, code_insee_commune=HOME)]
        )
        save_broken(store)
    finally:
        store.close()
