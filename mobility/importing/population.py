# SPDX-License-Identifier: MIT
"""The population stage: the zones of a region's file that lie in the commune.

Homes are counted inside the commune only: the surroundings bring streets and assets, never
residents. A zone is kept when at least :data:`MIN_SHARE_INSIDE` of its area lies inside the
boundary; the zones of a neighbour that only graze the line (two producers rarely draw a boundary
alike) are dropped and counted apart. The kept zones are stored, as gzipped GeoJSON with their
fields, as the commune's population file; how a zone across the line is spread is the demand
model's rule.

Three sources are read: zones with a count (any vector file), INSEE's IRIS table joined to IGN's
IRIS contours (:mod:`mobility.importing.insee_iris`) and INSEE's Filosofi 200 m grid
(:mod:`mobility.importing.insee_grid`), told apart by their content.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from numpy.typing import NDArray

from mobility.demand import AREA_TOLERANCE, read_zones
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import to_metric
from mobility.importing.area import CommuneArea
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile

MIN_SHARE_INSIDE = 0.01
"""A zone with less than 1 % of its area inside the commune is a drawing difference, not a zone."""


@dataclass(frozen=True)
class SelectedPopulation:
    """The commune's population file as stored, how to read it, and the stage's report.

    ``facts`` go to the stored file's metadata (:attr:`mobility.commune.CommuneInputs.
    population_facts`): age group, the source's own total for the commune, carried counts.
    """

    content: bytes
    stored_as: str
    report: StageReport
    population_field: str
    zone_id_field: str | None
    description: str | None
    year: int | None
    facts: dict[str, Any] = field(default_factory=dict)


def zone_shares(zones: gpd.GeoDataFrame, area: CommuneArea) -> NDArray[np.float64]:
    """Return the share of each zone's area (Lambert-93) inside the commune, 0 to 1."""
    outline = to_metric(shapely.geometry.shape(area.boundary))
    shapes = np.asarray([to_metric(geometry) for geometry in zones.geometry], dtype=object)
    areas = shapely.area(shapes)
    inside = shapely.area(shapely.intersection(shapes, outline))
    share: NDArray[np.float64] = np.divide(
        inside, areas, out=np.zeros_like(inside), where=areas > 0
    )
    return share


def keep_inside(
    report: StageReport, share: NDArray[np.float64], unit: str = "zone"
) -> NDArray[np.bool_]:
    """Return which zones are kept, counting the others in the report by reason.

    Raises
    ------
    InvalidInputError
        No zone lies in the commune.
    """
    kept: NDArray[np.bool_] = share >= MIN_SHARE_INSIDE
    report.drop("outside the commune", int((share == 0).sum()))
    report.drop(
        f"less than {MIN_SHARE_INSIDE:.0%} inside (boundaries drawn apart)",
        int(((share > 0) & ~kept).sum()),
    )
    report.kept = int(kept.sum())
    if not report.kept:
        raise InvalidInputError(
            f"no population {unit} lies in the commune",
            problems=[FieldProblem("population", f"none of the {len(share):,} {unit}s is inside")],
        )
    return kept


def used_by_area(values: NDArray[np.float64], share: NDArray[np.float64]) -> float:
    """Return the population the demand keeps: a zone's count by its share inside the boundary.

    As :func:`mobility.demand.clip_zones` counts it: a zone inside within the tolerance whole.
    """
    whole = share >= 1 - AREA_TOLERANCE
    return float(np.where(whole, values, values * share).sum())


def stored_name(population: InputFile, code: str) -> str:
    """Return the stored population file's name: the original's stem and the commune code."""
    return f"{population.name.split('.', 1)[0] or 'population'}_{code}.geojson.gz"


def to_stored(zones: gpd.GeoDataFrame) -> bytes:
    """Return zones as the stored gzipped GeoJSON, with their fields."""
    body = zones.to_json(drop_id=True, na="null", default=str).encode("utf-8")
    return gzip.compress(body, compresslevel=6, mtime=0)


def select_zones(
    population: InputFile,
    area: CommuneArea,
    *,
    population_field: str | None,
    zone_id_field: str | None,
    description: str | None = None,
    year: int | None = None,
) -> SelectedPopulation:
    """Keep the zones of a vector file with a count that lie in the commune.

    Raises
    ------
    InvalidInputError
        No field named, a named field absent (from the zones reader) or no zone in the commune.
    """
    if not population_field:
        raise InvalidInputError(
            "the population zones need their field",
            problems=[
                FieldProblem("population_field", "name the field that holds the population count")
            ],
        )
    report = StageReport(stage="population", unit="zones", source=population.describe())
    zones = read_zones(
        population.plain(), population_field=population_field, zone_id_field=zone_id_field
    )
    report.read = len(zones)
    share = zone_shares(zones, area)
    kept = keep_inside(report, share)
    chosen = zones[kept]
    total = float(chosen[population_field].fillna(0).astype(float).sum())
    straddling = int((kept & (share < 0.99)).sum())
    stored_as = stored_name(population, area.code)
    report.facts = {
        "population_field": population_field,
        "population_in_kept_zones": total,
        "straddling_zones": straddling,
        "stored_as": stored_as,
    }
    report.notes.append(
        f"{total:,.0f} in the field {population_field} of the kept zones; homes are counted "
        f"inside the commune only ({straddling} zone(s) cross its boundary)"
    )
    return SelectedPopulation(
        content=to_stored(chosen),
        stored_as=stored_as,
        report=report,
        population_field=population_field,
        zone_id_field=zone_id_field,
        description=description,
        year=year,
    )
