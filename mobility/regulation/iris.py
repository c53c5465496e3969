# SPDX-License-Identifier: MIT
"""The IRIS of a commune and which IRIS each charging point lies in (Lambert-93)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
from shapely import STRtree, points

from mobility.regulation.inputs import IRIS_CODE_PATTERN
from mobility.regulation.points import PublicPoint

METRIC_CRS = "EPSG:2154"
EDGE_TOLERANCE_M = 25.0
"""A point on no IRIS polygon (a slit between two outlines) joins the nearest one this close."""

PLACEMENT_METHOD = (
    "each point is placed in the IRIS polygon that contains it, in Lambert-93 (EPSG:2154); a "
    f"point on no polygon joins the nearest IRIS within {EDGE_TOLERANCE_M:g} m, else it is "
    "counted for the commune only and reported as unassigned"
)


@dataclass(frozen=True)
class IrisZone:
    """One IRIS: its INSEE code and name."""

    code: str
    name: str | None


def iris_of(zones: gpd.GeoDataFrame | None) -> gpd.GeoDataFrame | None:
    """Keep the zones whose id is an IRIS code (``zone`` column), in code order.

    Parameters
    ----------
    zones
        The commune's population zones, columns ``zone``, ``name``, ``geometry`` (any CRS);
        None when the commune has no population layer.

    Returns
    -------
    geopandas.GeoDataFrame or None
        The IRIS in Lambert-93, or None when no zone has an IRIS code.
    """
    if zones is None or zones.empty:
        return None
    pattern = re.compile(IRIS_CODE_PATTERN)
    kept = zones[[bool(pattern.match(str(code))) for code in zones["zone"]]]
    if kept.empty:
        return None
    kept = kept.drop_duplicates(subset="zone").sort_values("zone")
    return kept.to_crs(METRIC_CRS).reset_index(drop=True)


def iris_list(iris: gpd.GeoDataFrame) -> list[IrisZone]:
    """Return the IRIS codes and names, in the frame's order."""
    return [
        IrisZone(code=str(code), name=None if name is None else str(name))
        for code, name in zip(iris["zone"], iris["name"], strict=True)
    ]


def place_points(
    public_points: Sequence[PublicPoint], iris: gpd.GeoDataFrame
) -> dict[str, str | None]:
    """Return the IRIS code of each point (by point key), None when it lies in none."""
    if not public_points:
        return {}
    lonlat = gpd.GeoSeries(points([[p.lon, p.lat] for p in public_points]), crs="EPSG:4326").to_crs(
        METRIC_CRS
    )
    geometries = np.asarray(iris.geometry.to_list(), dtype=object)
    codes = [str(code) for code in iris["zone"]]
    tree = STRtree(geometries)
    point_index, zone_index = tree.query(lonlat.to_numpy(), predicate="intersects")
    placed: dict[int, int] = {}
    for point_at, zone_at in sorted(zip(point_index.tolist(), zone_index.tolist(), strict=True)):
        placed.setdefault(point_at, zone_at)
    result: dict[str, str | None] = {}
    for index, point in enumerate(public_points):
        zone_at = placed.get(index)
        if zone_at is None:
            nearest = tree.query_nearest(lonlat.iloc[index], max_distance=EDGE_TOLERANCE_M)
            zone_at = int(nearest[0]) if len(nearest) else None
        result[point.key] = codes[zone_at] if zone_at is not None else None
    return result
