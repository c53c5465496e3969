# SPDX-License-Identifier: MIT
"""Read any line file GDAL reads (GeoJSON, GeoPackage, zipped Shapefile) into the street graph.

A line file is a set of street lines with fields, in any coordinate system. It becomes the
normalized graph of :mod:`mobility.network.model` in four steps: the rows are read (only those
touching the clip polygon, when one is given), their lines are projected to Lambert-93 and cut at
the clip's edge, the lines are noded where they meet (:mod:`mobility.network.noding`), and each
piece becomes an edge whose modes, direction and speed come from the file's fields
(:mod:`mobility.network.line_fields`).

Clip
    Lines are cut at the clip's edge rather than kept whole: the graph then holds exactly the
    streets inside the outline (the commune and its margin), whatever the length of the lines a
    file draws. Storing the kept lines and reading them again without a clip gives the same graph.

The report of what was done is kept in ``graph.graph["line_file"]`` (see :class:`LineFileReport`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import CRS, Transformer
from shapely.geometry.base import BaseGeometry

from mobility.errors import UnsupportedFormatError
from mobility.geo import METRIC_CRS, WIRE_CRS, in_france, wire_transformer
from mobility.network.classes import oneway_direction
from mobility.network.line_clip import clip_lines
from mobility.network.line_fields import FieldReading, choose_rules, row_extras
from mobility.network.line_source import LineRows, project_outline, read_line_rows
from mobility.network.model import EdgeRecord, NodeRecord, assemble_streets
from mobility.network.noding import NodedLines, find_duplicate_pieces, node_lines

FloatArray = npt.NDArray[np.float64]
_LINE_TYPES = (shapely.GeometryType.LINESTRING, shapely.GeometryType.MULTILINESTRING)


@dataclass(frozen=True, slots=True)
class LineFileReport:
    """What reading a line file did, counted at each step (stored in ``info.streets``)."""

    driver: str
    layer: str
    crs_read: str | None
    field_rules: str
    has_classes: bool
    level_info: bool
    level_fields: list[str] = field(default_factory=list)
    features_read: int = 0
    not_lines: int = 0
    lines_read: int = 0
    clipped: bool = False
    lines_outside_clip: int = 0
    lines_cut_at_clip: int = 0
    zero_length_dropped: int = 0
    crossings_split: int = 0
    duplicates_dropped: int = 0
    pieces: int = 0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON values."""
        return asdict(self)


def read_line_file(
    source: Path | bytes, *, clip: BaseGeometry | None = None, layer: str | None = None
) -> nx.MultiDiGraph:
    """Read a line file into the normalized street graph, noded where its lines meet.

    Parameters
    ----------
    source
        A path (a ``.shp`` with its side files, ``.zip``, ``.gpkg``, ``.geojson``, optionally
        gzipped) or the file's bytes.
    clip
        A lon/lat polygon: only lines touching it are read, cut at its edge.
    layer
        The layer to read; by default the file's only layer of lines.

    Returns
    -------
    networkx.MultiDiGraph
        See :mod:`mobility.network.model`; ``source_format`` is ``"lines"`` and
        ``graph.graph["line_file"]`` holds the :class:`LineFileReport` as a dict.

    Raises
    ------
    UnsupportedFormatError
        When the file cannot be read, holds no line (inside the clip), or lies outside France.
    """
    rows = read_line_rows(source, clip=clip, layer=layer)
    geometries = np.asarray(rows.frame.geometry.array, dtype=object)
    is_line = np.isin(shapely.get_type_id(geometries), _LINE_TYPES)
    parts, part_row = shapely.get_parts(geometries[is_line], return_index=True)
    part_row = np.flatnonzero(is_line)[part_row]
    if len(parts) == 0:
        where = " inside the clip outline" if clip is not None else ""
        raise UnsupportedFormatError(f"The street file holds no line{where}.")
    metric = _to_metric(parts, rows.crs)
    outline = project_outline(clip, CRS(METRIC_CRS)) if clip is not None else None
    cut = clip_lines(metric, outline)
    if cut.row_index.size == 0:
        raise UnsupportedFormatError("The street file holds no line inside the clip outline.")
    line_row = part_row[cut.row_index]
    attributes = pd.DataFrame(rows.frame.drop(columns=rows.frame.geometry.name))
    reading = choose_rules([str(column) for column in attributes.columns]).read(attributes)
    direction = np.array([oneway_direction(tags) for tags in reading.tags], dtype=np.int64)
    xy, vertex_line = shapely.get_coordinates(cut.lines, return_index=True)
    noded = node_lines(
        xy,
        vertex_line,
        line_count=len(cut.lines),
        levels=reading.levels[line_row] if reading.levels is not None else None,
    )
    same_fields = pd.util.hash_pandas_object(attributes.astype(str), index=False).to_numpy()
    duplicate = find_duplicate_pieces(
        noded, same_fields[line_row].astype(np.int64), direction[line_row] == 0
    )
    noded = noded.select(np.flatnonzero(~duplicate))
    graph = _assemble(noded, line_row, reading, direction, row_extras(attributes))
    graph.graph["line_file"] = LineFileReport(
        driver=rows.driver,
        layer=rows.layer,
        crs_read=_crs_name(rows),
        field_rules=reading.rules,
        has_classes=reading.has_classes,
        level_info=reading.levels is not None,
        level_fields=list(reading.level_fields),
        features_read=len(rows.frame),
        not_lines=int(np.count_nonzero(~is_line)),
        lines_read=len(parts),
        clipped=clip is not None,
        lines_outside_clip=cut.outside,
        lines_cut_at_clip=cut.cut,
        zero_length_dropped=noded.zero_length_lines,
        crossings_split=noded.crossings_split,
        duplicates_dropped=int(np.count_nonzero(duplicate)),
        pieces=noded.piece_count,
    ).to_dict()
    return graph


def _crs_name(rows: LineRows) -> str | None:
    if rows.crs is None:
        return None
    authority = rows.crs.to_authority()
    return ":".join(authority) if authority else rows.crs.name


def _to_metric(parts: npt.NDArray[np.object_], crs: CRS | None) -> npt.NDArray[np.object_]:
    """Project lines to Lambert-93 after checking that they lie in France.

    A file that states no CRS (a Shapefile without its .prj) is taken as lon/lat; if its
    coordinates are not, the check says so.
    """
    source = crs if crs is not None else CRS(WIRE_CRS)
    xy, index = shapely.get_coordinates(parts, return_index=True)
    if not np.all(np.isfinite(xy)):
        raise UnsupportedFormatError("A line of the street file has a non-finite coordinate.")
    to_wire = Transformer.from_crs(source, WIRE_CRS, always_xy=True)
    lon, lat = to_wire.transform(xy[:, 0], xy[:, 1])
    _check_in_france(np.asarray(lon), np.asarray(lat), stated=crs is not None)
    to_metric = Transformer.from_crs(source, METRIC_CRS, always_xy=True)
    x, y = to_metric.transform(xy[:, 0], xy[:, 1])
    metric = np.column_stack([x, y])
    if not np.all(np.isfinite(metric)):
        raise UnsupportedFormatError("Some lines of the street file cannot be placed in France.")
    return np.asarray(shapely.linestrings(metric, indices=index), dtype=object)


def _check_in_france(lon: FloatArray, lat: FloatArray, *, stated: bool) -> None:
    inside = np.array([in_france(a, b) for a, b in zip(lon, lat, strict=True)], dtype=bool)
    if np.count_nonzero(~inside) * 2 <= len(inside):
        return
    if np.any(np.abs(lon) > 180.0) or np.any(np.abs(lat) > 90.0):
        hint = (
            " The coordinates look projected, but the file states no coordinate system: add"
            " the Shapefile's .prj."
            if not stated
            else " The coordinates look projected, but the file says they are lon/lat: state"
            " its coordinate system (the GeoJSON crs member)."
        )
    elif np.count_nonzero([in_france(b, a) for a, b in zip(lon, lat, strict=True)]) * 2 > len(
        inside
    ):
        hint = " x and y look swapped (x must be the longitude or the easting)."
    else:
        hint = " Only streets in metropolitan France and Corsica are supported."
    raise UnsupportedFormatError(
        f"{np.count_nonzero(~inside)} of {len(inside)} line vertices lie outside France.{hint}"
    )


def _assemble(
    noded: NodedLines,
    line_row: npt.NDArray[np.int64],
    reading: FieldReading,
    direction: npt.NDArray[np.int64],
    extras: list[dict[str, str]],
) -> nx.MultiDiGraph:
    """Turn pieces into the model's records: one edge per way somebody may travel."""
    lon, lat = wire_transformer().transform(noded.coords[:, 0], noded.coords[:, 1])
    vertex_piece = np.repeat(np.arange(noded.piece_count), np.diff(noded.offsets))
    lines = shapely.linestrings(np.column_stack([lon, lat]), indices=vertex_piece)
    node_lon, node_lat = wire_transformer().transform(noded.node_xy[:, 0], noded.node_xy[:, 1])
    nodes = {
        index: NodeRecord(source_id=f"{x:.2f} {y:.2f}", x=float(a), y=float(b))
        for index, (x, y, a, b) in enumerate(
            zip(noded.node_xy[:, 0], noded.node_xy[:, 1], node_lon, node_lat, strict=True)
        )
    }
    lengths = noded.lengths()
    backs = shapely.reverse(lines)
    edges: list[EdgeRecord] = []
    for piece in range(noded.piece_count):
        row = int(line_row[noded.line[piece]])
        u, v = int(noded.start_node[piece]), int(noded.end_node[piece])
        way = int(direction[row])
        ends = [(v, u, backs[piece])] if way == -1 else [(u, v, lines[piece])]
        if way == 0 and u != v:
            # Both ways given here, not left to the model's twin search, which could take
            # another piece joining the same crossings with about the same length for the way
            # back. A loop's way round back is the model's.
            ends.append((v, u, backs[piece]))
        edges.extend(
            EdgeRecord(
                u=a,
                v=b,
                tags=reading.tags[row],
                geometry=line,
                length=float(lengths[piece]),
                oneway=way != 0,
                extra=extras[row],
            )
            for a, b, line in ends
        )
    return assemble_streets(nodes, edges, source_format="lines", has_classes=reading.has_classes)
