# SPDX-License-Identifier: MIT
"""The population stage: the zones of a region's file that lie in the commune.

Homes are counted inside the commune only: the surroundings bring streets and assets, never
residents. A zone is kept when at least :data:`MIN_SHARE_INSIDE` of its area lies inside the
boundary; the zones of a neighbour that only graze the line (two producers rarely draw a boundary
alike) are dropped and counted apart. The kept zones are stored, as gzipped GeoJSON with their
fields, as the commune's population file; how a zone across the line is spread is the demand
model's rule.
"""

from __future__ import annotations

import gzip

import numpy as np
import shapely

from mobility.demand import read_zones
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import to_metric
from mobility.importing.area import CommuneArea
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile

MIN_SHARE_INSIDE = 0.01
"""A zone with less than 1 % of its area inside the commune is a drawing difference, not a zone."""


def select_zones(
    population: InputFile,
    area: CommuneArea,
    *,
    population_field: str,
    zone_id_field: str | None,
) -> tuple[bytes, str, StageReport]:
    """Return the kept zones as gzipped GeoJSON, the stored file's name, and the stage report.

    Raises
    ------
    InvalidInputError
        When a named field is absent (from the zones reader) or no zone lies in the commune.
    """
    report = StageReport(stage="population", unit="zones", source=population.describe())
    zones = read_zones(
        population.plain(), population_field=population_field, zone_id_field=zone_id_field
    )
    report.read = len(zones)
    outline = to_metric(shapely.geometry.shape(area.boundary))
    shapes = np.asarray([to_metric(geometry) for geometry in zones.geometry], dtype=object)
    areas = shapely.area(shapes)
    inside = shapely.area(shapely.intersection(shapes, outline))
    share = np.divide(inside, areas, out=np.zeros_like(inside), where=areas > 0)
    kept = share >= MIN_SHARE_INSIDE
    report.drop("outside the commune", int((share == 0).sum()))
    report.drop(
        f"less than {MIN_SHARE_INSIDE:.0%} inside (boundaries drawn apart)",
        int(((share > 0) & ~kept).sum()),
    )
    report.kept = int(kept.sum())
    if not report.kept:
        raise InvalidInputError(
            "no population zone lies in the commune",
            problems=[FieldProblem("population", f"none of the {len(zones):,} zones is inside")],
        )
    chosen = zones[kept]
    total = float(chosen[population_field].fillna(0).astype(float).sum())
    straddling = int((kept & (share < 0.99)).sum())
    stored_as = f"{population.name.split('.', 1)[0] or 'population'}_{area.code}.geojson.gz"
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
    body = chosen.to_json(drop_id=True, na="null", default=str).encode("utf-8")
    return gzip.compress(body, compresslevel=6, mtime=0), stored_as, report
