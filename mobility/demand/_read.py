# SPDX-License-Identifier: MIT
"""Read population zones from a GeoJSON, GeoPackage or Shapefile, in any CRS."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo.vector_files import VectorSource, open_vector_file


def read_zones(
    source: Path | bytes, *, population_field: str, zone_id_field: str | None = None
) -> gpd.GeoDataFrame:
    """Read population zones into EPSG:4326, whatever the file's format and CRS.

    GeoJSON (gzip-compressed accepted), GeoPackage and Shapefile (zipped, or a path to the
    ``.shp``) are read; a file in another CRS is reprojected, one that declares none must be
    lon/lat. In a file of several layers, the polygon layer holding ``population_field`` is
    taken. The values themselves are checked by :func:`~mobility.demand.spread_population`.

    Raises
    ------
    UnsupportedFormatError
        The content is none of those formats, or broken (bad gzip, truncated GeoPackage).
    InvalidInputError
        ``population_field`` or ``zone_id_field`` is not a field of the file; the message lists
        the fields present.
    """
    with open_vector_file(source, what="zones") as opened:
        frame = _population_layer(opened, population_field)

    fields = [str(c) for c in frame.columns if c != frame.geometry.name]
    absent = {
        name: wanted
        for name, wanted in (
            ("population_field", population_field),
            ("zone_id_field", zone_id_field),
        )
        if wanted is not None and wanted not in fields
    }
    if absent:
        present = ", ".join(fields) or "none"
        raise InvalidInputError(
            "The zones file has no field " + " nor ".join(f"'{w}'" for w in absent.values()),
            problems=[
                FieldProblem(
                    name, f"the zones file has no field '{wanted}'; fields present: {present}"
                )
                for name, wanted in absent.items()
            ],
        )
    return frame


def _population_layer(opened: VectorSource, population_field: str) -> gpd.GeoDataFrame:
    """Return the only layer, or among several the first polygon layer with the field."""
    if len(opened.layers) == 1:
        return opened.read()
    for layer in opened.layers:
        if layer.polygonal:
            frame = opened.read(layer)
            if population_field in frame.columns:
                return frame
    return opened.read(opened.only_layer())
