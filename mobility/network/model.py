# SPDX-License-Identifier: MIT
"""The normalized street graph every other module relies on, and how readers build it.

Contract
--------
A street graph is a ``networkx.MultiDiGraph`` with:

Graph attributes
    ``crs`` = ``"EPSG:4326"``; ``source_format`` = ``"graphml"``, ``"osm"`` or ``"lines"`` (a line
    file, see :mod:`mobility.network.line_file`); ``has_classes``
    (bool) tells whether the source carried OSM ``highway`` classes.
Nodes
    int ids; ``x`` (longitude, float), ``y`` (latitude, float) inside France; ``source_id`` (str)
    the id the source used. Other source node attributes are kept as raw strings.
Edges ``(u, v, key)``
    ``length`` float metres > 0 (the source's value when numeric, else Lambert-93 length of the
    geometry); ``geometry`` shapely ``LineString`` in EPSG:4326 starting exactly at u and ending
    exactly at v; ``name`` and ``highway`` (str or None, first value of a list); ``oneway`` (bool);
    ``maxspeed_kmh`` (float or None); ``access`` (str or None); ``walk`` and ``drive`` (bool, who
    may travel the edge from u to v, see :mod:`mobility.network.classes`). Other source edge
    attributes are kept as raw strings.

Directions
    An edge exists for each direction somebody may travel. A source with classes follows the OSMnx
    convention: a one-way street is stored u→v only and the walk view adds the way back. A source
    without classes (a city street referential) serves both modes, so every edge gets a reverse
    twin; the twin of an edge the source marks one-way is walk-only.
Loops
    An edge from a crossing back to itself (a courtyard, a turning loop) that is not ``oneway``
    is stored both ways round, the twin's line the loop's run backwards, whatever the source
    gave: undirected files and graphs made directed from them store a loop once, and a loop
    travelled one way only sends a point standing on it round the whole loop. A loop the
    source gives both ways round is kept as it is, not doubled; a ``oneway`` loop stays one
    way for cars (the walk view adds its way back, as for any one-way street).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import networkx as nx
from shapely.geometry import LineString

from mobility.errors import UnsupportedFormatError
from mobility.geo import in_france
from mobility.network.classes import classify_modes, first_value, parse_oneway
from mobility.network.directions import add_loop_twins, add_missing_reverses
from mobility.network.geometry import build_straight_line, measure_lengths_m, orient_line
from mobility.network.speeds import parse_maxspeed

SourceFormat = Literal["graphml", "osm", "lines"]
WIRE_CRS_NAME = "EPSG:4326"
NODE_ATTRS = ("x", "y", "source_id")
EDGE_ATTRS = ("length", "geometry", "name", "highway", "oneway", "maxspeed_kmh", "access")
MODE_ATTRS = ("walk", "drive", "speed_kmh", "travel_time_s")
RESERVED_EDGE_ATTRS = frozenset({*EDGE_ATTRS, *MODE_ATTRS, "maxspeed", "reversed", "key", "id"})
MIN_LENGTH_M = 0.01
"""Floor for edges between two nodes at the same position, so every length stays > 0."""


@dataclass(slots=True)
class NodeRecord:
    """A node as a reader found it: source id, lon/lat and raw extra attributes."""

    source_id: str
    x: float
    y: float
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class EdgeRecord:
    """An edge as a reader found it, before the contract is applied.

    ``tags`` feeds the class rules; ``extra`` is what is stored besides the contract attributes;
    ``oneway`` overrides the flag parsed from ``tags`` when the reader already resolved it.
    """

    u: int
    v: int
    tags: Mapping[str, str]
    key: int | None = None
    geometry: LineString | None = None
    length: float | None = None
    oneway: bool | None = None
    extra: dict[str, str] = field(default_factory=dict)


def assemble_streets(
    nodes: Mapping[int, NodeRecord],
    edges: Sequence[EdgeRecord],
    *,
    source_format: SourceFormat,
    has_classes: bool,
) -> nx.MultiDiGraph:
    """Build the normalized street graph from reader records, enforcing the contract.

    Raises
    ------
    UnsupportedFormatError
        When there are no nodes or edges, an edge names an unknown node, or most nodes fall
        outside France (a projected or swapped-axis file would give nonsense lengths).
    """
    if not edges:
        raise UnsupportedFormatError("The street file contains no street edges.")
    if not nodes:
        raise UnsupportedFormatError("The street file contains no nodes.")
    check_coordinates(nodes)
    lines = [_edge_line(nodes, record) for record in edges]
    missing = [i for i, record in enumerate(edges) if not _usable_length(record.length)]
    measured = measure_lengths_m([lines[i] for i in missing])
    lengths = [record.length if _usable_length(record.length) else 0.0 for record in edges]
    for i, value in zip(missing, measured, strict=True):
        lengths[i] = float(value)
    graph = nx.MultiDiGraph(crs=WIRE_CRS_NAME, source_format=source_format, has_classes=has_classes)
    for node_id, node in nodes.items():
        graph.add_node(node_id, **node.extra, x=node.x, y=node.y, source_id=node.source_id)
    for record, line, length in zip(edges, lines, lengths, strict=True):
        if record.u == record.v and (length or 0.0) < MIN_LENGTH_M:
            continue  # a zero-length loop leads nowhere
        attrs = classify_edge(record, has_classes=has_classes)
        attrs.update(length=max(float(length or 0.0), MIN_LENGTH_M), geometry=line)
        key = record.key
        if key is not None and graph.has_edge(record.u, record.v, key):
            key = None
        graph.add_edge(record.u, record.v, key=key, **attrs)
    if graph.number_of_edges() == 0:
        raise UnsupportedFormatError("The street file contains no street edges of positive length.")
    if has_classes:
        add_loop_twins(graph)
    else:
        add_missing_reverses(graph)
    return graph


def _usable_length(value: float | None) -> bool:
    return value is not None and math.isfinite(value) and value > 0.0


def _edge_line(nodes: Mapping[int, NodeRecord], record: EdgeRecord) -> LineString:
    try:
        start, end = nodes[record.u], nodes[record.v]
    except KeyError as exc:
        raise UnsupportedFormatError(
            f"An edge refers to node {exc.args[0]!r}, which the file does not define."
        ) from None
    if record.geometry is None or record.geometry.is_empty:
        return build_straight_line((start.x, start.y), (end.x, end.y))
    return orient_line(record.geometry, (start.x, start.y), (end.x, end.y))


def classify_edge(record: EdgeRecord, *, has_classes: bool) -> dict[str, Any]:
    """Return the contract attributes (but geometry and length) of one edge.

    An edge without a class in a source that has classes is read as ``highway=road`` (OSM's
    « unknown road »), so it serves both modes unless an access tag closes it.
    """
    tags = record.tags
    highway = first_value(tags.get("highway"))
    oneway = record.oneway if record.oneway is not None else parse_oneway(tags.get("oneway"))
    if has_classes:
        rule_tags = tags if highway is not None else {**tags, "highway": "road"}
        walk, drive = classify_modes(rule_tags)
    else:
        walk = drive = True
    extra = {k: v for k, v in record.extra.items() if k not in RESERVED_EDGE_ATTRS}
    return {
        **extra,
        "name": first_value(tags.get("name")),
        "highway": highway,
        "oneway": oneway,
        "maxspeed_kmh": parse_maxspeed(tags.get("maxspeed")),
        "access": first_value(tags.get("access")),
        "walk": walk,
        "drive": drive,
    }


def check_coordinates(nodes: Mapping[int, NodeRecord]) -> None:
    """Refuse a graph whose nodes are mostly outside France, with a hint at the likely cause.

    Raises
    ------
    UnsupportedFormatError
        When a coordinate is not finite or more than half of the nodes fall outside
        :data:`mobility.geo.FRANCE_BOUNDS`.
    """
    outside = 0
    swapped = 0
    for node in nodes.values():
        if not (math.isfinite(node.x) and math.isfinite(node.y)):
            raise UnsupportedFormatError(f"Node {node.source_id} has a non-finite coordinate.")
        if not in_france(node.x, node.y):
            outside += 1
            swapped += in_france(node.y, node.x)
    if outside * 2 <= len(nodes):
        return
    if swapped * 2 > len(nodes):
        hint = " x and y look swapped (x must be the longitude)."
    elif any(abs(node.x) > 180 or abs(node.y) > 90 for node in nodes.values()):
        hint = " The coordinates look projected; lon/lat in EPSG:4326 is expected."
    else:
        hint = " Only streets in metropolitan France and Corsica are supported."
    raise UnsupportedFormatError(f"{outside} of {len(nodes)} nodes lie outside France.{hint}")
