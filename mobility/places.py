# SPDX-License-Identifier: MIT
"""Where a point stands with respect to a commune: inside its boundary, or in its surroundings.

This is the one definition of "inside" the store, the loaders and the analyses share, so that an
asset the store says a commune sees is the asset an analysis of that commune counts. A commune's
surroundings are its boundary buffered by its margin in Lambert-93 metres (EPSG:2154), drawn back
in lon/lat; a commune without a margin has no surroundings beyond its boundary. A point exactly on
a line counts as inside (``covers``, not ``contains``): a charging point drawn on the boundary
street belongs to both sides rather than to neither.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mobility.errors import FieldProblem
from mobility.geo import to_metric, to_wire

INSEE_CODE_PATTERN = r"^([013-9]\d|2[AB1-9])\d{3}$"
"""What a commune's INSEE code looks like (75110, 2A004): five characters, Corsica's 2A and 2B."""

MAX_MARGIN_M = 10_000.0
"""The widest surroundings a commune may have: beyond, the store would hold a region per commune."""

BBox = tuple[float, float, float, float]
"""west, south, east, north in lon/lat degrees."""


class Placed(Protocol):
    """What a place is built from: a commune record, or anything with its boundary and margin."""

    @property
    def boundary(self) -> Mapping[str, Any]:
        """The commune's outline, a GeoJSON geometry in lon/lat."""

    @property
    def margin_m(self) -> float | None:
        """The surroundings' width in metres, None for a commune without surroundings."""


def margin_problems(margin_m: float | None, *, field: str = "margin_m") -> list[FieldProblem]:
    """Return what is wrong with a margin (empty when it is None or within 0..MAX_MARGIN_M)."""
    if margin_m is None:
        return []
    if isinstance(margin_m, bool) or not isinstance(margin_m, int | float):
        return [FieldProblem(field, "must be a number of metres")]
    if not math.isfinite(margin_m) or not 0 <= margin_m <= MAX_MARGIN_M:
        return [
            FieldProblem(
                field, f"must be between 0 and {MAX_MARGIN_M:,.0f} metres, not {margin_m:g}"
            )
        ]
    return []


def surroundings_outline(boundary: Mapping[str, Any], margin_m: float | None) -> BaseGeometry:
    """Return the boundary buffered by ``margin_m`` metres (in Lambert-93), in lon/lat.

    Without a margin (None or 0) the outline is the boundary itself, unchanged.
    """
    outline = shape(boundary)
    if not margin_m:
        return outline
    return to_wire(to_metric(outline).buffer(float(margin_m)))


class Place:
    """A commune's boundary and surroundings, prepared once for many point-in-polygon tests."""

    def __init__(self, boundary: Mapping[str, Any], margin_m: float | None = None) -> None:
        self.margin_m = float(margin_m) if margin_m else None
        self.commune_outline = shape(boundary)
        self.surroundings = surroundings_outline(boundary, self.margin_m)
        shapely.prepare(self.commune_outline)
        shapely.prepare(self.surroundings)

    @classmethod
    def of(cls, placed: Placed) -> Place:
        """Return the place of a commune record (or anything with a boundary and a margin)."""
        return cls(placed.boundary, placed.margin_m)

    @property
    def bbox_of_commune(self) -> BBox:
        """Return the boundary's bounding box (west, south, east, north)."""
        west, south, east, north = self.commune_outline.bounds
        return (west, south, east, north)

    @property
    def bbox_of_surroundings(self) -> BBox:
        """Return the surroundings' bounding box (the boundary's when there is no margin)."""
        west, south, east, north = self.surroundings.bounds
        return (west, south, east, north)

    def inside_commune(self, lons: npt.ArrayLike, lats: npt.ArrayLike) -> npt.NDArray[np.bool_]:
        """Tell, for each lon/lat point, whether it stands inside (or on) the boundary."""
        return _covered(self.commune_outline, lons, lats)

    def inside_surroundings(
        self, lons: npt.ArrayLike, lats: npt.ArrayLike
    ) -> npt.NDArray[np.bool_]:
        """Tell, for each lon/lat point, whether it stands inside the boundary plus the margin."""
        return _covered(self.surroundings, lons, lats)


def _covered(
    outline: BaseGeometry, lons: npt.ArrayLike, lats: npt.ArrayLike
) -> npt.NDArray[np.bool_]:
    x = np.asarray(lons, dtype=float)
    y = np.asarray(lats, dtype=float)
    if x.size == 0:
        return np.zeros(x.shape, dtype=bool)
    return np.asarray(shapely.covers(outline, shapely.points(x, y)), dtype=bool)
