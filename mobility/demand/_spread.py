# SPDX-License-Identifier: MIT
"""Spread each zone's population onto points along its streets or at its buildings."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from numbers import Real

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from mobility.demand._checks import check_inputs, project
from mobility.demand._clip import ZonesClip, clip_zones
from mobility.demand._model import DemandMethod, DemandPoints, Weighting, describe
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import WIRE_CRS, metric_transformer, wire_transformer

_LINESTRING, _MULTIPOINT = 1, 4
# Lengths below this (metres) are noise from clipping a street that only touches a zone.
_MIN_PIECE_M = 1e-6

_Points = tuple[NDArray[np.intp], NDArray[np.object_], NDArray[np.float64]]


def parse_levels(value: object, default: float = 1.0) -> float:
    """Read a building's level count as OpenStreetMap writes it in ``building:levels``.

    ``"6"`` → 6, ``"6.5"`` → 6.5, ``"6,5"`` → 6.5 (decimal comma). Several values separated by
    ``;`` (one per building part, ``"5;6"``) give their **mean**: the parts' own footprints are
    unknown, so the mean is the least biased guess of the whole building's levels. A missing,
    unreadable, zero or negative value gives ``default``.
    """
    if isinstance(value, bool):
        return default
    if isinstance(value, Real):
        number = float(value)
        return number if 0 < number < math.inf else default
    if not isinstance(value, str):
        return default
    numbers: list[float] = []
    for token in value.split(";"):
        try:
            number = float(token.strip().replace(",", "."))
        except ValueError:
            continue
        if 0 < number < math.inf:
            numbers.append(number)
    return sum(numbers) / len(numbers) if numbers else default


def _empty() -> _Points:
    return np.empty(0, dtype=np.intp), np.empty(0, dtype=object), np.empty(0)


def _building_points(
    zone_geoms: NDArray[np.object_],
    wanted: NDArray[np.bool_],
    buildings: NDArray[np.object_],
    levels: NDArray[np.object_],
    default_levels: float,
) -> _Points:
    """One point per building (its representative point), weighted by footprint × levels."""
    present = ~shapely.is_missing(buildings)
    zone_pos = np.flatnonzero(wanted)
    if not present.any() or len(zone_pos) == 0:
        return _empty()
    geoms = buildings[present]
    floors = np.array([parse_levels(v, default_levels) for v in levels[present]])
    weights = shapely.area(project(geoms, metric_transformer())) * floors
    anchors = np.asarray(shapely.point_on_surface(geoms), dtype=object)
    tree = shapely.STRtree(zone_geoms[zone_pos])
    point_idx, tree_idx = tree.query(anchors, predicate="intersects")
    # A point on the border of two zones goes to the first of them.
    order = np.lexsort((tree_idx, point_idx))
    point_idx, tree_idx = point_idx[order], tree_idx[order]
    _, first = np.unique(point_idx, return_index=True)
    chosen = point_idx[first]
    keep = weights[chosen] > 0
    return zone_pos[tree_idx[first][keep]], anchors[chosen[keep]], weights[chosen[keep]]


def _single_lines(
    geoms: NDArray[np.object_],
) -> tuple[NDArray[np.object_], NDArray[np.intp]]:
    """Break clipped results into LineStrings, with the index of the result each came from."""
    parts, owner = shapely.get_parts(geoms, return_index=True)
    while len(parts) and (shapely.get_type_id(parts) >= _MULTIPOINT).any():
        parts, inner = shapely.get_parts(parts, return_index=True)
        owner = owner[inner]
    keep = shapely.get_type_id(parts) == _LINESTRING
    return parts[keep], owner[keep]


def _street_points(
    zone_geoms: NDArray[np.object_],
    wanted: NDArray[np.bool_],
    streets: NDArray[np.object_],
    spacing: float,
) -> _Points:
    """Points every ``spacing`` metres along the streets clipped to each zone (Lambert-93).

    Each clipped piece of length L is cut into intervals of ``spacing`` (the last one shorter);
    a point sits in the middle of each interval and stands for the interval's length.
    """
    zone_pos = np.flatnonzero(wanted)
    if len(zone_pos) == 0 or len(streets) == 0:
        return _empty()
    zones_m = project(zone_geoms[zone_pos], metric_transformer())
    streets_m = project(streets, metric_transformer())
    zone_idx, street_idx = shapely.STRtree(streets_m).query(zones_m, predicate="intersects")
    clipped = shapely.intersection(streets_m[street_idx], zones_m[zone_idx])
    lines, owner = _single_lines(np.asarray(shapely.line_merge(clipped), dtype=object))
    lengths = shapely.length(lines)
    keep = lengths > _MIN_PIECE_M
    lines, owner, lengths = lines[keep], owner[keep], lengths[keep]
    if len(lines) == 0:
        return _empty()

    counts = np.maximum(1, np.ceil(lengths / spacing - 1e-9)).astype(np.intp)
    line_of = np.repeat(np.arange(len(lines)), counts)
    rank = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    start = rank * spacing
    end = np.where(rank == counts[line_of] - 1, lengths[line_of], start + spacing)
    points_m = shapely.line_interpolate_point(lines[line_of], (start + end) / 2)
    points = project(np.asarray(points_m, dtype=object), wire_transformer())
    return zone_pos[zone_idx[owner[line_of]]], points, end - start


def spread_population(
    zones: gpd.GeoDataFrame,
    *,
    population_field: str,
    zone_id_field: str | None = None,
    streets: gpd.GeoDataFrame,
    buildings: gpd.GeoDataFrame | None = None,
    spacing_m: float = 50.0,
    levels_field: str | None = "building:levels",
    default_levels: float = 1.0,
    population_source: str = "",
    population_description: str | None = None,
    population_year: int | None = None,
    outline: BaseGeometry | None = None,
    age_group: str | None = None,
    commune_total: float | None = None,
    commune_total_rule: str | None = None,
    carried: Mapping[str, str] | None = None,
) -> DemandPoints:
    """Turn population zones into weighted demand points that sit where people live.

    Each zone with people gets, in order of preference:

    1. where ``buildings`` are given and some have their representative point in the zone: one
       point per building, weighted by footprint area (m², Lambert-93) × levels
       (:func:`parse_levels` on ``levels_field``; ``default_levels`` when missing; ``None`` uses
       ``default_levels`` everywhere). Buildings without area (points, lines) are ignored;
    2. otherwise points every ``spacing_m`` metres along the streets clipped to the zone, each
       weighted by the street length it stands for. A segment stored once per direction counts
       once;
    3. otherwise (no street inside) one point at the zone's representative point.

    The zone's population is shared between its points in proportion to their weights, so every
    zone's points add up to its population. Zones with no population get no point.

    A buildings layer must cover the zones it touches completely: a zone with even one building
    puts all its population on its buildings, so a partial extract would crowd the population
    into the covered part.

    Parameters
    ----------
    zones
        (Multi)Polygons in EPSG:4326 with a population count.
    population_field
        The column holding the population (numbers, or strings holding numbers).
    zone_id_field
        The column holding unique zone ids; the frame's index when None.
    streets
        (Multi)LineStrings in EPSG:4326.
    buildings
        Optional building footprints (polygons) in EPSG:4326.
    spacing_m
        Distance between points along the streets, in metres.
    levels_field
        The buildings' column holding their number of levels.
    default_levels
        Levels assumed when a building's value is missing or unreadable.
    population_source
        A label for the population data (file name, dataset) quoted in the description.
    population_description, population_year
        What the population field counts, in words ("residents aged 15 or more"), and the year
        of the count, stated in the method as given; None when not known (never guessed).
    outline
        The commune's boundary (lon/lat): zones are kept to it first by
        :func:`~mobility.demand.clip_zones` (cut at the line, a straddling zone's population
        shared by area), so that every point lies inside; None keeps the zones as given.
    age_group
        The age group the field counts ("aged 15 to 29"), named in the method; None when unknown.
    commune_total, commune_total_rule
        The source's own total for the commune and how it was summed, stated next to the total
        used (:meth:`DemandMethod.totals`); None when the source has none.
    carried
        Other counts of the zones the points carry, by the name of the points' column and the
        zones' field (``{"poor_households": "men_pauv"}``): each point takes the zone's count in
        the proportion of the zone's inhabitants it stands for, so a zone cut at the boundary
        keeps the same ratio of the count to its inhabitants. A zone with no inhabitant carries
        nothing; a missing value counts 0.

    Returns
    -------
    DemandPoints
        The points (EPSG:4326) and the method that made them.

    Raises
    ------
    InvalidInputError
        One error listing every problem found in the inputs, each naming its field.
    """
    ratios = _ratios(zones, population_field, zone_id_field, carried or {})
    clip: ZonesClip | None = None
    if outline is not None and _clippable(zones, population_field):
        zones, clip = clip_zones(
            zones, outline, population_field=population_field, zone_id_field=zone_id_field
        )
    inputs = check_inputs(
        zones,
        population_field=population_field,
        zone_id_field=zone_id_field,
        streets=streets,
        buildings=buildings,
        spacing_m=spacing_m,
        levels_field=levels_field,
        default_levels=default_levels,
    )
    spacing = float(spacing_m)
    ids, geoms, populations = inputs.zone_ids, inputs.zone_geoms, inputs.populations
    todo = populations > 0
    found: list[tuple[_Points, str]] = []

    by_buildings = np.zeros(len(ids), dtype=bool)
    if inputs.building_geoms is not None and inputs.building_levels is not None:
        points = _building_points(
            geoms, todo, inputs.building_geoms, inputs.building_levels, float(default_levels)
        )
        by_buildings[points[0]] = True
        todo &= ~by_buildings
        found.append((points, "building"))

    by_streets = np.zeros(len(ids), dtype=bool)
    points = _street_points(geoms, todo, inputs.street_geoms, spacing)
    by_streets[points[0]] = True
    todo &= ~by_streets
    found.append((points, "street"))

    centred = np.flatnonzero(todo)
    centres = np.asarray(shapely.point_on_surface(geoms[centred]), dtype=object)
    found.append(((centred, centres, np.ones(len(centred))), "zone_centre"))

    zone_idx = np.concatenate([p[0] for p, _ in found])
    point_geoms = np.concatenate([p[1] for p, _ in found])
    weights = np.concatenate([p[2] for p, _ in found])
    sources = np.concatenate([np.full(len(p[0]), s, dtype=object) for p, s in found])
    order = np.argsort(zone_idx, kind="stable")
    zone_idx, point_geoms, weights, sources = (
        zone_idx[order],
        point_geoms[order],
        weights[order],
        sources[order],
    )
    totals = np.bincount(zone_idx, weights=weights, minlength=len(ids))
    shares = populations[zone_idx] * weights / totals[zone_idx]

    point_zones = [ids[i] for i in zone_idx]
    columns: dict[str, object] = {
        "point_id": np.arange(len(zone_idx), dtype=np.int64),
        "zone": point_zones,
        "population": shares.astype(np.float64),
        "source": list(sources),
    }
    for name, by_zone in ratios.items():
        columns[name] = shares * np.array([by_zone.get(z, 0.0) for z in point_zones])
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries(point_geoms, crs=WIRE_CRS))
    method = _method(
        ids=ids,
        populations=populations,
        by_buildings=by_buildings,
        by_streets=by_streets,
        centred=centred,
        points_count=len(frame),
        population_source=population_source,
        population_field=population_field,
        spacing=spacing,
        levels_field=levels_field if buildings is not None else None,
        default_levels=float(default_levels),
        population_description=population_description,
        population_year=population_year,
        boundary_clip=clip,
    )
    method = replace(
        method,
        age_group=age_group,
        commune_total=commune_total,
        commune_total_rule=commune_total_rule,
        carried=tuple((carried or {}).items()),
    )
    return DemandPoints(points=frame, method=replace(method, description=describe(method)))


def _ratios(
    zones: object, population_field: str, zone_id_field: str | None, carried: Mapping[str, str]
) -> dict[str, dict[str, float]]:
    """Return, per carried count, each zone's count per inhabitant, by zone id (before any cut).

    Wrong inputs carry nothing here: the checks refuse them with their reasons.
    """
    if not carried or not isinstance(zones, gpd.GeoDataFrame):
        return {}
    if population_field not in zones.columns or any(
        f not in zones.columns for f in carried.values()
    ):
        missing = [f for f in carried.values() if f not in zones.columns]
        raise InvalidInputError(
            "the zones lack the counts to carry",
            problems=[FieldProblem("carried", f"zones have no field '{f}'") for f in missing],
        )
    labels = (
        zones[zone_id_field].astype(str).tolist()
        if zone_id_field is not None and zone_id_field in zones.columns
        else [str(i) for i in zones.index]
    )
    people = pd.to_numeric(zones[population_field], errors="coerce").fillna(0).to_numpy(float)
    ratios: dict[str, dict[str, float]] = {}
    for name, field in carried.items():
        counts = pd.to_numeric(zones[field], errors="coerce").fillna(0).to_numpy(float)
        per_person = np.divide(counts, people, out=np.zeros_like(counts), where=people > 0)
        ratios[name] = dict(zip(labels, per_person.tolist(), strict=True))
    return ratios


def _clippable(zones: object, population_field: str) -> bool:
    """Tell whether the zones can be clipped; if not, the checks will say why."""
    if not isinstance(zones, gpd.GeoDataFrame) or population_field not in zones.columns:
        return False
    crs = zones.crs
    return crs is not None and (
        crs.equals(WIRE_CRS) or crs.equals(CRS("OGC:CRS84"), ignore_axis_order=True)
    )


def _method(
    *,
    ids: list[str],
    populations: NDArray[np.float64],
    by_buildings: NDArray[np.bool_],
    by_streets: NDArray[np.bool_],
    centred: NDArray[np.intp],
    points_count: int,
    population_source: str,
    population_field: str,
    spacing: float,
    levels_field: str | None,
    default_levels: float,
    population_description: str | None,
    population_year: int | None,
    boundary_clip: ZonesClip | None,
) -> DemandMethod:
    n_buildings, n_streets = int(by_buildings.sum()), int(by_streets.sum())
    weighting: Weighting = "street_length"
    if n_buildings and n_streets:
        weighting = "mixed"
    elif n_buildings:
        weighting = "building_floor_area"
    method = DemandMethod(
        weighting=weighting,
        population_source=population_source,
        population_field=population_field,
        spacing_m=spacing,
        zones_count=len(ids),
        zones_by_buildings=n_buildings,
        zones_by_streets=n_streets,
        zones_without_streets=tuple(ids[i] for i in centred),
        zones_with_zero_population=tuple(ids[i] for i in np.flatnonzero(populations == 0)),
        total_population=float(populations.sum()),
        points_count=points_count,
        description="",
        levels_field=levels_field,
        default_levels=default_levels,
        population_description=population_description,
        population_year=population_year,
        boundary_clip=boundary_clip,
    )
    return replace(method, description=describe(method))
