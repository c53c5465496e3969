# SPDX-License-Identifier: MIT
"""Read GraphML street graphs (OSMnx exports, city street referentials) into the normalized form.

The reader is written on the streaming XML parser rather than ``networkx.read_graphml`` so that
untrusted files go through :mod:`mobility.network.sources` (size cap, no DOCTYPE) and every defect
ends as a :class:`~mobility.errors.UnsupportedFormatError` naming the node or edge at fault.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import LineString, MultiLineString

from mobility.errors import UnsupportedFormatError
from mobility.network.classes import parse_oneway, split_values
from mobility.network.model import NODE_ATTRS, EdgeRecord, NodeRecord, assemble_streets
from mobility.network.sources import (
    decompress_if_gzip,
    iter_xml_events,
    local_name,
    paused_gc,
)

_NODE_DEPTH = 3  # graphml > graph > node|edge


@dataclass
class _RawGraph:
    """What the XML stream yields before any interpretation."""

    keys: dict[str, tuple[str, str, str | None]] = field(default_factory=dict)
    defaults: dict[str, dict[str, str]] = field(default_factory=dict)
    graph: dict[str, str] = field(default_factory=dict)
    directed: bool = True
    nodes: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    edges: list[tuple[str, str, str | None, bool, dict[str, str]]] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # key id -> attribute name


def read_graphml(data: bytes) -> nx.MultiDiGraph:
    """Read a GraphML street graph (plain or gzipped bytes) into the normalized street graph.

    Parameters
    ----------
    data
        GraphML whose nodes carry ``x``/``y`` lon/lat and whose edges may carry ``length``,
        ``geometry`` (WKT), ``highway``, ``oneway``, ``maxspeed``, ``access`` and ``name``, the way
        OSMnx writes them (list-like values allowed).

    Returns
    -------
    networkx.MultiDiGraph
        The graph in the form documented in :mod:`mobility.network.model`.

    Raises
    ------
    UnsupportedFormatError
        On broken XML, a node without usable coordinates, an edge to an unknown node, a bad WKT,
        a projected CRS, no edges, or nodes mostly outside France.
    """
    with paused_gc():
        return _build_graph(_parse_document(decompress_if_gzip(data)))


def _build_graph(raw: _RawGraph) -> nx.MultiDiGraph:
    _check_crs(raw.graph.get("crs"))
    ids = _node_ids([source_id for source_id, _ in raw.nodes])
    nodes = {ids[source_id]: _node_record(source_id, attrs) for source_id, attrs in raw.nodes}
    lines = _parse_geometries([attrs.get("geometry") for *_, attrs in raw.edges])
    edges: list[EdgeRecord] = []
    for (source, target, edge_id, directed, attrs), line in zip(raw.edges, lines, strict=True):
        if source not in ids or target not in ids:
            missing = source if source not in ids else target
            raise UnsupportedFormatError(
                f"An edge refers to node {missing!r}, which is not defined."
            )
        record = EdgeRecord(
            u=ids[source],
            v=ids[target],
            tags=attrs,
            key=_int_or_none(edge_id),
            geometry=line,
            length=_float_or_none(attrs.get("length")),
            extra=dict(attrs),
        )
        edges.append(record)
        if not directed and record.u != record.v and not parse_oneway(attrs.get("oneway")):
            # An undirected edge is a two-way street: store its way back as well (a loop's way
            # round the other way is added by the model, which runs its line backwards).
            edges.append(
                EdgeRecord(
                    u=record.v,
                    v=record.u,
                    tags=attrs,
                    geometry=line,
                    length=record.length,
                    extra=dict(attrs),
                )
            )
    has_classes = any(split_values(attrs.get("highway")) for *_, attrs in raw.edges)
    return assemble_streets(nodes, edges, source_format="graphml", has_classes=has_classes)


def _parse_document(data: bytes) -> _RawGraph:
    raw = _RawGraph()
    stack: list[str] = []
    for event, element in iter_xml_events(data, expected_root="graphml"):
        name = local_name(element.tag)
        if event == "start":
            stack.append(name)
            if name == "graph" and len(stack) == _NODE_DEPTH - 1:
                raw.directed = element.get("edgedefault", "directed") != "undirected"
            continue
        stack.pop()
        if name == "data" and len(stack) != _NODE_DEPTH - 1:
            continue  # read with its node or edge
        if name == "key":
            default = next((c.text for c in element if local_name(c.tag) == "default"), None)
            key_id = element.get("id", "")
            attr_name = element.get("attr.name") or key_id
            raw.keys[key_id] = (element.get("for", "all"), attr_name, default)
            raw.names[key_id] = attr_name
        elif name == "data" and stack[-1] == "graph":
            key_id = element.get("key", "")
            raw.graph[raw.names.get(key_id, key_id)] = element.text or ""
        elif name in ("node", "edge") and len(stack) == _NODE_DEPTH - 1:
            attrs = _defaults(raw, name)
            for child in element:
                if local_name(child.tag) == "data":
                    key_id = child.get("key", "")
                    attrs[raw.names.get(key_id, key_id)] = (child.text or "").strip()
            if name == "node":
                raw.nodes.append((_required(element.get("id"), "node id"), attrs))
            else:
                directed = element.get("directed")
                raw.edges.append(
                    (
                        _required(element.get("source"), "edge source"),
                        _required(element.get("target"), "edge target"),
                        element.get("id"),
                        raw.directed if directed is None else directed == "true",
                        attrs,
                    )
                )
            element.clear()
    return raw


def _defaults(raw: _RawGraph, domain: str) -> dict[str, str]:
    # GraphML declares every <key> before the graph, so the defaults are computed once per domain.
    if domain not in raw.defaults:
        raw.defaults[domain] = {
            name: default
            for key_domain, name, default in raw.keys.values()
            if default is not None and key_domain in (domain, "all")
        }
    return dict(raw.defaults[domain])


def _required(value: str | None, what: str) -> str:
    if value is None:
        raise UnsupportedFormatError(f"The GraphML file has an element without {what}.")
    return value


def _check_crs(crs: str | None) -> None:
    if not crs:
        return
    try:
        geographic = CRS.from_user_input(crs).is_geographic
    except CRSError:
        return  # unknown text: the France bounds check on the coordinates decides
    if not geographic:
        raise UnsupportedFormatError(
            f"The graph is in {crs}; street graphs must be in lon/lat (EPSG:4326)."
        )


def _node_ids(source_ids: list[str]) -> dict[str, int]:
    """Keep integer ids as they are (OSM ids stay meaningful); number other ids in order."""
    if len(set(source_ids)) != len(source_ids):
        raise UnsupportedFormatError("The GraphML file defines the same node id twice.")
    as_ints = [_int_or_none(source_id) for source_id in source_ids]
    if all(value is not None for value in as_ints):
        return {s: int(i) for s, i in zip(source_ids, as_ints, strict=True) if i is not None}
    return {source_id: index for index, source_id in enumerate(source_ids)}


def _node_record(source_id: str, attrs: dict[str, str]) -> NodeRecord:
    x, y = _float_or_none(attrs.get("x")), _float_or_none(attrs.get("y"))
    if x is None or y is None or not (math.isfinite(x) and math.isfinite(y)):
        raise UnsupportedFormatError(f"Node {source_id!r} has no numeric x/y coordinates.")
    extra = {k: v for k, v in attrs.items() if k not in NODE_ATTRS}
    return NodeRecord(source_id=source_id, x=x, y=y, extra=extra)


def _parse_geometries(texts: list[str | None]) -> list[LineString | None]:
    """Parse every WKT at once (vectorized), then insist on lines."""
    wkt = np.array([text if text else None for text in texts], dtype=object)
    try:
        parsed = shapely.from_wkt(wkt, on_invalid="raise")
    except shapely.errors.ShapelyError as exc:
        raise UnsupportedFormatError(f"An edge has an unreadable WKT geometry ({exc}).") from None
    lines: list[LineString | None] = []
    for geometry in parsed:
        if isinstance(geometry, MultiLineString):
            geometry = shapely.line_merge(geometry)
        if geometry is not None and not isinstance(geometry, LineString):
            raise UnsupportedFormatError(
                f"An edge geometry is a {geometry.geom_type}; a LINESTRING is expected."
            )
        lines.append(geometry)
    return lines


def _float_or_none(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def _int_or_none(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        return None
