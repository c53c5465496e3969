# SPDX-License-Identifier: MIT
"""Parking, hubs and charging points from an OpenStreetMap PBF file, with its streets.

One pyosmium pass (:func:`mobility.network.osm_pbf.read_pbf_pass`) gives both the street graph
and the tagged elements; the elements go through :mod:`mobility.formats.osm_elements`, the rules
the OSM XML reader uses, so a PBF and the XML it was made from give the same assets. A PBF has
no lines: the report's ``line`` is left empty.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import networkx as nx
from shapely.geometry.base import BaseGeometry

from mobility.assets import Layer
from mobility.formats.osm_elements import OsmCollection, OsmElement, assets_from_elements, relevant
from mobility.formats.report import ReadReport
from mobility.network.osm_pbf import PbfPass, read_pbf_pass
from mobility.network.osm_xml import build_street_graph

OSM_PBF_FORMAT = "osm-pbf"


def read_osm_pbf_assets(
    source: Path | bytes, *, source_name: str = "", layer: Layer | None = None
) -> ReadReport:
    """Read the parking, hubs and charging points of a PBF file (path or bytes).

    Raises
    ------
    UnsupportedFormatError
        When the data is not an OSM PBF file, or is broken or truncated.
    """
    return assets_from_pass(read_pbf_pass(source, keep=relevant), source_name, layer)


def read_osm_pbf_all(
    source: Path | bytes,
    *,
    clip: BaseGeometry | None = None,
    source_name: str = "",
    layer: Layer | None = None,
) -> tuple[nx.MultiDiGraph, ReadReport]:
    """Read a PBF file's street graph (cut to ``clip``) and its assets in the same pass.

    Raises
    ------
    UnsupportedFormatError
        When the data is not an OSM PBF file, is broken or truncated, or holds no street.
    """
    found = read_pbf_pass(source, keep=relevant, clip=clip)
    return build_street_graph(found.streets), assets_from_pass(found, source_name, layer)


def assets_from_pass(found: PbfPass, source_name: str, layer: Layer | None) -> ReadReport:
    """Turn the elements of a pass made with ``keep=relevant`` into the assets report."""
    collection = OsmCollection(nodes=found.positions, ways=found.ways, other=found.other)
    for element in found.tagged:
        lon, lat = element.position if element.position is not None else (None, None)
        collection.candidates.append(
            OsmElement(
                element.kind,
                str(element.id),
                0,
                lon=lon,
                lat=lat,
                tags=element.tags,
                refs=element.refs,
                members=element.members,
                timestamp=element.timestamp,
            )
        )
    report, _lines = assets_from_elements(collection, source_name=source_name, layer=layer)
    report.format = OSM_PBF_FORMAT
    report.assets = [replace(asset, line=None) for asset in report.assets]
    report.rejected = [replace(row, line=None) for row in report.rejected]
    return report
