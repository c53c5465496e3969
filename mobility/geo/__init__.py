# SPDX-License-Identifier: MIT
"""Coordinate systems: EPSG:4326 on the wire, Lambert-93 (EPSG:2154) for every metric computation.

Distances and areas are never computed in degrees. Every module that needs metres goes through the
transformers here so the choice of metric CRS lives in one place.
"""

from __future__ import annotations

from functools import cache
from typing import TypeVar

import numpy as np
import shapely
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

GeometryT = TypeVar("GeometryT", bound=BaseGeometry)

WIRE_CRS = "EPSG:4326"
METRIC_CRS = "EPSG:2154"

# Lambert-93's domain of validity (metropolitan France and Corsica), lon/lat degrees.
FRANCE_BOUNDS = (-9.86, 41.15, 10.38, 51.56)


@cache
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_metric(geometry: GeometryT) -> GeometryT:
    """Project a lon/lat geometry to Lambert-93 metres."""
    return _reproject(geometry, _transformer(WIRE_CRS, METRIC_CRS))


def to_wire(geometry: GeometryT) -> GeometryT:
    """Project a Lambert-93 geometry back to lon/lat degrees."""
    return _reproject(geometry, _transformer(METRIC_CRS, WIRE_CRS))


def _reproject(geometry: GeometryT, transformer: Transformer) -> GeometryT:
    """Apply a transformer to every coordinate of a geometry at once."""

    def apply(coordinates: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(coordinates[:, 0], coordinates[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geometry, apply)  # type: ignore[no-any-return]


def metric_transformer() -> Transformer:
    """Return the shared lon/lat → Lambert-93 transformer (``always_xy``), for array work."""
    return _transformer(WIRE_CRS, METRIC_CRS)


def wire_transformer() -> Transformer:
    """Return the shared Lambert-93 → lon/lat transformer (``always_xy``), for array work."""
    return _transformer(METRIC_CRS, WIRE_CRS)


def in_france(lon: float, lat: float) -> bool:
    """Tell whether a lon/lat pair falls in the box where Lambert-93 is valid."""
    west, south, east, north = FRANCE_BOUNDS
    return west <= lon <= east and south <= lat <= north
