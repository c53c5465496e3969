# SPDX-License-Identifier: MIT
"""Service areas: the streets within reach of an asset, drawn as a band along them.

An isochrone drawn as a circle or a convex hull promises reach across railway yards and rivers;
a band along the reached street length does not. The band of every street is cut once into
short slabs and a polygon round every crossing (:mod:`mobility.coverage.band_pieces`); an area
is the union of the pieces its reach draws, put together from the pieces' kept arrangement
(:mod:`mobility.coverage.band_faces`) with no polygon overlay per request.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mobility.assets import Asset
from mobility.coverage.analysis import snap_assets
from mobility.coverage.band_cache import DEFAULT_BAND_M as DEFAULT_BAND_M
from mobility.coverage.band_cache import band_cache as band_cache
from mobility.coverage.band_cache import clear_band_cache as clear_band_cache
from mobility.coverage.band_cache import reach_key
from mobility.coverage.band_pieces import BAND_QUAD_SEGS, SLAB_M, inner_band_m
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import Threshold
from mobility.geo import to_wire, wire_transformer
from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach


@dataclass(frozen=True)
class ServiceArea:
    """The reach of one asset (or of all of them, dissolved)."""

    asset_id: str | None
    geometry_metric: BaseGeometry
    reached_street_m: float

    def to_feature(self, threshold: Threshold) -> dict[str, Any]:
        """Return the area as a GeoJSON Feature (lon/lat) with its figures."""
        return {
            "type": "Feature",
            "id": self.asset_id or "all",
            "geometry": wire_mapping(self.geometry_metric),
            "properties": {
                "asset_id": self.asset_id,
                "reached_street_m": round(self.reached_street_m, 1),
                "area_m2": round(float(self.geometry_metric.area), 1),
                "threshold": threshold.describe(),
            },
        }


def wire_mapping(geometry: BaseGeometry) -> dict[str, Any]:
    """Return a Lambert-93 (Multi)Polygon as a lon/lat GeoJSON geometry, read in one go.

    The same coordinates as ``mapping(to_wire(geometry))`` (one transform of all of them), as
    lists cut out of one ``tolist``: shapely's mapping walks a big city's area point by point.
    """
    if geometry.is_empty or geometry.geom_type not in ("Polygon", "MultiPolygon"):
        return dict(mapping(to_wire(geometry)))
    kind, coords, offsets = shapely.to_ragged_array([geometry])
    lon, lat = wire_transformer().transform(coords[:, 0], coords[:, 1])
    points = np.column_stack([lon, lat]).tolist()
    rings = [points[low:high] for low, high in pairwise(offsets[0].tolist())]
    polygons = [rings[low:high] for low, high in pairwise(offsets[1].tolist())]
    if kind == shapely.GeometryType.POLYGON:
        return {"type": "Polygon", "coordinates": polygons[0]}
    parts = [polygons[low:high] for low, high in pairwise(offsets[2].tolist())]
    return {"type": "MultiPolygon", "coordinates": parts[0]}


def describe_drawing(band_m: float = DEFAULT_BAND_M) -> str:
    """Return how the areas are drawn, with the tolerance, for an answer's method."""
    return (
        f"reached streets drawn as a band {band_m:g} m wide each side: the street is cut in "
        f"slabs of at most {SLAB_M:g} m ({band_m:g} m for the first and last {band_m:g} m), "
        "square to it, each drawn when the reach touches it, with a polygon round every "
        "reached crossing or street end; a reach that stops inside a street ends square less "
        f"than {SLAB_M:g} m past where it stops ({band_m:g} m near a crossing). Round ends and "
        f"bends have {BAND_QUAD_SEGS} segments per quarter circle, so the band covers at least "
        f"{inner_band_m(band_m):.1f} m round its street and never more than {band_m:g} m"
    )


def draw_reaches(
    engine: DistanceEngine, reaches: list[Reach], band_m: float, *, build: bool = True
) -> list[BaseGeometry]:
    """Return the band of each reach, from kept areas or the pieces' arrangement.

    ``build=False`` draws from an arrangement already kept, or else by GEOS unions of the
    pieces (the same drawing): a single area does not pay for arranging a whole commune.
    """
    cache = band_cache(engine, band_m)
    keys = [reach_key(reach) for reach in reaches]
    drawn: dict[bytes, BaseGeometry | None] = {key: cache.area(key) for key in keys}
    todo = [key for key, known in drawn.items() if known is None]  # each reach drawn once
    first = {key: index for index, key in reversed(list(enumerate(keys)))}
    selections = cache.pieces.of_reaches(engine.edges, [reaches[first[key]] for key in todo])
    for key, geometry in zip(todo, cache.draw(selections, build=build), strict=True):
        cache.keep_area(key, geometry)
        drawn[key] = geometry
    return [drawn[key] or shapely.Polygon() for key in keys]


def compute_service_areas(
    context: CommuneContext,
    assets: list[Asset],
    *,
    threshold: Threshold,
    dissolve: bool,
    band_m: float = DEFAULT_BAND_M,
) -> list[ServiceArea]:
    """Return one service area per asset, or a single dissolved one for the whole set.

    Per asset: every asset's reach at once (:meth:`DistanceEngine.reach_each`), then every
    band from the pieces' arrangement (built on the first request, kept with the engine).
    """
    engine = context.engine(threshold.mode)
    snapped = snap_assets(context, threshold.mode, assets)
    if dissolve:
        reach = engine.reach(snapped, threshold.cutoff, weight=threshold.weight)
        [geometry] = draw_reaches(engine, [reach], band_m, build=False)
        return [ServiceArea(None, geometry, reach.total_m)]
    reaches = engine.reach_each(snapped, threshold.cutoff, weight=threshold.weight)
    areas = draw_reaches(engine, reaches, band_m)
    return [
        ServiceArea(asset.id, area, reach.total_m)
        for asset, area, reach in zip(assets, areas, reaches, strict=True)
    ]
