# SPDX-License-Identifier: MIT
"""Service areas: the streets within reach of an asset, drawn as a band along them.

An isochrone drawn as a circle or a convex hull promises reach across railway yards and rivers;
a band along the reached street stretches does not. Each reached stretch is buffered with few
segments and the bands are unioned, per asset or for the whole layer.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from mobility.assets import Asset
from mobility.coverage.analysis import snap_assets
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import Threshold
from mobility.geo import to_wire
from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach

DEFAULT_BAND_M = 25.0
"""Half-width of the band drawn along a reached street (about a street plus its frontage)."""


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
            "geometry": mapping(to_wire(self.geometry_metric)),
            "properties": {
                "asset_id": self.asset_id,
                "reached_street_m": round(self.reached_street_m, 1),
                "area_m2": round(float(self.geometry_metric.area), 1),
                "threshold": threshold.describe(),
            },
        }


def reached_pieces(engine: DistanceEngine, reach: Reach) -> list[BaseGeometry]:
    """Cut the reached stretches out of the street lines (Lambert-93)."""
    whole, partial = split_reach(engine, reach)
    lines = engine.edges.geometry_metric
    return [lines[edge] for edge in whole] + partial


def split_reach(engine: DistanceEngine, reach: Reach) -> tuple[list[int], list[BaseGeometry]]:
    """Return the wholly reached edges, and the stretches cut out of the partly reached ones.

    Most reached stretches are whole edges: their line is used as it is, not cut out again.
    """
    lines = engine.edges.geometry_metric
    lengths = engine.edges.length_m
    whole: list[int] = []
    partial: list[BaseGeometry] = []
    for edge, start, end in zip(
        reach.edge_index.tolist(), reach.start_m.tolist(), reach.end_m.tolist(), strict=True
    ):
        total = float(lengths[edge])
        if total <= 0:
            continue
        if start <= 0.0 and end >= total:
            whole.append(edge)
            continue
        piece = substring(lines[edge], start / total, end / total, normalized=True)
        if not piece.is_empty:
            partial.append(piece)
    return whole, partial


def band(pieces: list[BaseGeometry], band_m: float) -> BaseGeometry:
    """Buffer the pieces (few segments per curve) and union them."""
    if not pieces:
        return shapely.Polygon()
    buffered = shapely.buffer(np.array(pieces, dtype=object), band_m, quad_segs=2)
    return shapely.union_all(buffered)


def edge_bands(engine: DistanceEngine, edges: list[int], band_m: float) -> list[BaseGeometry]:
    """Return the band around each whole edge, buffered once per engine and band width."""
    cache: dict[int, BaseGeometry] = engine.edges.cached(f"edge_bands_{band_m!r}", dict)
    missing = [edge for edge in dict.fromkeys(edges) if edge not in cache]
    if missing:
        lines = engine.edges.geometry_metric
        buffered = shapely.buffer(
            np.array([lines[edge] for edge in missing], dtype=object), band_m, quad_segs=2
        )
        cache.update(zip(missing, buffered.tolist(), strict=True))
    return [cache[edge] for edge in edges]


def asset_band(engine: DistanceEngine, reach: Reach, band_m: float) -> BaseGeometry:
    """Band of one asset's reach: cached bands of whole edges, fresh ones of the partial cuts."""
    whole, partial = split_reach(engine, reach)
    parts = edge_bands(engine, whole, band_m)
    if partial:
        parts += shapely.buffer(np.array(partial, dtype=object), band_m, quad_segs=2).tolist()
    if not parts:
        return shapely.Polygon()
    return shapely.union_all(np.array(parts, dtype=object))


def compute_service_areas(
    context: CommuneContext,
    assets: list[Asset],
    *,
    threshold: Threshold,
    dissolve: bool,
    band_m: float = DEFAULT_BAND_M,
) -> list[ServiceArea]:
    """Return one service area per asset, or a single dissolved one for the whole set."""
    engine = context.engine(threshold.mode)
    snapped = snap_assets(context, threshold.mode, assets)
    if dissolve:
        reach = engine.reach(snapped, threshold.cutoff, weight=threshold.weight)
        return [ServiceArea(None, band(reached_pieces(engine, reach), band_m), reach.total_m)]

    def one(index: int) -> ServiceArea:
        reach = engine.reach(snapped.take([index]), threshold.cutoff, weight=threshold.weight)
        geometry = asset_band(engine, reach, band_m)
        return ServiceArea(assets[index].id, geometry, reach.total_m)

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(len(assets))))
