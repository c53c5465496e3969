# SPDX-License-Identifier: MIT
"""Population zones (IRIS) with their coverage, as GeoJSON polygons for a choropleth.

The coverage report gives one row per zone (its id, population, covered population and share);
the polygons come from the commune's stored population file, read with the metadata stored beside
it and kept to the zones of the commune by the same rule as the demand points, so that each row
finds its polygon under the same id.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import mapping

from mobility.commune import read_commune_zones
from mobility.coverage.analysis import ZoneCoverage, rounded_share
from mobility.store.base import CommuneFile

NAME_FIELDS = ("NOM_IRIS", "nom_iris", "LIB_IRIS", "lib_iris", "name", "nom", "NOM")
"""Fields taken, in this order, as a zone's display name when the file has one."""

COORDINATE_DECIMALS = 6


def commune_zones(population: CommuneFile, boundary: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """Return the commune's population zones with the ids the coverage report uses.

    Parameters
    ----------
    population
        The commune's stored population file; its metadata names ``population_field`` and
        ``zone_id_field``.
    boundary
        The commune's boundary (GeoJSON geometry, lon/lat): zones whose representative point
        falls outside are left out, as when the demand points are built.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``zone`` (str), ``name`` (str or None), ``population`` (float) and ``geometry``,
        in EPSG:4326.
    """
    meta = population.metadata
    population_field = str(meta["population_field"])
    zone_id_field = meta.get("zone_id_field")
    zones = read_commune_zones(
        population.content,
        dict(boundary),
        population_field=population_field,
        zone_id_field=zone_id_field,
    )
    labels = [str(index) for index in zones.index]
    if zone_id_field:
        labels = [
            label if pd.isna(value) else str(value)
            for label, value in zip(labels, zones[zone_id_field], strict=True)
        ]
    name_field = next((field for field in NAME_FIELDS if field in zones.columns), None)
    names = (
        [None if pd.isna(value) else str(value) for value in zones[name_field]]
        if name_field
        else [None] * len(zones)
    )
    populations = pd.to_numeric(zones[population_field], errors="coerce").fillna(0.0)
    return gpd.GeoDataFrame(
        {"zone": labels, "name": names, "population": populations.astype(float).to_list()},
        geometry=zones.geometry.to_list(),
        crs=zones.crs,
    )


def zone_coverage_features(
    zones: gpd.GeoDataFrame, rows: Iterable[ZoneCoverage]
) -> list[dict[str, Any]]:
    """Join the coverage rows to the zone polygons, one GeoJSON Feature per zone.

    A zone with no row (no inhabitant, so no demand point) gets ``share: null`` and
    ``population_covered: 0``.

    Returns
    -------
    list of dict
        Features with ``zone``, ``name``, ``population`` (from the coverage row, else the file),
        ``population_covered`` and ``share`` (0 to 1, or null).
    """
    by_zone = {row.zone: row for row in rows}
    features = []
    for zone, name, population, geometry in zip(
        zones["zone"], zones["name"], zones["population"], zones.geometry, strict=True
    ):
        row = by_zone.get(zone)
        properties: dict[str, Any] = {
            "zone": zone,
            "name": name,
            "population": round(row.population if row else float(population), 1),
            "population_covered": round(row.population_covered, 1) if row else 0.0,
            "share": rounded_share(row.share) if row else None,
        }
        features.append(
            {
                "type": "Feature",
                "id": zone,
                "geometry": _rounded(mapping(geometry)),
                "properties": properties,
            }
        )
    return features


def _rounded(value: Any) -> Any:
    """Round every coordinate of a GeoJSON geometry mapping (tuples become lists)."""
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if value and isinstance(value[0], float | int):
            return [round(float(number), COORDINATE_DECIMALS) for number in value]
        return [_rounded(item) for item in value]
    return value
