# SPDX-License-Identifier: MIT
"""Parking and hubs from a raw OpenStreetMap XML file (``.osm``, or gzipped ``.osm.gz``).

The file is streamed through expat (no DTD accepted, so no entity tricks). Each node, way or
relation carrying one of the tags this service imports (``amenity``, ``public_transport``,
``railway=station|halt|tram_stop``, ``highway=bus_stop``) becomes a GeoJSON-like feature and goes
through the OSM GeoJSON flavour (:mod:`mobility.formats.geojson_osm`), so the tag → attribute
mapping, the ids (``osm-node-…``) and what is skipped are the same whichever way OSM data comes:

* a node is its point;
* a closed way is an area: its outline is the footprint and the point its Lambert-93 centroid;
  an open way is refused (parking and stations are points or areas);
* a multipolygon relation is assembled from its member ways (the footprint), any other relation
  is placed at the centroid of its members' points.

A way or relation whose members are not all in the file (an extract cut at its edge) is skipped
and counted. ``line`` in the report is the line of the element's opening tag in the XML. Every
other OSM object (streets, buildings, untagged nodes) is ignored and counted once in ``skipped``.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass, field, replace
from typing import Any
from xml.parsers import expat

from shapely.geometry import LineString, MultiPoint, MultiPolygon, Polygon
from shapely.ops import polygonize, unary_union

from mobility.assets import Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats.geojson_osm import OSM_PROPERTIES, osm_from_features
from mobility.formats.report import ProgressFn, ReadReport
from mobility.geo import to_metric, to_wire

OSM_XML_FORMAT = "osm-xml"
GZIP_MAGIC = b"\x1f\x8b"
TRANSPORT_VALUES = {
    "railway": frozenset({"station", "halt", "tram_stop"}),
    "highway": frozenset({"bus_stop"}),
}
OTHER_OBJECTS = "other OSM objects (streets, buildings...): not parking, hubs or charging points"


@dataclass
class _Element:
    kind: str
    id: str
    line: int
    lon: float | None = None
    lat: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    refs: list[int] = field(default_factory=list)
    members: list[tuple[str, int, str]] = field(default_factory=list)


class _Refused(Exception):  # noqa: N818 (a refused element, caught in this module)
    pass


def _relevant(tags: dict[str, str]) -> bool:
    if not tags.keys() & OSM_PROPERTIES:
        return False
    if "amenity" in tags or "public_transport" in tags:
        return True
    return any(tags.get(key) in values for key, values in TRANSPORT_VALUES.items())


def _decompress(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise UnsupportedFormatError(f"The gzip file is corrupt: {error}.") from None


class _Collector:
    """Expat handlers: keep node positions, way node lists and the tagged elements we import."""

    def __init__(self) -> None:
        self.nodes: dict[int, tuple[float, float]] = {}
        self.ways: dict[int, list[int]] = {}
        self.relations: dict[int, list[tuple[str, int, str]]] = {}
        self.candidates: list[_Element] = []
        self.other = 0
        self.root: str | None = None
        self.current: _Element | None = None
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.StartDoctypeDeclHandler = self.doctype
        self.parser.EntityDeclHandler = self.entity

    def doctype(self, *_args: Any) -> None:
        raise _Refused("The XML declares a DTD: OpenStreetMap files have none, it is refused.")

    def entity(self, *_args: Any) -> None:
        raise _Refused("The XML declares entities: refused.")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        if self.root is None:
            self.root = name
            if name != "osm":
                raise _Refused(
                    f"This XML is not an OpenStreetMap file: its root is <{name}>, expected <osm>."
                )
            return
        line = self.parser.CurrentLineNumber
        if name in ("node", "way", "relation"):
            element = _Element(name, attrs.get("id", ""), line)
            if attrs.get("action") == "delete" or attrs.get("visible") == "false":
                element.kind = "deleted"
            if name == "node":
                try:
                    element.lon, element.lat = float(attrs["lon"]), float(attrs["lat"])
                except (KeyError, ValueError):
                    element.lon = element.lat = None
            self.current = element
        elif self.current is not None:
            if name == "tag" and "k" in attrs:
                self.current.tags[attrs["k"]] = attrs.get("v", "")
            elif name == "nd" and attrs.get("ref", "").lstrip("-").isdigit():
                self.current.refs.append(int(attrs["ref"]))
            elif name == "member" and attrs.get("ref", "").lstrip("-").isdigit():
                member = (attrs.get("type", ""), int(attrs["ref"]), attrs.get("role", ""))
                self.current.members.append(member)

    def end(self, name: str) -> None:
        element = self.current
        if element is None or name != element.kind:
            return
        self.current = None
        number = int(element.id) if element.id.lstrip("-").isdigit() else None
        if number is not None:
            if name == "node" and element.lon is not None and element.lat is not None:
                self.nodes[number] = (element.lon, element.lat)
            elif name == "way":
                self.ways[number] = element.refs
            elif name == "relation":
                self.relations[number] = element.members
        if _relevant(element.tags):
            self.candidates.append(element)
        elif element.tags:
            self.other += 1


def read_osm_xml(
    data: bytes,
    *,
    source_name: str = "",
    layer: Layer | None = None,
    progress: ProgressFn | None = None,
) -> ReadReport:
    """Read an OSM XML file into parking and hubs (see the module docstring).

    Raises
    ------
    UnsupportedFormatError
        When the file is empty, not well-formed XML, not an ``<osm>`` document, or declares a
        DTD.
    """
    if data.startswith(GZIP_MAGIC):
        data = _decompress(data)
    if not data or data.isspace():
        raise UnsupportedFormatError("The file is empty: expected an OpenStreetMap XML file.")
    collector = _Collector()
    chunk = 1 << 20
    try:
        for start in range(0, len(data), chunk):
            collector.parser.Parse(data[start : start + chunk], False)
            if progress is not None:
                progress(min(start + chunk, len(data)), len(data))
        collector.parser.Parse(b"", True)
    except _Refused as refusal:
        raise UnsupportedFormatError(str(refusal)) from None
    except expat.ExpatError as error:
        raise UnsupportedFormatError(
            f"The file is not well-formed XML (line {error.lineno}, column {error.offset}: "
            f"{expat.errors.messages[error.code]})."
        ) from None
    features: list[Any] = []
    lines: list[int] = []
    incomplete = 0
    for element in collector.candidates:
        if element.kind == "deleted":
            continue
        geometry = _geometry(element, collector)
        if geometry is None:
            incomplete += 1
            continue
        properties: dict[str, Any] = dict(element.tags)
        properties["@id"] = f"{element.kind}/{element.id}"
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
        lines.append(element.line)
    report = osm_from_features(features, source_name=source_name, layer=layer)
    if incomplete:
        report.skipped["ways or relations with members outside the extract"] = incomplete
    if collector.other:
        report.skipped[OTHER_OBJECTS] = collector.other
    return _with_xml_lines(report, lines)


def _with_xml_lines(report: ReadReport, lines: list[int]) -> ReadReport:
    """Replace the feature indexes the GeoJSON flavour reports by the XML line numbers."""

    def line_of(index: int | None) -> int | None:
        return lines[index - 1] if index is not None and 0 < index <= len(lines) else index

    report.format = OSM_XML_FORMAT
    report.assets = [replace(asset, line=line_of(asset.line)) for asset in report.assets]
    report.rejected = [replace(row, line=line_of(row.line)) for row in report.rejected]
    return report


def _way_points(refs: list[int], nodes: dict[int, tuple[float, float]]) -> list[list[float]]:
    if not all(ref in nodes for ref in refs):
        raise KeyError("missing node")
    return [list(nodes[ref]) for ref in refs]


def _geometry(element: _Element, collector: _Collector) -> dict[str, Any] | None:
    """Return the element's GeoJSON geometry, or ``None`` when members are missing."""
    try:
        if element.kind == "node":
            if element.lon is None or element.lat is None:
                return {"type": "Point", "coordinates": None}
            return {"type": "Point", "coordinates": [element.lon, element.lat]}
        if element.kind == "way":
            points = _way_points(element.refs, collector.nodes)
            if len(points) >= 4 and points[0] == points[-1]:
                return {"type": "Polygon", "coordinates": [points]}
            return {"type": "LineString", "coordinates": points}
        return _relation_geometry(element, collector)
    except KeyError:
        return None


def _rings(lines: list[list[list[float]]]) -> Any:
    return unary_union(list(polygonize([LineString(line) for line in lines if len(line) >= 2])))


def _as_lists(polygon: Polygon) -> list[list[list[float]]]:
    rings = [polygon.exterior, *polygon.interiors]
    return [[[float(x), float(y)] for x, y in ring.coords] for ring in rings]


def _relation_geometry(element: _Element, collector: _Collector) -> dict[str, Any] | None:
    """Assemble a multipolygon from its member ways; place other relations at their centroid."""
    if element.tags.get("type") == "multipolygon":
        outer: list[list[list[float]]] = []
        inner: list[list[list[float]]] = []
        for kind, ref, role in element.members:
            if kind == "way":
                points = _way_points(collector.ways[ref], collector.nodes)
                (inner if role == "inner" else outer).append(points)
        area = _rings(outer)
        if inner:
            area = area.difference(_rings(inner))
        polygons = list(area.geoms) if isinstance(area, MultiPolygon) else [area]
        polygons = [p for p in polygons if isinstance(p, Polygon) and not p.is_empty]
        if len(polygons) == 1:
            return {"type": "Polygon", "coordinates": _as_lists(polygons[0])}
        return {"type": "MultiPolygon", "coordinates": [_as_lists(p) for p in polygons]}
    spots: list[tuple[float, float]] = []
    for kind, ref, _role in element.members:
        if kind == "node":
            spots.append(collector.nodes[ref])
        elif kind == "way":
            spots.extend((x, y) for x, y in _way_points(collector.ways[ref], collector.nodes))
        else:
            raise KeyError("nested relation")
    if not spots:
        return None
    centroid = to_wire(to_metric(MultiPoint(spots)).centroid)
    return {"type": "Point", "coordinates": [float(centroid.x), float(centroid.y)]}
