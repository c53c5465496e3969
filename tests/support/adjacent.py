# SPDX-License-Identifier: MIT
"""Two communes side by side on one street grid, and their distances the slow, independent way.

The grid is drawn in metres from :data:`tests.support.loop_streets.ORIGIN`: streets every 100 m,
x from 0 to 1,400 and y from 0 to 1,000. The home commune is the square x, y in [-50, 1,050]; its
neighbour is the square east of it, x in [1,050, 2,150]: the line runs at x = 1,050, half-way
between two streets. The home commune is stored with a margin, so its street file (this grid)
reaches 350 m into the neighbour. Its one population zone is drawn 100 m past the line (its
centre inside), as zones of another year or source often are: the homes must still all stand
inside the commune, and the zone's population beyond the line (by area) is left out.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely
from shapely.geometry import LineString, Point

from mobility.commune import CommuneInputs, SourceFile, build_commune
from mobility.demand import DemandPoints
from mobility.geo import metric_transformer
from mobility.store.base import Store
from tests.support.loop_streets import ORIGIN, Position, Street, graphml_streets, to_lonlat

HOME = "94001"
NEIGHBOUR = "94002"
BARE = "94003"
"""A commune with the home commune's outline and files but no margin: the answers of old."""

MARGIN_M = 500.0
STEP_M = 100.0
X_MAX_M = 1_400.0
Y_MAX_M = 1_000.0
LINE_X_M = 1_050.0
ZONE_POPULATION = 12_000.0
HOME_SQUARE = (-50.0, -50.0, LINE_X_M, 1_050.0)
NEIGHBOUR_SQUARE = (LINE_X_M, -50.0, 2_150.0, 1_050.0)
ZONE_SQUARE = (-50.0, -50.0, LINE_X_M + 100.0, 1_050.0)

INSIDE_CHARGER_M = (250.0, 200.0)
"""A charger of the home commune, on the street y = 200 m."""
ACROSS_CHARGER_M = (LINE_X_M + 150.0, 550.0)
"""The neighbour's charger, 150 m across the line, on the street x = 1,200 m."""


def grid_streets() -> list[Street]:
    """Every 100 m piece of the grid, one street per piece between two crossings."""
    columns = int(X_MAX_M // STEP_M) + 1
    rows = int(Y_MAX_M // STEP_M) + 1

    def node(i: int, j: int) -> int:
        return i * 100 + j

    streets = []
    for i in range(columns):
        for j in range(rows):
            x, y = i * STEP_M, j * STEP_M
            if i + 1 < columns:
                streets.append(Street(node(i, j), node(i + 1, j), ((x, y), (x + STEP_M, y))))
            if j + 1 < rows:
                streets.append(Street(node(i, j), node(i, j + 1), ((x, y), (x, y + STEP_M))))
    return streets


def square_geometry(square: tuple[float, float, float, float]) -> dict[str, Any]:
    """A lon/lat polygon of a square given in metres, densified so its sides stay straight."""
    west, south, east, north = square
    ring = LineString([(west, south), (east, south), (east, north), (west, north), (west, south)])
    dense = shapely.segmentize(ring, 10.0)
    return {"type": "Polygon", "coordinates": [[list(to_lonlat(x, y)) for x, y in dense.coords]]}


def _feature_collection(features: list[dict[str, Any]]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def boundary_file(square: tuple[float, float, float, float]) -> bytes:
    """A one-commune boundary GeoJSON."""
    return _feature_collection(
        [{"type": "Feature", "geometry": square_geometry(square), "properties": {}}]
    )


def population_file() -> bytes:
    """One zone drawn 100 m past the line, its centre inside the home commune."""
    properties = {"zone": "Z1", "population": ZONE_POPULATION}
    return _feature_collection(
        [{"type": "Feature", "geometry": square_geometry(ZONE_SQUARE), "properties": properties}]
    )


def save_communes(store: Store) -> None:
    """Store the home commune (with its margin), its neighbour and the bare twin."""
    streets = graphml_streets(grid_streets())
    plan = (
        (HOME, HOME_SQUARE, MARGIN_M, True),
        (NEIGHBOUR, NEIGHBOUR_SQUARE, MARGIN_M, False),
        (BARE, HOME_SQUARE, None, True),
    )
    for code, square, margin_m, populated in plan:
        inputs = CommuneInputs(
            code=code,
            name=f"Commune {code}",
            boundary=SourceFile("boundary", "boundary.geojson", boundary_file(square)),
            streets=SourceFile("streets", "grid.graphml", streets),
            population=(
                SourceFile("population", "zones.geojson", population_file()) if populated else None
            ),
            population_field="population" if populated else None,
            zone_id_field="zone" if populated else None,
            margin_m=margin_m,
        )
        record, files = build_commune(inputs)
        store.save_commune(record, files)


def metres_from_origin(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points in metres from the grid's origin (Lambert-93)."""
    x, y = metric_transformer().transform(lon, lat)
    return np.asarray(x) - ORIGIN[0], np.asarray(y) - ORIGIN[1]


def position_of(streets: Sequence[Street], x: float, y: float) -> Position:
    """Where a point stands on the grid: its nearest street, by brute force over every street."""
    point = Point(x, y)
    nearest = min(range(len(streets)), key=lambda i: streets[i].line.distance(point))
    line = streets[nearest].line
    return Position(nearest, float(line.project(point)), float(line.distance(point)))


def demand_positions(streets: Sequence[Street], demand: DemandPoints) -> list[Position]:
    """The demand points' places on the grid (they are spread along its streets)."""
    points = demand.points.geometry
    x, y = metres_from_origin(points.x.to_numpy(), points.y.to_numpy())
    return [position_of(streets, float(a), float(b)) for a, b in zip(x, y, strict=True)]
