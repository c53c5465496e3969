# SPDX-License-Identifier: MIT
"""OSM elements to parking, hubs and charging points, whichever file (XML or PBF) they came from.

A reader collects the tagged elements this service imports (:func:`relevant`) with the node
positions, way node lists and relation members it met; :func:`assets_from_elements` gives each
its geometry and sends them through the OSM GeoJSON flavour (:mod:`mobility.formats.geojson_osm`),
so both file kinds share one tag → attribute mapping, one id scheme and one set of skip rules:

* a node is its point;
* a closed way is an area: its outline is the footprint and the point its Lambert-93 centroid;
  an open way is refused (parking and stations are points or areas);
* a multipolygon relation is assembled from its member ways (the footprint), any other relation
  is placed at the centroid of its members' points.

A way or relation whose members are not all known (an extract cut at its edge) is skipped and
counted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from shapely.geometry import LineString, MultiPoint, MultiPolygon, Polygon
from shapely.ops import polygonize, unary_union

from mobility.assets import Layer
from mobility.formats.geojson_osm import OSM_PROPERTIES, osm_from_features
from mobility.formats.report import ReadReport
from mobility.geo import to_metric, to_wire

TRANSPORT_VALUES = {
    "railway": frozenset({"station", "halt", "tram_stop"}),
    "highway": frozenset({"bus_stop"}),
}
OTHER_OBJECTS = "other OSM objects (streets, buildings...): not parking, hubs or charging points"
INCOMPLETE = "ways or relations with members outside the extract"

Members = list[tuple[str, int, str]]


@dataclass
class OsmElement:
    """A tagged node, way or relation kept for import (``line``: where the reader met it)."""

    kind: str
    id: str
    line: int
    lon: float | None = None
    lat: float | None = None
    tags: dict[str, str] = field(default_factory=dict)
    refs: list[int] = field(default_factory=list)
    members: Members = field(default_factory=list)
    timestamp: str | None = None
    """The element's last edit (ISO 8601), when the file gives it: a charger's ``date_maj``."""


@dataclass
class OsmCollection:
    """The kept elements and what their geometries need: positions, way nodes, members."""

    nodes: dict[int, tuple[float, float]] = field(default_factory=dict)
    ways: dict[int, list[int]] = field(default_factory=dict)
    candidates: list[OsmElement] = field(default_factory=list)
    other: int = 0


def relevant(tags: Mapping[str, str]) -> bool:
    """Tell whether tags describe parking, a hub or a charging point this service imports."""
    if not tags.keys() & OSM_PROPERTIES:
        return False
    if "amenity" in tags or "public_transport" in tags:
        return True
    return any(tags.get(key) in values for key, values in TRANSPORT_VALUES.items())


def assets_from_elements(
    collection: OsmCollection, *, source_name: str, layer: Layer | None
) -> tuple[ReadReport, list[int]]:
    """Return the read report and, per feature sent to the flavour, its element's ``line``."""
    features: list[Any] = []
    lines: list[int] = []
    incomplete = 0
    for element in collection.candidates:
        if element.kind == "deleted":
            continue
        geometry = _geometry(element, collection)
        if geometry is None:
            incomplete += 1
            continue
        properties: dict[str, Any] = dict(element.tags)
        properties["@id"] = f"{element.kind}/{element.id}"
        if element.timestamp:
            properties["@timestamp"] = element.timestamp
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
        lines.append(element.line)
    report = osm_from_features(features, source_name=source_name, layer=layer)
    if incomplete:
        report.skipped[INCOMPLETE] = incomplete
    if collection.other:
        report.skipped[OTHER_OBJECTS] = collection.other
    return report, lines


def _way_points(refs: list[int], nodes: dict[int, tuple[float, float]]) -> list[list[float]]:
    if not all(ref in nodes for ref in refs):
        raise KeyError("missing node")
    return [list(nodes[ref]) for ref in refs]


def _geometry(element: OsmElement, collection: OsmCollection) -> dict[str, Any] | None:
    """Return the element's GeoJSON geometry, or ``None`` when members are missing."""
    try:
        if element.kind == "node":
            if element.lon is None or element.lat is None:
                return {"type": "Point", "coordinates": None}
            return {"type": "Point", "coordinates": [element.lon, element.lat]}
        if element.kind == "way":
            points = _way_points(element.refs, collection.nodes)
            if len(points) >= 4 and points[0] == points[-1]:
                return {"type": "Polygon", "coordinates": [points]}
            return {"type": "LineString", "coordinates": points}
        return _relation_geometry(element, collection)
    except KeyError:
        return None


def _rings(lines: list[list[list[float]]]) -> Any:
    return unary_union(list(polygonize([LineString(line) for line in lines if len(line) >= 2])))


def _as_lists(polygon: Polygon) -> list[list[list[float]]]:
    rings = [polygon.exterior, *polygon.interiors]
    return [[[float(x), float(y)] for x, y in ring.coords] for ring in rings]


def _relation_geometry(element: OsmElement, collection: OsmCollection) -> dict[str, Any] | None:
    """Assemble a multipolygon from its member ways; place other relations at their centroid."""
    if element.tags.get("type") == "multipolygon":
        outer: list[list[list[float]]] = []
        inner: list[list[list[float]]] = []
        for kind, ref, role in element.members:
            if kind == "way":
                points = _way_points(collection.ways[ref], collection.nodes)
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
            spots.append(collection.nodes[ref])
        elif kind == "way":
            spots.extend((x, y) for x, y in _way_points(collection.ways[ref], collection.nodes))
        else:
            raise KeyError("nested relation")
    if not spots:
        return None
    centroid = to_wire(to_metric(MultiPoint(spots)).centroid)
    return {"type": "Point", "coordinates": [float(centroid.x), float(centroid.y)]}
