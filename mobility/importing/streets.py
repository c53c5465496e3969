# SPDX-License-Identifier: MIT
"""The streets stage: a region's line file cut down to the commune and its surroundings.

The store keeps, as the commune's streets file, only the lines within the surroundings (cut at
their edge, with every field the file gave them), written as gzipped GeoJSON in lon/lat: the
store never holds a region, and the commune rebuilds from that file exactly the graph the import
built. The original file is named in the commune's sources (name, size, SHA-256).

A GraphML or OSM XML file is a graph already prepared by its producer: it is kept as given.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import WIRE_CRS
from mobility.importing.area import CommuneArea
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile
from mobility.network.line_source import LineRows, read_line_rows

LINE_TYPES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class ClippedStreets:
    """The streets file the commune is built from and stored with."""

    filename: str
    content: bytes


def clip_streets(streets: InputFile, area: CommuneArea) -> tuple[ClippedStreets, StageReport]:
    """Keep the lines of a street file that reach the surroundings, cut at their edge.

    Raises
    ------
    InvalidInputError
        When the file holds no line, or no line reaches the commune's surroundings (naming
        ``streets``).
    UnsupportedFormatError
        When the file is neither a line file GDAL reads nor GraphML / OSM XML.
    """
    report = StageReport(stage="streets", unit="lines", source=streets.describe())
    plain = streets.plain()
    if plain.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
        report.read = report.kept = 1
        report.unit = "graph file"
        report.notes.append(
            "a GraphML or OSM XML graph is kept as given (not cut to the surroundings)"
        )
        return ClippedStreets(streets.name, streets.content), report
    rows = read_line_rows(streets.content, clip=area.surroundings)
    report.read = rows.features_in_layer
    report.drop("outside the surroundings", rows.features_in_layer - len(rows.frame))
    frame = _in_lon_lat(rows)
    is_line = frame.geometry.geom_type.isin(LINE_TYPES).to_numpy()
    report.drop("not lines", int((~is_line).sum()))
    if rows.features_in_layer == 0 or (len(frame) and not is_line.any()):
        raise InvalidInputError(
            "the street file holds no line",
            problems=[FieldProblem("streets", "no LineString or MultiLineString feature")],
        )
    lines = frame[is_line]
    surroundings = area.surroundings
    shapely.prepare(surroundings)
    reaching = shapely.intersects(surroundings, lines.geometry.to_numpy())
    report.drop("outside the surroundings", int((~reaching).sum()))
    kept = lines[reaching].copy()
    if kept.empty:
        raise InvalidInputError(
            "no street of the file reaches the commune",
            problems=[
                FieldProblem(
                    "streets",
                    f"none of the {len(lines):,} lines lies within {area.place.margin_m or 0:,.0f} "
                    f"m of {area.code}",
                )
            ],
        )
    whole = shapely.covers(surroundings, kept.geometry.to_numpy())
    kept["geometry"] = _linear(shapely.intersection(kept.geometry.to_numpy(), surroundings))
    kept = kept[~kept.geometry.is_empty]
    report.drop("touching the surroundings at a point only", int(reaching.sum()) - len(kept))
    report.kept = len(kept)
    report.facts = {"cut_at_the_edge": int((~whole).sum())}
    report.notes.append(
        f"{int((~whole).sum()):,} line(s) cut where they leave the surroundings; kept lines "
        "stored as GeoJSON with their fields"
    )
    stem = streets.name.split(".", 1)[0] or "streets"
    return (
        ClippedStreets(
            f"{stem}_{area.code}_surroundings.geojson.gz",
            gzip.compress(_geojson(kept), compresslevel=6, mtime=0),
        ),
        report,
    )


def _in_lon_lat(rows: LineRows) -> gpd.GeoDataFrame:
    """Return the rows read in lon/lat (a file without CRS is taken as lon/lat already)."""
    frame = rows.frame
    if rows.crs is None or frame.crs is None:
        return frame.set_crs(WIRE_CRS, allow_override=True)
    return frame.to_crs(WIRE_CRS)


def _linear(pieces: np.ndarray) -> np.ndarray:
    """Keep the linear parts of each cut (a cut may also leave points where a line grazes)."""
    outer, outer_owners = shapely.get_parts(pieces, return_index=True)
    parts, inner_owners = shapely.get_parts(outer, return_index=True)  # collections hold multis
    owners = outer_owners[inner_owners]
    is_line = shapely.get_type_id(parts) == 1
    merged = np.full(len(pieces), shapely.MultiLineString(), dtype=object)
    for owner in np.unique(owners[is_line]):
        lines = parts[is_line & (owners == owner)]
        merged[owner] = lines[0] if len(lines) == 1 else shapely.MultiLineString(list(lines))
    return merged


def _geojson(frame: gpd.GeoDataFrame) -> bytes:
    """Return the lines as a GeoJSON FeatureCollection in lon/lat (fields kept as text-safe)."""
    text: str = frame.to_json(drop_id=True, na="drop", default=str)
    return text.encode("utf-8")
