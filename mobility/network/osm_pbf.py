# SPDX-License-Identifier: MIT
"""Read an OpenStreetMap PBF file (``.osm.pbf``) in one pass: streets and the tagged elements.

pyosmium streams the file with a node location index, so a way arrives with its nodes' positions
and no node table is kept in Python. The pass keeps what the OSM XML route keeps, by the same
rules: street ways (:func:`~mobility.network.osm_xml.is_street`) and ``highway`` nodes become
the street graph through :func:`~mobility.network.osm_xml.build_street_graph`; elements whose
tags the caller wants (parking, hubs, charging points) are handed back with their positions.
A relation's members come after it in no order a single pass can use, so when kept relations
exist a second, cheaper pass fetches just their members.

Positions are rounded to 7 decimals, the precision both OSM formats store, so a PBF and the XML
it was converted from give the same floats, hence the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np
import osmium
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.errors import UnsupportedFormatError
from mobility.network.osm_xml import Extract, build_street_graph, is_street
from mobility.network.sources import PBF_HEADER

Position = tuple[float, float]
KeepFn = Callable[[Mapping[str, str]], bool]


@dataclass
class TaggedElement:
    """A node, way or relation the caller asked for, in file order."""

    kind: str
    id: int
    tags: dict[str, str]
    position: Position | None = None
    refs: list[int] = field(default_factory=list)
    members: list[tuple[str, int, str]] = field(default_factory=list)


@dataclass
class PbfPass:
    """What one read of a PBF gives: the streets' extract and the caller's elements."""

    streets: Extract = field(default_factory=Extract)
    positions: dict[int, Position] = field(default_factory=dict)
    """Every located node the pass kept (the streets' ``coords`` minus what ``clip`` cut)."""
    tagged: list[TaggedElement] = field(default_factory=list)
    ways: dict[int, list[int]] = field(default_factory=dict)
    other: int = 0
    """Tagged elements the caller did not ask for (streets, buildings...)."""


def _position(location: osmium.osm.Location) -> Position | None:
    if not location.valid():
        return None
    return (round(location.lon, 7), round(location.lat, 7))


class _Reader(osmium.SimpleHandler):
    """Keep street ways, highway nodes and the wanted elements, with their node positions."""

    def __init__(self, keep: KeepFn, found: PbfPass) -> None:
        super().__init__()
        self.keep = keep
        self.found = found

    def node(self, node: osmium.osm.Node) -> None:
        if not node.visible or not len(node.tags):
            return
        tags = {tag.k: tag.v for tag in node.tags}
        if "highway" in tags:
            self.found.streets.node_highway[node.id] = tags["highway"]
        if self.keep(tags):
            element = TaggedElement("node", node.id, tags, _position(node.location))
            self.found.tagged.append(element)
        else:
            self.found.other += 1

    def way(self, way: osmium.osm.Way) -> None:
        if not way.visible or not len(way.tags):
            return
        tags = {tag.k: tag.v for tag in way.tags}
        street, kept = is_street(tags), self.keep(tags)
        if street or kept:
            refs = self._located_refs(way)
            if street:
                self.found.streets.ways.append((way.id, refs, tags))
            if kept:
                self.found.tagged.append(TaggedElement("way", way.id, tags, refs=refs))
                self.found.ways[way.id] = refs
        if not kept:
            self.found.other += 1

    def relation(self, relation: osmium.osm.Relation) -> None:
        if not relation.visible or not len(relation.tags):
            return
        tags = {tag.k: tag.v for tag in relation.tags}
        if self.keep(tags):
            kinds = {"n": "node", "w": "way", "r": "relation"}
            members = [(kinds[m.type], m.ref, m.role) for m in relation.members]
            self.found.tagged.append(TaggedElement("relation", relation.id, tags, members=members))
        else:
            self.found.other += 1

    def _located_refs(self, way: osmium.osm.Way) -> list[int]:
        refs: list[int] = []
        coords = self.found.positions
        for node in way.nodes:
            refs.append(node.ref)
            position = _position(node.location)
            if position is not None:
                coords[node.ref] = position
        return refs


class _Members(_Reader):
    """The second pass: positions and node lists of the kept relations' members only."""

    def __init__(self, found: PbfPass, nodes: set[int], ways: set[int]) -> None:
        super().__init__(lambda _tags: False, found)
        self.wanted_nodes, self.wanted_ways = nodes, ways

    def node(self, node: osmium.osm.Node) -> None:
        position = _position(node.location)
        if node.id in self.wanted_nodes and node.visible and position is not None:
            self.found.positions[node.id] = position

    def way(self, way: osmium.osm.Way) -> None:
        if way.id in self.wanted_ways and way.visible:
            self.found.ways[way.id] = self._located_refs(way)

    def relation(self, relation: osmium.osm.Relation) -> None:
        return


def read_pbf_pass(
    source: Path | bytes, *, keep: KeepFn, clip: BaseGeometry | None = None
) -> PbfPass:
    """Read a PBF file (path or bytes) into the street extract and the elements ``keep`` wants.

    ``clip`` (lon/lat) drops the street nodes outside it: a street leaving it is cut at its last
    node inside, as a way leaving an XML extract is (the elements keep all their positions).

    Raises
    ------
    UnsupportedFormatError
        When the data is not an OSM PBF file, or is broken or truncated.
    """
    found = PbfPass()
    _apply(_Reader(keep, found), source)
    relations = [element for element in found.tagged if element.kind == "relation"]
    nodes = {ref for r in relations for kind, ref, _ in r.members if kind == "node"}
    ways = {ref for r in relations for kind, ref, _ in r.members if kind == "way"}
    if nodes or ways:
        _apply(_Members(found, nodes, ways), source)
    found.streets.coords = found.positions if clip is None else _inside(found.positions, clip)
    return found


def read_osm_pbf(source: Path | bytes, *, clip: BaseGeometry | None = None) -> nx.MultiDiGraph:
    """Read the streets of a PBF file into the normalized graph the OSM XML route builds.

    Raises
    ------
    UnsupportedFormatError
        When the data is not an OSM PBF file, is broken or truncated, or holds no street.
    """
    return build_street_graph(read_pbf_pass(source, keep=lambda _tags: False, clip=clip).streets)


def _apply(handler: _Reader, source: Path | bytes) -> None:
    if isinstance(source, Path):
        with source.open("rb") as file:
            head = file.read(64)
    else:
        head = source[:64]
    if head[4 : 4 + len(PBF_HEADER)] != PBF_HEADER:
        raise UnsupportedFormatError(
            "The file is not an OpenStreetMap PBF file (no OSMHeader block at its start)."
        )
    try:
        if isinstance(source, Path):
            handler.apply_file(str(source), locations=True, idx="flex_mem")
        else:
            handler.apply_buffer(source, "pbf", locations=True, idx="flex_mem")
    except RuntimeError as error:
        raise UnsupportedFormatError(f"The PBF file is broken or truncated: {error}.") from None


def _inside(positions: dict[int, Position], clip: BaseGeometry) -> dict[int, Position]:
    """Return the positions inside ``clip`` (lon/lat)."""
    xy = np.array(list(positions.values()), dtype=float).reshape(-1, 2)
    shapely.prepare(clip)
    inside = shapely.contains_xy(clip, xy[:, 0], xy[:, 1])
    pairs = zip(positions.items(), inside, strict=True)
    return {node: position for (node, position), keep in pairs if keep}


def write_streets_pbf(streets: Extract, path: Path) -> None:
    """Write the street ways and their located nodes to ``path``, a PBF file read back as is.

    The nodes are those of ``streets.coords`` the ways use (with their ``highway`` tag); a way
    keeps every node reference, so a way cut by a clip is cut the same way when read back:
    reading the written file gives the graph :func:`build_street_graph` gives ``streets``.
    """
    used = sorted({ref for _, refs, _ in streets.ways for ref in refs if ref in streets.coords})
    with osmium.SimpleWriter(str(path)) as writer:
        for node in used:
            highway = streets.node_highway.get(node)
            writer.add_node(
                osmium.osm.mutable.Node(
                    id=node,
                    location=streets.coords[node],
                    tags={"highway": highway} if highway is not None else {},
                )
            )
        for way_id, refs, tags in streets.ways:
            writer.add_way(osmium.osm.mutable.Way(id=way_id, nodes=refs, tags=tags))
