# SPDX-License-Identifier: MIT
"""Parking and hubs from a raw OpenStreetMap XML file (``.osm``, or gzipped ``.osm.gz``).

The file is streamed through expat (no DTD accepted, so no entity tricks). Each node, way or
relation carrying one of the tags this service imports becomes an asset through
:mod:`mobility.formats.osm_elements` (the rules the PBF reader shares). ``line`` in the report is
the line of the element's opening tag in the XML. Every other OSM object (streets, buildings,
untagged nodes) is ignored and counted once in ``skipped``.
"""

from __future__ import annotations

import gzip
import zlib
from dataclasses import replace
from typing import Any
from xml.parsers import expat

from mobility.assets import Layer
from mobility.errors import UnsupportedFormatError
from mobility.formats.osm_elements import OsmCollection, OsmElement, assets_from_elements, relevant
from mobility.formats.report import ProgressFn, ReadReport

OSM_XML_FORMAT = "osm-xml"
GZIP_MAGIC = b"\x1f\x8b"


class _Refused(Exception):  # noqa: N818 (a refused element, caught in this module)
    pass


def _decompress(data: bytes) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        raise UnsupportedFormatError(f"The gzip file is corrupt: {error}.") from None


class _Collector:
    """Expat handlers: keep node positions, way node lists and the tagged elements we import."""

    def __init__(self) -> None:
        self.found = OsmCollection()
        self.root: str | None = None
        self.current: OsmElement | None = None
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
            element = OsmElement(name, attrs.get("id", ""), line, timestamp=attrs.get("timestamp"))
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
                self.found.nodes[number] = (element.lon, element.lat)
            elif name == "way":
                self.found.ways[number] = element.refs
        if relevant(element.tags):
            self.found.candidates.append(element)
        elif element.tags:
            self.found.other += 1


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
    report, lines = assets_from_elements(collector.found, source_name=source_name, layer=layer)
    return _with_xml_lines(report, lines)


def _with_xml_lines(report: ReadReport, lines: list[int]) -> ReadReport:
    """Replace the feature indexes the GeoJSON flavour reports by the XML line numbers."""

    def line_of(index: int | None) -> int | None:
        return lines[index - 1] if index is not None and 0 < index <= len(lines) else index

    report.format = OSM_XML_FORMAT
    report.assets = [replace(asset, line=line_of(asset.line)) for asset in report.assets]
    report.rejected = [replace(row, line=line_of(row.line)) for row in report.rejected]
    return report
