# SPDX-License-Identifier: MIT
"""Gaps: where the uncovered inhabitants live, as polygons ranked by unserved population.

Uncovered demand points are grown into discs as wide as the demand spacing, merged where they
touch and clipped to the commune: each resulting polygon is a hole in the service, with the
population it leaves out, its area and how far its inhabitants are from the nearest asset. Where
the population source carries poor households (INSEE's Filosofi grid), each gap counts those it
leaves out too, and the gaps can be ranked by them (``by="poverty"``): the service reaching the
poorest streets first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from mobility.coverage.analysis import CoverageResult
from mobility.coverage.poverty import absent_reason
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import metric_transformer, to_metric, to_wire

DEFAULT_SPACING_M = 50.0
GapRanking = Literal["population", "poverty"]
GAP_RANKINGS: tuple[GapRanking, ...] = ("population", "poverty")
RANKING_RULES: dict[GapRanking, str] = {
    "population": "gaps ranked by the inhabitants they leave out, largest first",
    "poverty": "gaps ranked by the poor households they leave out (men_pauv), largest first; "
    "ties by the inhabitants left out",
}


@dataclass(frozen=True)
class Gap:
    """One area of uncovered demand."""

    rank: int
    geometry_metric: BaseGeometry
    population_unserved: float
    demand_points: int
    nearest_asset_m: float | None
    zones: list[str]
    poor_households_unserved: float | None = None

    def to_feature(self) -> dict[str, Any]:
        """Return the gap as a GeoJSON Feature (lon/lat) with its figures."""
        return {
            "type": "Feature",
            "id": f"gap-{self.rank}",
            "geometry": mapping(to_wire(self.geometry_metric)),
            "properties": {
                "rank": self.rank,
                "population_unserved": round(self.population_unserved, 1),
                "demand_points": self.demand_points,
                "area_m2": round(float(self.geometry_metric.area), 1),
                "nearest_asset_m": self.nearest_asset_m,
                "zones": self.zones,
                "poor_households_unserved": (
                    None
                    if self.poor_households_unserved is None
                    else round(self.poor_households_unserved, 1)
                ),
            },
        }


def demand_spacing_m(result: CoverageResult) -> float:
    """Return the spacing of the demand points the result used (gaps grow points by it)."""
    spacing = (result.method.get("demand") or {}).get("spacing_m")
    return float(spacing) if spacing else DEFAULT_SPACING_M


def find_gaps(
    result: CoverageResult,
    boundary: dict[str, Any],
    *,
    spacing_m: float = DEFAULT_SPACING_M,
    min_population: float = 0.0,
    by: GapRanking = "population",
) -> list[Gap]:
    """Return the gaps of a coverage result, ranked by unserved population (largest first).

    ``by="poverty"`` ranks them by the poor households they leave out instead.

    Raises
    ------
    InvalidInputError
        ``by="poverty"`` on a population that carries no poor households (field ``by``).
    """
    poor_all = result.poverty.poor_households
    if by == "poverty" and poor_all is None:
        source = (result.method.get("population") or {}).get("source")
        raise InvalidInputError(
            "the gaps cannot be ranked by poverty",
            problems=[FieldProblem("by", absent_reason(source))],
        )
    uncovered = ~result.covered & (result.population > 0)
    if not uncovered.any():
        return []
    x, y = metric_transformer().transform(result.lon[uncovered], result.lat[uncovered])
    metric_points = shapely.points(np.asarray(x), np.asarray(y))
    outline = to_metric(shape(boundary))
    discs = shapely.buffer(metric_points, spacing_m, quad_segs=4)
    merged = shapely.intersection(shapely.union_all(discs), outline)
    parts = list(getattr(merged, "geoms", [merged]))
    population = result.population[uncovered]
    distance = result.distance_m[uncovered]
    zones = result.zone[uncovered]
    poor = None if poor_all is None else poor_all[uncovered]
    tree = shapely.STRtree(metric_points)
    gaps = []
    for part in parts:
        if part.is_empty or part.geom_type not in ("Polygon", "MultiPolygon"):
            continue
        inside = tree.query(part, predicate="intersects")
        if len(inside) == 0:
            continue
        unserved = float(population[inside].sum())
        if unserved < min_population:
            continue
        nearest = float(distance[inside].min())
        gaps.append(
            Gap(
                0,
                part,
                unserved,
                len(inside),
                round(nearest, 1) if np.isfinite(nearest) else None,
                sorted(set(zones[inside].tolist())),
                None if poor is None else float(poor[inside].sum()),
            )
        )
    if by == "poverty":
        gaps.sort(
            key=lambda gap: (-(gap.poor_households_unserved or 0.0), -gap.population_unserved)
        )
    else:
        gaps.sort(key=lambda gap: -gap.population_unserved)
    return [replace(gap, rank=rank) for rank, gap in enumerate(gaps, start=1)]
