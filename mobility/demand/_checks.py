# SPDX-License-Identifier: MIT
"""Input validation for :func:`mobility.demand.spread_population`.

Everything is checked before any work starts and every problem found is reported at once, in one
:class:`~mobility.errors.InvalidInputError`, each tied to the field at fault.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from numbers import Real

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from pyproj import CRS, Transformer

from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import WIRE_CRS

# shapely type ids
_LINESTRING, _POLYGON, _MULTIPOINT, _MULTILINESTRING, _MULTIPOLYGON = 1, 3, 4, 5, 6
_NAMES_IN_MESSAGE = 10
# Coordinates closer than this (degrees, ~0.1 mm) are the same when spotting duplicated segments.
_SAME_COORDINATE_DEG = 1e-9


@dataclass(frozen=True)
class Inputs:
    """Checked and normalised inputs, all in EPSG:4326."""

    zone_ids: list[str]
    zone_geoms: NDArray[np.object_]
    populations: NDArray[np.float64]
    street_geoms: NDArray[np.object_]
    building_geoms: NDArray[np.object_] | None
    building_levels: NDArray[np.object_] | None


def names(labels: Sequence[Hashable]) -> str:
    """List the first few labels, then how many more there are."""
    shown = ", ".join(str(label) for label in labels[:_NAMES_IN_MESSAGE])
    more = len(labels) - _NAMES_IN_MESSAGE
    return f"{shown} and {more} more" if more > 0 else shown


def _fields(frame: pd.DataFrame) -> str:
    return ", ".join(str(c) for c in frame.columns if c != frame.geometry.name) or "none"


def _crs_problem(frame: gpd.GeoDataFrame, name: str) -> FieldProblem | None:
    crs = frame.crs
    if crs is None:
        return FieldProblem(f"{name}.crs", f"{name} have no CRS; expected {WIRE_CRS} (lon/lat)")
    if crs.equals(WIRE_CRS) or crs.equals(CRS("OGC:CRS84"), ignore_axis_order=True):
        return None
    return FieldProblem(
        f"{name}.crs", f"{name} are in {crs.to_string()}; expected {WIRE_CRS} (lon/lat)"
    )


def _flatten(geom: shapely.Geometry) -> list[shapely.Geometry]:
    parts = list(shapely.get_parts(geom))
    flat: list[shapely.Geometry] = []
    for part in parts:
        if shapely.get_type_id(part) >= _MULTIPOINT:  # multi-part or collection
            flat.extend(_flatten(part))
        else:
            flat.append(part)
    return flat


def project(geoms: NDArray[np.object_], transformer: Transformer) -> NDArray[np.object_]:
    """Move every coordinate of an array of geometries with a transformer, at once."""

    def move(xy: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])

    return np.asarray(shapely.transform(geoms, move), dtype=object)


def polygonal(geoms: NDArray[np.object_]) -> NDArray[np.object_]:
    """Repair invalid geometries and keep their polygonal part (None when nothing is left)."""
    out = geoms.copy()
    present = ~shapely.is_missing(out) & ~shapely.is_empty(out)
    out[~present] = None
    broken = present & ~shapely.is_valid(out)
    if broken.any():
        out[broken] = shapely.make_valid(out[broken])
    kinds = shapely.get_type_id(out)
    for i in np.flatnonzero((kinds != _POLYGON) & (kinds != _MULTIPOLYGON) & (kinds != -1)):
        polygons = [p for p in _flatten(out[i]) if shapely.get_type_id(p) == _POLYGON]
        out[i] = shapely.multipolygons(polygons) if polygons else None
    out[shapely.is_empty(out) | (shapely.area(out) <= 0)] = None
    return out


def population_value(value: object) -> float | str:
    """Return the value as a float, or the reason it is refused."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "missing"
    if isinstance(value, bool | np.bool_):
        return "non-numeric"
    if isinstance(value, Real):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return "non-numeric"
    else:
        return "non-numeric"
    if math.isnan(number):
        return "missing"
    if math.isinf(number):
        return "non-numeric"
    return "negative" if number < 0 else number


def _check_zones(
    zones: gpd.GeoDataFrame,
    population_field: str,
    zone_id_field: str | None,
    problems: list[FieldProblem],
) -> tuple[list[str], NDArray[np.object_], NDArray[np.float64]]:
    if len(zones) == 0:
        problems.append(FieldProblem("zones", "no zone given"))
    labels: list[str] = [str(i) for i in zones.index]
    if zone_id_field is not None and zone_id_field not in zones.columns:
        problems.append(
            FieldProblem(
                "zone_id_field",
                f"zones have no field '{zone_id_field}'; fields present: {_fields(zones)}",
            )
        )
    elif zone_id_field is not None:
        raw = zones[zone_id_field]
        missing = raw.isna().to_numpy()
        if missing.any():
            rows = [labels[i] for i in np.flatnonzero(missing)]
            problems.append(
                FieldProblem(f"zones.{zone_id_field}", f"rows {names(rows)} have no zone id")
            )
        labels = [labels[i] if missing[i] else str(v) for i, v in enumerate(raw)]
    duplicated = pd.Series(labels).duplicated(keep=False).to_numpy()
    if duplicated.any():
        field = f"zones.{zone_id_field}" if zone_id_field else "zones.index"
        dupes = list(dict.fromkeys(labels[i] for i in np.flatnonzero(duplicated)))
        problems.append(FieldProblem(field, f"zone ids {names(dupes)} are used more than once"))

    populations = np.zeros(len(zones))
    if population_field not in zones.columns:
        problems.append(
            FieldProblem(
                "population_field",
                f"zones have no field '{population_field}'; fields present: {_fields(zones)}",
            )
        )
    else:
        refused: dict[str, list[str]] = {}
        for i, value in enumerate(zones[population_field].to_numpy(dtype=object)):
            parsed = population_value(value)
            if isinstance(parsed, str):
                refused.setdefault(parsed, []).append(labels[i])
            else:
                populations[i] = parsed
        for reason, rows in refused.items():
            what = {"missing": "no value (missing or NaN)"}.get(reason, f"a {reason} value")
            problems.append(
                FieldProblem(
                    f"zones.{population_field}", f"zones {names(rows)} have {what} for population"
                )
            )

    raw_geoms = np.asarray(zones.geometry.array, dtype=object)
    kinds = shapely.get_type_id(raw_geoms)
    empty = (kinds == -1) | shapely.is_empty(raw_geoms)
    wrong = ~empty & (kinds != _POLYGON) & (kinds != _MULTIPOLYGON)
    if empty.any():
        rows = [labels[i] for i in np.flatnonzero(empty)]
        problems.append(FieldProblem("zones.geometry", f"zones {names(rows)} have no geometry"))
    if wrong.any():
        rows = [labels[i] for i in np.flatnonzero(wrong)]
        problems.append(
            FieldProblem(
                "zones.geometry", f"zones {names(rows)} are not Polygon or MultiPolygon geometries"
            )
        )
    usable = raw_geoms.copy()
    usable[wrong | empty] = None
    geoms = polygonal(usable)
    lost = ~empty & ~wrong & shapely.is_missing(geoms)
    if lost.any():
        rows = [labels[i] for i in np.flatnonzero(lost)]
        problems.append(
            FieldProblem(
                "zones.geometry",
                f"zones {names(rows)} have an invalid geometry that has no area once repaired",
            )
        )
    return labels, geoms, populations


def _line_parts(streets: gpd.GeoDataFrame, problems: list[FieldProblem]) -> NDArray[np.object_]:
    """Split streets into single LineStrings, dropping reverse-direction duplicates."""
    raw = np.asarray(streets.geometry.array, dtype=object)
    kinds = shapely.get_type_id(raw)
    present = (kinds != -1) & ~shapely.is_empty(raw)
    wrong = present & (kinds != _LINESTRING) & (kinds != _MULTILINESTRING)
    if wrong.any():
        rows = [str(streets.index[i]) for i in np.flatnonzero(wrong)]
        problems.append(
            FieldProblem(
                "streets.geometry",
                f"rows {names(rows)} are not LineString or MultiLineString geometries",
            )
        )
    parts: NDArray[np.object_] = np.asarray(shapely.get_parts(raw[present & ~wrong]), dtype=object)
    parts = parts[shapely.length(parts) > 0]
    if len(parts) == 0:
        return parts
    # The same segment stored once per direction must count once: compare the snapped, normalised
    # geometries (normalising orders a line's coordinates from its smaller end).
    snapped = shapely.set_precision(parts, _SAME_COORDINATE_DEG, mode="pointwise")
    keys = shapely.to_wkb(shapely.normalize(snapped))
    _, first = np.unique(keys, return_index=True)
    unique: NDArray[np.object_] = parts[np.sort(first)]
    return unique


def check_inputs(
    zones: object,
    *,
    population_field: str,
    zone_id_field: str | None,
    streets: object,
    buildings: object,
    spacing_m: float,
    levels_field: str | None,
    default_levels: float,
) -> Inputs:
    """Check every input and return them normalised, or raise one error listing all problems."""
    problems: list[FieldProblem] = []
    frames = {"zones": zones, "streets": streets, "buildings": buildings}
    for name, frame in frames.items():
        if frame is None and name == "buildings":
            continue
        if not isinstance(frame, gpd.GeoDataFrame):
            problems.append(FieldProblem(name, f"{name} must be a GeoDataFrame"))
            continue
        crs_problem = _crs_problem(frame, name)
        if crs_problem is not None:
            problems.append(crs_problem)
    for name, value in (("spacing_m", spacing_m), ("default_levels", default_levels)):
        if isinstance(value, bool) or not isinstance(value, Real) or not 0 < value < math.inf:
            problems.append(FieldProblem(name, f"{name} must be a number above 0, got {value!r}"))

    labels: list[str] = []
    zone_geoms = np.empty(0, dtype=object)
    populations = np.empty(0)
    if isinstance(zones, gpd.GeoDataFrame):
        labels, zone_geoms, populations = _check_zones(
            zones, population_field, zone_id_field, problems
        )
    street_geoms = np.empty(0, dtype=object)
    if isinstance(streets, gpd.GeoDataFrame):
        street_geoms = _line_parts(streets, problems)
    building_geoms: NDArray[np.object_] | None = None
    building_levels: NDArray[np.object_] | None = None
    if isinstance(buildings, gpd.GeoDataFrame):
        if levels_field is not None and levels_field not in buildings.columns:
            problems.append(
                FieldProblem(
                    "levels_field",
                    f"buildings have no field '{levels_field}' (pass levels_field=None to use "
                    f"default_levels everywhere); fields present: {_fields(buildings)}",
                )
            )
        else:
            # Points or lines in a buildings layer have no footprint: they are ignored.
            building_geoms = polygonal(np.asarray(buildings.geometry.array, dtype=object))
            building_levels = (
                np.full(len(buildings), None, dtype=object)
                if levels_field is None
                else buildings[levels_field].to_numpy(dtype=object)
            )
    if problems:
        fields = ", ".join(dict.fromkeys(p.field for p in problems))
        raise InvalidInputError(f"Cannot spread the population; check {fields}", problems=problems)
    return Inputs(
        zone_ids=labels,
        zone_geoms=zone_geoms,
        populations=populations,
        street_geoms=street_geoms,
        building_geoms=building_geoms,
        building_levels=building_levels,
    )
