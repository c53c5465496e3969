# SPDX-License-Identifier: MIT
"""Gaps: where the uncovered inhabitants live, as polygons ranked by unserved population.

Uncovered demand points are grown into discs as wide as the demand spacing, merged where they
touch and clipped to the commune: each resulting polygon is a hole in the service, with the
population it leaves out, its area and how far its inhabitants are from the nearest asset. Where
the population source carries poor households (INSEE's Filosofi grid), each gap counts those it
leaves out too, and the gaps can be ranked by them (``by="poverty"``): the service reaching the
poorest streets first.

Merging the discs is the slow part (a second or more for the ~100,000 discs of Paris), and a
commune asked again and again has the same gaps until a write moves an asset: :func:`kept_gaps`
keeps them with the commune's context under a digest of everything they are computed from.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from mobility.coverage.analysis import CoverageResult
from mobility.coverage.context import CommuneContext
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


@dataclass(eq=False)
class KeptGaps:
    """The gaps of one coverage result, with what answers derive from them, made once each."""

    gaps: list[Gap]
    _features: list[dict[str, Any]] | None = field(default=None, repr=False)
    _membership: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def features(self) -> list[dict[str, Any]]:
        """Return the gaps as GeoJSON Features (fresh dicts each call; geometries shared)."""
        with self._lock:
            if self._features is None:
                self._features = [gap.to_feature() for gap in self.gaps]
            features = self._features
        return [{**feature, "properties": dict(feature["properties"])} for feature in features]

    def membership(self, result: CoverageResult) -> npt.NDArray[np.int64]:
        """Return :func:`gap_membership` of the result these gaps were found in (read-only)."""
        with self._lock:
            if self._membership is None:
                self._membership = gap_membership(result, self.gaps)
                self._membership.flags.writeable = False
            return self._membership


def gaps_digest(
    result: CoverageResult,
    boundary: dict[str, Any],
    *,
    spacing_m: float,
    min_population: float,
    by: GapRanking = "population",
) -> str:
    """Return a digest of everything :func:`find_gaps` and :func:`gap_membership` read."""
    hasher = hashlib.blake2b(digest_size=16)
    hasher.update(json.dumps(boundary, sort_keys=True).encode())
    hasher.update(np.array([spacing_m, min_population], dtype=np.float64).tobytes())
    hasher.update(by.encode())
    uncovered = ~result.covered & (result.population > 0)
    poor = result.poverty.poor_households
    for array in (
        result.covered,
        result.lon,
        result.lat,
        result.population,
        result.distance_m[uncovered],
        result.zone[uncovered],
        np.zeros(0) if poor is None else poor[uncovered],
    ):
        hasher.update(np.ascontiguousarray(array).tobytes())
        hasher.update(b"|")
    hasher.update(b"poor" if poor is not None else b"none")
    return f"gaps:{hasher.hexdigest()}"


def kept_gaps(
    context: CommuneContext,
    result: CoverageResult,
    *,
    spacing_m: float = DEFAULT_SPACING_M,
    min_population: float = 0.0,
    by: GapRanking = "population",
) -> KeptGaps:
    """Return the gaps of a coverage result of the commune, kept for the next same question.

    Keyed by the digest of their inputs (:func:`gaps_digest`), not by a revision: an asset
    written, moved or removed changes who is covered and so the key, and a scenario's assets
    likewise; the same inputs always give the same gaps.
    """
    boundary = context.record.boundary
    key = gaps_digest(result, boundary, spacing_m=spacing_m, min_population=min_population, by=by)
    return context.kept(
        key,
        lambda: KeptGaps(
            find_gaps(result, boundary, spacing_m=spacing_m, min_population=min_population, by=by)
        ),
    )


def gap_membership(before: CoverageResult, gaps: list[Gap]) -> npt.NDArray[np.int64]:
    """Return, for each uncovered demand point, the rank of the first gap covering it (0: none).

    One bulk query of the points' tree by the gaps' polygons: testing every gap against every
    point took seconds on a city of a few hundred gaps.
    """
    membership = np.zeros(len(before.population), dtype=np.int64)
    if not gaps:
        return membership
    x, y = metric_transformer().transform(before.lon, before.lat)
    points = shapely.points(np.asarray(x), np.asarray(y))
    polygons = np.array([gap.geometry_metric for gap in gaps], dtype=object)
    which, point = shapely.STRtree(points).query(polygons, predicate="covers")
    keep = ~before.covered[point]
    which, point = which[keep], point[keep]
    first = np.full(len(membership), len(gaps), dtype=np.int64)
    np.minimum.at(first, point, which)
    ranks = np.array([gap.rank for gap in gaps] + [0], dtype=np.int64)
    membership[:] = ranks[first]
    return membership
