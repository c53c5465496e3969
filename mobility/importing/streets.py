# SPDX-License-Identifier: MIT
"""The streets stage: a region's line file cut down to the commune and its surroundings.

The store keeps, as the commune's streets file, only the lines within the surroundings (cut at
their edge, with every field the file gave them), written as gzipped GeoJSON in Lambert-93: the
store never holds a region, and the commune rebuilds from that file exactly the graph the import
built. The original file is named in the commune's sources (name, size, SHA-256).

A GraphML or OSM XML file is a graph already prepared by its producer: it is kept as given.

A GeoPackage may hold many layers (IGN's BD TOPO holds roads, railways, rivers...): the layer
named by ``--streets-layer`` is read, else the file's only layer of lines, else BD TOPO's
``troncon_de_route``. Its rule set (BD TOPO or OSM-style fields) is named in the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mobility.errors import FieldProblem, InvalidInputError, UnsupportedFormatError
from mobility.importing.area import CommuneArea
from mobility.importing.report import StageReport
from mobility.importing.request import InputFile
from mobility.network.line_kept import KeptLines, read_kept_lines, write_kept_lines
from mobility.network.line_rules import choose_rules

LINE_TYPES = ("LineString", "MultiLineString")


@dataclass(frozen=True)
class ClippedStreets:
    """The streets file the commune is built from and stored with."""

    filename: str
    content: bytes


def clip_streets(
    streets: InputFile, area: CommuneArea, *, layer: str | None = None
) -> tuple[ClippedStreets, StageReport]:
    """Keep the lines of a street file that reach the surroundings, cut at their edge.

    The lines are read and cut by the street reader itself
    (:func:`~mobility.network.line_kept.read_kept_lines`) and written in Lambert-93 to the last
    bit (:func:`~mobility.network.line_kept.write_kept_lines`), so the stored file rebuilds the
    very graph the import built.

    Raises
    ------
    UnsupportedFormatError
        When the file is neither a line file GDAL reads nor GraphML / OSM XML, holds no line, or
        none within the surroundings.
    InvalidInputError
        When ``layer`` names no layer of the file (field ``streets_layer``).
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
    kept = _read_layer(streets, area, layer)
    rows_kept = len(np.unique(kept.line_row))
    report.read = kept.rows.features_in_layer
    report.kept = rows_kept
    report.drop("not lines", kept.not_lines)
    report.drop("outside the surroundings", report.read - rows_kept - kept.not_lines)
    rules = choose_rules([str(column) for column in kept.attributes.columns])
    report.facts = {
        "lines_cut_at_the_edge": kept.cut.cut,
        "crs_read": kept.crs_name,
        "layer": kept.rows.layer,
        "field_rules": rules.name,
    }
    report.notes.append(
        f"{kept.cut.cut:,} line(s) cut where they leave the surroundings; kept lines stored with "
        "their fields (GeoJSON in Lambert-93)"
    )
    stem = streets.name.split(".", 1)[0] or "streets"
    filename = f"{stem}_{area.code}_surroundings.geojson.gz"
    return ClippedStreets(filename, write_kept_lines(kept)), report


def _read_layer(streets: InputFile, area: CommuneArea, layer: str | None) -> KeptLines:
    """Read the chosen layer's lines within the surroundings; a wrong layer names its option."""
    try:
        return read_kept_lines(streets.content, clip=area.surroundings, layer=layer)
    except UnsupportedFormatError:
        raise
    except InvalidInputError as error:
        problems = [FieldProblem("streets_layer", problem.message) for problem in error.problems]
        raise InvalidInputError(error.message, problems=problems) from None
