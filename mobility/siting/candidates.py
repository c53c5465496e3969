# SPDX-License-Identifier: MIT
"""Where a new site could go: crossings, points along the streets, car parks, hubs, or a list.

Candidates are plain points with an id, a type, a name a planner recognises and an optional cost.
Exclusion zones (protected squares, private land) remove candidates before any solver sees them;
candidates too far from every street are dropped too, since nobody could reach them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from mobility.assets import Asset, Parking
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import wire_transformer
from mobility.network.engine import DistanceEngine

CandidateType = Literal["intersection", "street_point", "parking", "hub", "custom"]
MAX_CANDIDATES = 50_000


@dataclass(frozen=True)
class Candidate:
    """A place a new site could go."""

    id: str
    type: CandidateType
    lon: float
    lat: float
    name: str | None = None
    cost: float | None = None


def intersections(engine: DistanceEngine) -> list[Candidate]:
    """Return the street crossings (nodes where three or more street segments meet)."""
    edges = engine.edges
    segments = edges.segment_edges
    ends = np.concatenate([edges.u_index[segments], edges.v_index[segments]])
    degree = np.bincount(ends, minlength=edges.n_nodes)
    nodes = np.flatnonzero(degree >= 3)
    lon, lat = wire_transformer().transform(edges.node_x_m[nodes], edges.node_y_m[nodes])
    return [
        Candidate(f"node-{int(edges.node_ids[node])}", "intersection", float(x), float(y))
        for node, x, y in zip(nodes.tolist(), np.asarray(lon), np.asarray(lat), strict=True)
    ]


def street_points(engine: DistanceEngine, *, spacing_m: float) -> list[Candidate]:
    """Return points every ``spacing_m`` along every street segment (mid-interval placement)."""
    if not 10 <= spacing_m <= 5_000:
        raise InvalidInputError(
            "the candidate spacing is out of range",
            problems=[FieldProblem("candidates.spacing_m", "must be between 10 and 5000 m")],
        )
    edges = engine.edges
    result: list[Candidate] = []
    lines = edges.geometry_metric
    for edge in edges.segment_edges.tolist():
        line = lines[edge]
        count = max(1, int(line.length // spacing_m))
        step = line.length / count
        distances = (np.arange(count) + 0.5) * step
        points = shapely.line_interpolate_point(line, distances)
        lon, lat = wire_transformer().transform(shapely.get_x(points), shapely.get_y(points))
        name = edges.name[edge]
        for index, (x, y) in enumerate(zip(np.atleast_1d(lon), np.atleast_1d(lat), strict=True)):
            result.append(
                Candidate(f"street-{edge}-{index}", "street_point", float(x), float(y), name)
            )
        if len(result) > MAX_CANDIDATES:
            raise InvalidInputError(
                "too many candidates",
                problems=[
                    FieldProblem(
                        "candidates.spacing_m",
                        f"gives more than {MAX_CANDIDATES} candidates: use a larger spacing",
                    )
                ],
            )
    return result


def from_assets(assets: Sequence[Asset], kind: CandidateType) -> list[Candidate]:
    """Return existing parking or hubs as candidates (to co-locate a new site with them)."""
    result = []
    for asset in assets:
        name = getattr(asset.attributes, "name", None)
        if isinstance(asset.attributes, Parking) and name is None:
            name = f"{asset.attributes.kind} parking"
        result.append(Candidate(asset.id, kind, asset.lon, asset.lat, name))
    return result


def from_features(collection: Any) -> list[Candidate]:
    """Return the points of a GeoJSON FeatureCollection, with ``id``, ``name`` and ``cost``."""
    problems: list[FieldProblem] = []
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list) or not features:
        raise InvalidInputError(
            "custom candidates must be a non-empty GeoJSON FeatureCollection",
            problems=[FieldProblem("candidates.features", "a FeatureCollection of Points")],
        )
    result = []
    for index, feature in enumerate(features):
        where = f"candidates.features[{index}]"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(coordinates, list)
            or len(coordinates) < 2
            or not all(isinstance(c, int | float) for c in coordinates[:2])
        ):
            problems.append(FieldProblem(f"{where}.geometry", "must be a Point [lon, lat]"))
            continue
        properties = feature.get("properties") or {}
        cost = properties.get("cost")
        if cost is not None and (not isinstance(cost, int | float) or cost < 0):
            problems.append(FieldProblem(f"{where}.properties.cost", "must be a number >= 0"))
            continue
        result.append(
            Candidate(
                str(feature.get("id", properties.get("id", f"custom-{index + 1}"))),
                "custom",
                float(coordinates[0]),
                float(coordinates[1]),
                properties.get("name"),
                float(cost) if cost is not None else None,
            )
        )
    if problems:
        raise InvalidInputError("some custom candidates are not valid", problems=problems)
    return result


def read_exclusions(collection: Any) -> BaseGeometry | None:
    """Return the union of exclusion polygons (GeoJSON FeatureCollection or geometry)."""
    if collection is None:
        return None
    try:
        if isinstance(collection, dict) and collection.get("type") == "FeatureCollection":
            shapes = [shape(feature["geometry"]) for feature in collection.get("features", [])]
        else:
            shapes = [shape(collection)]
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise InvalidInputError(
            "the exclusion zones cannot be read",
            problems=[FieldProblem("exclusions", "a GeoJSON (Multi)Polygon or FeatureCollection")],
        ) from exc
    polygons = [s for s in shapes if s.geom_type in ("Polygon", "MultiPolygon")]
    if len(polygons) != len(shapes):
        raise InvalidInputError(
            "exclusion zones must be polygons",
            problems=[FieldProblem("exclusions", "only Polygon and MultiPolygon are accepted")],
        )
    invalid = [
        FieldProblem(_exclusion_field(collection, index), f"invalid polygon: {reason}")
        for index, polygon in enumerate(polygons)
        if (reason := shapely.is_valid_reason(polygon)) != "Valid Geometry"
    ]
    if invalid:
        raise InvalidInputError(
            "exclusion polygons must be valid (no self-intersection): a repaired shape could "
            "exclude another area than the one drawn",
            problems=invalid,
        )
    return shapely.union_all(polygons) if polygons else None


def _exclusion_field(collection: Any, index: int) -> str:
    """Name the polygon at fault: ``exclusions.features[i]`` or ``exclusions``."""
    if isinstance(collection, dict) and collection.get("type") == "FeatureCollection":
        return f"exclusions.features[{index}].geometry"
    return "exclusions"


def exclude(candidates: list[Candidate], zones: BaseGeometry | None) -> list[Candidate]:
    """Drop the candidates inside the exclusion zones."""
    if zones is None or not candidates:
        return candidates
    points = shapely.points([c.lon for c in candidates], [c.lat for c in candidates])
    inside = shapely.covers(zones, points)
    return [c for c, dropped in zip(candidates, inside.tolist(), strict=True) if not dropped]
