# SPDX-License-Identifier: MIT
"""Checks shared by every reader: a lon/lat position, and a GeoJSON geometry turned into a point.

Every asset is a point. A source that draws an asset as an area (a car park mapped as a polygon)
keeps the outline as ``footprint`` and the point becomes its centroid, computed in Lambert-93 so
that it is the true centre of the area and not a centre in degrees.
"""

from __future__ import annotations

import math
from typing import Any

from shapely.geometry import MultiPolygon, Polygon
from shapely.validation import explain_validity

from mobility.geo import FRANCE_BOUNDS, in_france, to_metric, to_wire


class FeatureProblem(Exception):  # noqa: N818 (a row's problem to report, not a fault)
    """A problem with one feature or row, tied to the field at fault (never escapes a reader)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def is_number(value: object) -> bool:
    """Tell whether a JSON value is a finite number (booleans are not numbers)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def position_problem(lon: float, lat: float) -> str | None:
    """Return why a lon/lat pair cannot be used, or ``None`` when it is fine.

    The service covers the Lambert-93 area (metropolitan France and Corsica). A pair that falls
    outside it but inside it once swapped is reported as swapped, the commonest mistake.
    """
    if not (math.isfinite(lon) and math.isfinite(lat)):
        return "The coordinates must be finite numbers."
    if in_france(lon, lat):
        return None
    if in_france(lat, lon):
        return (
            f"The coordinates [{lon}, {lat}] look swapped (latitude first): "
            f"write [longitude, latitude], here [{lat}, {lon}]."
        )
    west, south, east, north = FRANCE_BOUNDS
    return (
        f"The point (longitude {lon}, latitude {lat}) is outside metropolitan France and "
        f"Corsica (longitude {west} to {east}, latitude {south} to {north})."
    )


def _position(value: Any, where: str) -> tuple[float, float]:
    if not isinstance(value, list) or len(value) < 2:
        raise FeatureProblem("geometry", f"{where} must be an array [longitude, latitude].")
    lon, lat = value[0], value[1]
    if not (is_number(lon) and is_number(lat)):
        raise FeatureProblem(
            "geometry", f"{where} must hold two numbers, got {json_repr(value[:2])}."
        )
    return float(lon), float(lat)


def json_repr(value: Any) -> str:
    """Return a short printable form of a JSON value for a message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _ring(value: Any, where: str) -> list[tuple[float, float]]:
    if not isinstance(value, list):
        raise FeatureProblem("geometry", f"{where} must be an array of positions.")
    ring = [_position(position, f"Each position of {where}") for position in value]
    if len(ring) < 4:
        raise FeatureProblem("geometry", f"{where} needs at least 4 positions, got {len(ring)}.")
    if ring[0] != ring[-1]:
        raise FeatureProblem("geometry", f"{where} is not closed: first and last positions differ.")
    return ring


def _polygon(value: Any, where: str) -> list[list[tuple[float, float]]]:
    if not isinstance(value, list) or not value:
        raise FeatureProblem("geometry", f"{where} must be a non-empty array of rings.")
    return [_ring(ring, f"ring {index + 1} of {where}") for index, ring in enumerate(value)]


def _check_point(lon: float, lat: float) -> None:
    problem = position_problem(lon, lat)
    if problem is not None:
        raise FeatureProblem("geometry", problem)


def read_geometry(geometry: Any) -> tuple[float, float, dict[str, Any] | None]:
    """Return ``(lon, lat, footprint)`` for a GeoJSON geometry, or raise :class:`FeatureProblem`.

    Points give their position and no footprint. Polygons and multipolygons give their
    Lambert-93 centroid and keep the outline (2D, plain lists) as the footprint.
    """
    if geometry is None:
        raise FeatureProblem("geometry", "The feature has no geometry.")
    if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
        raise FeatureProblem("geometry", "The geometry is not a GeoJSON geometry object.")
    kind = geometry["type"]
    coordinates = geometry.get("coordinates")
    if kind == "Point":
        lon, lat = _position(coordinates, "A Point's coordinates")
        _check_point(lon, lat)
        return lon, lat, None
    shape: Polygon | MultiPolygon
    if kind == "Polygon":
        rings = _polygon(coordinates, "the polygon")
        shape = Polygon(rings[0], rings[1:])
        footprint = {"type": "Polygon", "coordinates": [[list(p) for p in r] for r in rings]}
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise FeatureProblem("geometry", "A MultiPolygon needs a non-empty array of polygons.")
        polygons = [
            _polygon(polygon, f"polygon {index + 1}") for index, polygon in enumerate(coordinates)
        ]
        shape = MultiPolygon([Polygon(rings[0], rings[1:]) for rings in polygons])
        footprint = {
            "type": "MultiPolygon",
            "coordinates": [[[list(p) for p in r] for r in rings] for rings in polygons],
        }
    else:
        raise FeatureProblem(
            "geometry",
            f"Geometry type {json_repr(kind)} is not supported: give a Point, "
            "or a Polygon or MultiPolygon for an area.",
        )
    west, south, east, north = shape.bounds
    _check_point(west, south)
    _check_point(east, north)
    if not shape.is_valid:
        raise FeatureProblem("geometry", f"The polygon is not valid: {explain_validity(shape)}.")
    centroid = to_wire(to_metric(shape).centroid)
    return float(centroid.x), float(centroid.y), footprint
