# SPDX-License-Identifier: MIT
"""Read raw OpenStreetMap XML (API 0.6, osmium or JOSM exports) into the normalized street graph.

Only ways with a ``highway`` tag become streets. A way is cut into edges at its ends and at every
node it shares with another street way (or visits twice), which gives the same topology as a
simplified OSMnx graph: intersections and dead ends are nodes, the points in between only shape
the edge geometry. A way is stored in both directions unless it is one-way for cars
(``oneway=yes|true|1``, ``-1`` against the drawing direction, roundabouts and motorways implied).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from xml.etree.ElementTree import Element

import networkx as nx
from shapely.geometry import LineString

from mobility.errors import UnsupportedFormatError
from mobility.network.classes import NOT_A_STREET, oneway_direction
from mobility.network.model import EdgeRecord, NodeRecord, assemble_streets
from mobility.network.sources import (
    decompress_if_gzip,
    iter_xml_events,
    local_name,
    paused_gc,
)

KEPT_WAY_TAGS = ("ref", "service", "junction", "bridge", "tunnel", "lanes", "width", "area")
"""Raw tags kept on edges besides the contract, the same set OSMnx keeps by default."""

MAXSPEED_FALLBACK_TAGS = ("maxspeed", "maxspeed:type", "zone:maxspeed", "source:maxspeed")
"""Where French mappers write the limit; the first present wins (``FR:zone30``, ``FR:urban``)."""

Way = tuple[int, list[int], dict[str, str]]


@dataclass
class Extract:
    """What the street graph is built from: node positions, highway nodes and street ways."""

    coords: dict[int, tuple[float, float]] = field(default_factory=dict)
    node_highway: dict[int, str] = field(default_factory=dict)
    ways: list[Way] = field(default_factory=list)


def read_osm_xml(data: bytes) -> nx.MultiDiGraph:
    """Read an OSM XML extract (plain or gzipped bytes) into the normalized street graph.

    Parameters
    ----------
    data
        An ``<osm>`` document; ways may reference nodes outside the extract, those parts are
        dropped rather than guessed.

    Returns
    -------
    networkx.MultiDiGraph
        The graph documented in :mod:`mobility.network.model`, ``source_format="osm"``, node ids
        the OSM node ids, lengths measured in Lambert-93.

    Raises
    ------
    UnsupportedFormatError
        On broken XML, bad coordinates, or when no street way survives.
    """
    with paused_gc():
        return build_street_graph(_parse_document(decompress_if_gzip(data)))


def build_street_graph(extract: Extract) -> nx.MultiDiGraph:
    """Cut the street ways at shared nodes into the normalized graph (OSM XML and PBF alike)."""
    runs: list[Way] = []
    uses: Counter[int] = Counter()
    for way_id, refs, tags in extract.ways:
        for run in _present_runs(refs, extract.coords):
            runs.append((way_id, run, tags))
            uses.update(run)
            uses.update((run[0], run[-1]))  # way ends are always cut points
    edges: list[EdgeRecord] = []
    for way_id, run, tags in runs:
        for piece in _split_run(run, uses):
            edges.extend(_piece_edges(way_id, piece, tags, extract.coords))
    used = {node for edge in edges for node in (edge.u, edge.v)}
    nodes = {
        node: NodeRecord(
            source_id=str(node),
            x=extract.coords[node][0],
            y=extract.coords[node][1],
            extra={"highway": extract.node_highway[node]} if node in extract.node_highway else {},
        )
        for node in sorted(used)
    }
    return assemble_streets(nodes, edges, source_format="osm", has_classes=True)


def _parse_document(data: bytes) -> Extract:
    extract = Extract()
    depth = 0
    root = None
    for event, element in iter_xml_events(data, expected_root="osm"):
        if event == "start":
            depth += 1
            root = element if root is None else root
            continue
        depth -= 1
        if depth != 1:
            continue
        name = local_name(element.tag)
        deleted = element.get("visible") == "false" or element.get("action") == "delete"
        if name == "node" and not deleted:
            _read_node(element.attrib, _tags(element), extract)
        elif name == "way" and not deleted:
            tags = _tags(element)
            if is_street(tags):
                refs = [_int(nd.get("ref"), "way node ref") for nd in element if nd.tag == "nd"]
                extract.ways.append((_int(element.get("id"), "way id"), refs, tags))
        if root is not None:
            root.clear()  # processed: free memory on large extracts
    return extract


def is_street(tags: Mapping[str, str]) -> bool:
    """Tell whether an OSM way is a street: a ``highway`` tag that names a way people travel."""
    return bool(tags.get("highway", "")) and tags["highway"] not in NOT_A_STREET


def _tags(element: Element) -> dict[str, str]:
    return {c.get("k", ""): c.get("v", "") for c in element if c.tag == "tag"}


def _read_node(attrib: Mapping[str, str], tags: Mapping[str, str], extract: Extract) -> None:
    node_id = _int(attrib.get("id"), "node id")
    try:
        lon, lat = float(attrib["lon"]), float(attrib["lat"])
    except (KeyError, ValueError):
        raise UnsupportedFormatError(f"OSM node {node_id} has no valid lat/lon.") from None
    extract.coords[node_id] = (lon, lat)
    if "highway" in tags:
        extract.node_highway[node_id] = tags["highway"]


def _int(text: str | None, what: str) -> int:
    try:
        return int(text or "")
    except ValueError:
        raise UnsupportedFormatError(f"The OSM file has an invalid {what}: {text!r}.") from None


def _present_runs(refs: list[int], coords: Mapping[int, object]) -> list[list[int]]:
    """Cut a way where it leaves the extract, dropping repeated consecutive nodes."""
    runs: list[list[int]] = []
    current: list[int] = []
    for ref in refs:
        if ref not in coords:
            if len(current) >= 2:
                runs.append(current)
            current = []
        elif not current or current[-1] != ref:
            current.append(ref)
    if len(current) >= 2:
        runs.append(current)
    return runs


def _split_run(run: list[int], uses: Counter[int]) -> list[list[int]]:
    """Cut a run of nodes at every node another street (or this one, again) also uses."""
    pieces: list[list[int]] = []
    start = 0
    for index in range(1, len(run)):
        if uses[run[index]] > 1 or index == len(run) - 1:
            pieces.append(run[start : index + 1])
            start = index
    return pieces


def _piece_edges(
    way_id: int, piece: list[int], tags: dict[str, str], coords: Mapping[int, tuple[float, float]]
) -> list[EdgeRecord]:
    direction = oneway_direction(tags)
    if direction == -1:
        piece = piece[::-1]
    line = LineString([coords[node] for node in piece])
    rule_tags = dict(tags)
    speed = next((tags[k] for k in MAXSPEED_FALLBACK_TAGS if tags.get(k)), None)
    if speed is not None:
        rule_tags["maxspeed"] = speed
    extra = {"osmid": str(way_id), **{k: tags[k] for k in KEPT_WAY_TAGS if k in tags}}
    one_way = direction != 0
    ends = [(piece[0], piece[-1])]
    if not one_way and piece[0] != piece[-1]:
        ends.append((piece[-1], piece[0]))  # the model turns the line around for the way back
    # a two-way loop is given once: the model adds its way round the other way
    return [
        EdgeRecord(u=u, v=v, tags=rule_tags, geometry=line, oneway=one_way, extra=dict(extra))
        for u, v in ends
    ]
