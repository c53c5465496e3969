# SPDX-License-Identifier: MIT
"""Read an OpenStreetMap PBF file (``.osm.pbf``) in one pass: streets and the tagged elements.

pyosmium streams the file with a node location index, so a way arrives with its nodes' positions
and no node table is kept in Python. The pass keeps what the OSM XML route keeps, by the same
rules: street ways (:func:`~mobility.network.osm_xml.is_street`) and ``highway`` nodes become
the street graph through :func:`~mobility.network.osm_xml.build_street_graph`; elements whose
tags the caller wants (parking, hubs, charging points) are handed back with their positions.
A relation's members come after it in no order a single pass can use, so when kept relations
exist a second pass over the ways alone, filtered by id in C++, fetches just their member ways.

A region read for one commune must not cost a Python step per node: libosmium drops the
untagged objects (and, for a commune, those without a key the caller wants) before Python sees
them, and a street way far from the commune is passed over on its envelope, made in C++
(:mod:`mobility.network.pbf_bounds`).

Positions are rounded to 7 decimals, the precision both OSM formats store, so a PBF and the XML
it was converted from give the same floats, hence the same graph.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import numpy as np
import osmium
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.errors import UnsupportedFormatError
from mobility.network.classes import NOT_A_STREET
from mobility.network.osm_xml import Extract, build_street_graph
from mobility.network.pbf_bounds import COORDINATE_SCALE, UNDEFINED_COORDINATE, Bounds
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
    timestamp: str | None = None
    """The last edit, ISO 8601 (``None`` when the file does not record it)."""


@dataclass
class PbfPass:
    """What one read of a PBF gives: the streets' extract and the caller's elements."""

    streets: Extract = field(default_factory=Extract)
    positions: dict[int, Position] = field(default_factory=dict)
    """Every located node the pass kept (the streets' ``coords`` minus what ``clip`` cut)."""
    tagged: list[TaggedElement] = field(default_factory=list)
    ways: dict[int, list[int]] = field(default_factory=dict)
    other: int = 0
    """Tagged elements the caller did not ask for (streets, buildings...); not counted when the
    elements are read only within an area (those objects are then filtered out unread)."""
    street_ways_read: int = 0
    """Street ways met in the whole file (``streets.ways`` holds only those near ``clip``)."""


def _position(location: osmium.osm.Location) -> Position | None:
    if not location.valid():
        return None
    return (round(location.lon, 7), round(location.lat, 7))


def _edited(item: osmium.osm.Node | osmium.osm.Way | osmium.osm.Relation) -> str | None:
    """Return the object's last edit as ISO 8601 (``None`` when the file leaves it unset)."""
    stamp = item.timestamp
    return None if stamp.timestamp() <= 0 else stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _tag_map(tags: osmium.osm.TagList) -> dict[str, str]:
    return {tag.k: tag.v for tag in tags}


def _flags(positions: list[Position], area: BaseGeometry) -> list[bool]:
    """Tell, for each position (lon/lat), whether it lies inside ``area``."""
    if not positions:
        return []
    xy = np.asarray(positions, dtype=float).reshape(-1, 2)
    shapely.prepare(area)
    return [bool(flag) for flag in shapely.intersects_xy(area, xy[:, 0], xy[:, 1])]


class _Reader:
    """Keep street ways, highway nodes and the wanted elements, with their node positions.

    With ``near`` (the bounds of the streets' clip), a street way is first tested on its
    envelope, made in C++ from its located nodes, and only a way reaching the bounds has its
    nodes read one by one; positions outside the bounds are not kept. With ``within`` (the
    bounds of the elements' area), the wanted elements lying wholly outside are dropped unread.
    """

    def __init__(
        self,
        keep: KeepFn,
        keys: frozenset[str],
        found: PbfPass,
        near: Bounds | None,
        within: Bounds | None,
    ) -> None:
        self.keep, self.found = keep, found
        self.street_keys = tuple(sorted(keys - {"highway"}))
        self.near, self.within = near, within

    def node(self, node: osmium.osm.Node) -> None:
        tags = node.tags
        location = node.location
        if self.within is not None and not self.within.holds(location.x, location.y):
            if self.near is None or not self.near.holds(location.x, location.y):
                return
        highway = tags.get("highway")
        if highway and (self.near is None or self.near.holds(location.x, location.y)):
            self.found.streets.node_highway[node.id] = highway
        tag_map = _tag_map(tags)
        if not self.keep(tag_map):
            self.found.other += 1
        elif self.within is None or self.within.holds(location.x, location.y):
            element = TaggedElement("node", node.id, tag_map, _position(location))
            element.timestamp = _edited(node)
            self.found.tagged.append(element)

    def way(self, way: osmium.osm.Way) -> None:
        tags = way.tags
        highway = tags.get("highway")
        street = bool(highway) and highway not in NOT_A_STREET
        near_reached: bool | None = None
        if street:
            self.found.street_ways_read += 1
            near_reached = self.near is None or self.near.reaches(way)
            if near_reached:
                refs = self._located_refs(way, self.near)
                self.found.streets.ways.append((way.id, refs, _tag_map(tags)))
        if self.within is not None:
            same = self.within is self.near and near_reached is not None
            if not (near_reached if same else self.within.reaches(way)):
                return  # an element there would be dropped: its tags are not even read
        if street and not any(key in tags for key in self.street_keys):
            self.found.other += 1
            return
        tag_map = _tag_map(tags)
        if not self.keep(tag_map):
            self.found.other += 1
            return
        refs = self._located_refs(way, None)
        element = TaggedElement("way", way.id, tag_map, refs=refs, timestamp=_edited(way))
        self.found.tagged.append(element)
        self.found.ways[way.id] = refs

    def relation(self, relation: osmium.osm.Relation) -> None:
        tags = _tag_map(relation.tags)
        if self.keep(tags):
            kinds = {"n": "node", "w": "way", "r": "relation"}
            members = [(kinds[m.type], m.ref, m.role) for m in relation.members]
            element = TaggedElement(
                "relation", relation.id, tags, members=members, timestamp=_edited(relation)
            )
            self.found.tagged.append(element)
        else:
            self.found.other += 1

    def _located_refs(self, way: osmium.osm.Way, near: Bounds | None) -> list[int]:
        """Return the way's node ids; keep the positions of those located (within ``near``)."""
        refs: list[int] = []
        coords = self.found.positions
        for node in way.nodes:
            ref = node.ref
            refs.append(ref)
            x, y = node.x, node.y
            if near is None:
                if x != UNDEFINED_COORDINATE:
                    coords[ref] = (round(x / COORDINATE_SCALE, 7), round(y / COORDINATE_SCALE, 7))
            elif near.holds(x, y):
                coords[ref] = (round(x / COORDINATE_SCALE, 7), round(y / COORDINATE_SCALE, 7))
        return refs


def read_pbf_pass(
    source: Path | bytes,
    *,
    keep: KeepFn,
    keys: Iterable[str] = (),
    clip: BaseGeometry | None = None,
    elements_within: BaseGeometry | None = None,
) -> PbfPass:
    """Read a PBF file (path or bytes) into the street extract and the elements ``keep`` wants.

    ``keep`` is only asked about elements carrying one of ``keys``, and about a street way only
    when it carries one of them besides ``highway``. ``clip`` (lon/lat) drops the street nodes
    outside it: a street leaving it is cut at its last node inside, as a way leaving an XML
    extract is (the elements keep all their positions). ``elements_within`` (lon/lat) keeps
    only the elements with a position inside it, and lets libosmium drop every object without
    one of ``keys`` before Python sees it: what a regional file needs, with one commune taken.

    Raises
    ------
    UnsupportedFormatError
        When the data is not an OSM PBF file, or is broken or truncated.
    """
    found = PbfPass()
    wanted = frozenset(keys) | {"highway"}
    near = None if clip is None else Bounds.around(clip)
    within = None if elements_within is None else Bounds.around(elements_within)
    if near is not None and within is not None and near.same_box(within):
        within = near  # one envelope test per way serves both
    reader = _Reader(keep, wanted, found, near, within)
    only = osmium.filter.KeyFilter(*sorted(wanted)) if within is not None else None
    storage = _apply(reader, source, only)
    _add_members(found, source, storage)
    if elements_within is not None:
        _drop_elements_outside(found, elements_within)
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


def _processor(source: Path | bytes, entities: osmium.osm.osm_entity_bits) -> Any:
    data = osmium.io.FileBuffer(source, "pbf") if isinstance(source, bytes) else str(source)
    return osmium.FileProcessor(data, entities)


def _apply(reader: _Reader, source: Path | bytes, only: Any) -> Any:
    """Run the main pass; return the node location storage (for the relations' members)."""
    if isinstance(source, Path):
        with source.open("rb") as file:
            head = file.read(64)
    else:
        head = source[:64]
    if head[4 : 4 + len(PBF_HEADER)] != PBF_HEADER:
        raise UnsupportedFormatError(
            "The file is not an OpenStreetMap PBF file (no OSMHeader block at its start)."
        )
    processor = _processor(source, osmium.osm.ALL).with_locations("flex_mem")
    processor = processor.with_filter(osmium.filter.EmptyTagFilter())
    if only is not None:
        processor = processor.with_filter(only)
    handlers: dict[type, Callable[[Any], None]] = {
        osmium.osm.Node: reader.node,
        osmium.osm.Way: reader.way,
        osmium.osm.Relation: reader.relation,
    }
    with _broken_as_unsupported():
        for item in processor:
            handler = handlers.get(type(item))
            if handler is not None:
                handler(item)
    return processor.node_location_storage


def _add_members(found: PbfPass, source: Path | bytes, storage: Any) -> None:
    """Give the kept relations' members their node lists and positions.

    A relation comes after its members in the file, so its member ways are read in a second,
    cheap pass over the ways alone (filtered by id in C++), their nodes located with the first
    pass's location index.
    """
    relations = [element for element in found.tagged if element.kind == "relation"]
    nodes = {ref for r in relations for kind, ref, _ in r.members if kind == "node"}
    ways = {ref for r in relations for kind, ref, _ in r.members if kind == "way"}
    ways -= found.ways.keys()
    if ways:
        tracker = osmium.IdTracker()
        for way_id in ways:
            tracker.add_way(way_id)
        processor = _processor(source, osmium.osm.WAY).with_filter(tracker.id_filter())
        with _broken_as_unsupported():
            for way in processor:
                refs = [node.ref for node in way.nodes]
                found.ways[way.id] = refs
                nodes.update(refs)
    for node_id in nodes - found.positions.keys():
        try:
            location = storage.get(node_id)
        except KeyError:
            continue
        position = _position(location)
        if position is not None:
            found.positions[node_id] = position


def _drop_elements_outside(found: PbfPass, area: BaseGeometry) -> None:
    """Keep the elements with at least one position inside ``area`` (lon/lat)."""
    points: list[Position] = []
    owners: list[int] = []
    for index, element in enumerate(found.tagged):
        for position in _element_positions(element, found):
            points.append(position)
            owners.append(index)
    inside = {owner for owner, flag in zip(owners, _flags(points, area), strict=True) if flag}
    found.tagged = [element for index, element in enumerate(found.tagged) if index in inside]


def _element_positions(element: TaggedElement, found: PbfPass) -> list[Position]:
    if element.kind == "node":
        return [] if element.position is None else [element.position]
    refs = list(element.refs)
    for kind, ref, _role in element.members:
        if kind == "node":
            refs.append(ref)
        elif kind == "way":
            refs.extend(found.ways.get(ref, ()))
    return [found.positions[ref] for ref in refs if ref in found.positions]


@contextmanager
def _broken_as_unsupported() -> Iterator[None]:
    try:
        yield
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
