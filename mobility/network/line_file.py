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
from shapely.geometry.base import BaseGeometry

from mobility.geo import wire_transformer
from mobility.network.classes import oneway_direction
from mobility.network.line_fields import FieldReading, row_extras
from mobility.network.line_kept import KeptLines, read_kept_lines
from mobility.network.line_rules import choose_rules
from mobility.network.model import EdgeRecord, NodeRecord, assemble_streets
from mobility.network.noding import NodedLines, find_duplicate_pieces, node_lines

FloatArray = npt.NDArray[np.float64]


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
    junctions: str = "shared vertices and crossings"
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
    return build_line_graph(read_kept_lines(source, clip=clip, layer=layer))


def build_line_graph(kept: KeptLines) -> nx.MultiDiGraph:
    """Node the kept lines and build the street graph, with its report."""
    attributes = kept.attributes
    line_row = kept.line_row
    reading = choose_rules([str(column) for column in attributes.columns]).read(attributes)
    direction = np.array([oneway_direction(tags) for tags in reading.tags], dtype=np.int64)
    xy, vertex_line = shapely.get_coordinates(kept.cut.lines, return_index=True)
    noded = node_lines(
        xy,
        vertex_line,
        line_count=len(kept.cut.lines),
        levels=reading.levels[line_row] if reading.levels is not None else None,
        ends_only=reading.ends_only,
    )
    same_fields = pd.util.hash_pandas_object(attributes.astype(str), index=False).to_numpy()
    duplicate = find_duplicate_pieces(
        noded, same_fields[line_row].astype(np.int64), direction[line_row] == 0
    )
    noded = noded.select(np.flatnonzero(~duplicate))
    graph = _assemble(noded, line_row, reading, direction, row_extras(attributes))
    graph.graph["line_file"] = LineFileReport(
        driver=kept.rows.driver,
        layer=kept.rows.layer,
        crs_read=kept.crs_name,
        field_rules=reading.rules,
        has_classes=reading.has_classes,
        level_info=reading.levels is not None,
        level_fields=list(reading.level_fields),
        junctions="line ends" if reading.ends_only else "shared vertices and crossings",
        features_read=len(kept.rows.frame),
        not_lines=kept.not_lines,
        lines_read=kept.lines_read,
        clipped=kept.cut.clipped,
        lines_outside_clip=kept.cut.outside,
        lines_cut_at_clip=kept.cut.cut,
        zero_length_dropped=noded.zero_length_lines,
        crossings_split=noded.crossings_split,
        duplicates_dropped=int(np.count_nonzero(duplicate)),
        pieces=noded.piece_count,
    ).to_dict()
    return graph


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
