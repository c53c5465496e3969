# SPDX-License-Identifier: MIT
"""Raw street files: gunzip them, name their format and stream their XML safely.

Street files are uploaded by users, so every byte is untrusted: decompression is capped, documents
with a DOCTYPE are refused before parsing (no entity can then be declared, which rules out entity
expansion attacks and external entities whatever the parser), and every parser failure becomes an
:class:`~mobility.errors.UnsupportedFormatError` with a message a user can act on.
"""

from __future__ import annotations

import gc
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Literal
from xml.etree.ElementTree import Element, ParseError, XMLPullParser

from mobility.errors import UnsupportedFormatError

StreetFormat = Literal["graphml", "osm", "pbf", "lines"]
"""GraphML, OSM XML, OSM PBF, or a line file GDAL reads (GeoJSON, GeoPackage, zipped Shapefile)."""

GZIP_MAGIC = b"\x1f\x8b"
UTF8_BOM = b"\xef\xbb\xbf"
SQLITE_MAGIC = b"SQLite format 3\x00"
ZIP_MAGIC = b"PK\x03\x04"
SHAPEFILE_MAGIC = b"\x00\x00\x27\x0a"
PBF_HEADER = b"\x0a\x09OSMHeader"
"""What an OSM PBF file holds after its first 4 bytes: the header blob's type, length-prefixed."""
LINE_FILE_MAGICS = (SQLITE_MAGIC, ZIP_MAGIC, SHAPEFILE_MAGIC)
"""First bytes of a GeoPackage, a zip and a bare .shp (refused by the line reader, with advice)."""
MAX_XML_BYTES = 1 << 30
"""Largest decompressed file accepted (1 GiB, far above a commune's streets), against gzip bombs."""

_CHUNK = 1 << 20
_NAME = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_ROOT_FORMATS: dict[str, StreetFormat] = {"graphml": "graphml", "osm": "osm"}


def decompress_if_gzip(data: bytes) -> bytes:
    """Return ``data`` gunzipped when it starts with the gzip magic bytes, else unchanged.

    Raises
    ------
    UnsupportedFormatError
        When the gzip stream is corrupt or truncated, or inflates past :data:`MAX_XML_BYTES`.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    parts: list[bytes] = []
    size = 0
    try:
        remaining = data
        while remaining:
            part = inflater.decompress(remaining, MAX_XML_BYTES + 1 - size)
            parts.append(part)
            size += len(part)
            if size > MAX_XML_BYTES:
                raise UnsupportedFormatError("The decompressed street file is larger than 1 GiB.")
            remaining = inflater.unconsumed_tail
            if inflater.eof and inflater.unused_data.startswith(GZIP_MAGIC):
                remaining = inflater.unused_data  # concatenated gzip members
                inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        if not inflater.eof:
            raise UnsupportedFormatError("The gzip file is truncated.")
    except zlib.error as exc:
        raise UnsupportedFormatError(f"The file is not a valid gzip file ({exc}).") from None
    return b"".join(parts)


def find_root_tag(data: bytes) -> str:
    """Return the local name of the document's root element, checking the prolog on the way.

    Raises
    ------
    UnsupportedFormatError
        When the data is empty, is an OSM PBF file, declares a DOCTYPE, or has no element.
    """
    if not data.strip():
        raise UnsupportedFormatError("The street file is empty.")
    if b"OSMHeader" in data[:64]:
        raise UnsupportedFormatError(
            "OSM PBF files are not supported; convert to XML first "
            "(osmium cat extract.osm.pbf -o extract.osm)."
        )
    position = 3 if data.startswith(b"\xef\xbb\xbf") else 0
    while True:
        while position < len(data) and data[position : position + 1].isspace():
            position += 1
        if data.startswith(b"<?", position):
            position = _skip_past(data, position, b"?>")
        elif data.startswith(b"<!--", position):
            position = _skip_past(data, position, b"-->")
        elif data.startswith(b"<!", position):
            raise UnsupportedFormatError("XML documents with a DOCTYPE are refused for safety.")
        else:
            match = _NAME.match(data, position)
            if match is None:
                raise UnsupportedFormatError("The file is not an XML document.")
            return match.group(1).decode("ascii").rsplit(":", 1)[-1]


def _skip_past(data: bytes, position: int, marker: bytes) -> int:
    end = data.find(marker, position)
    if end < 0:
        raise UnsupportedFormatError("The file is not a well-formed XML document.")
    return end + len(marker)


def sniff_format(data: bytes) -> StreetFormat:
    """Name the format of (already decompressed) street data from its first bytes.

    A GeoPackage (SQLite), a zip or a JSON document is a line file; an XML document is named by
    its root element; an OSM PBF file by its header blob.

    Raises
    ------
    UnsupportedFormatError
        When the data is none of those, or the root is neither ``<graphml>`` nor ``<osm>``.
    """
    if data[4 : 4 + len(PBF_HEADER)] == PBF_HEADER:
        return "pbf"
    if data.startswith(LINE_FILE_MAGICS) or data.removeprefix(UTF8_BOM).lstrip()[:1] == b"{":
        return "lines"
    root = find_root_tag(data)
    fmt = _ROOT_FORMATS.get(root)
    if fmt is None:
        raise UnsupportedFormatError(
            f"Unsupported street file: root element <{root}>; expected GraphML or OSM XML."
        )
    return fmt


def iter_xml_events(data: bytes, *, expected_root: str) -> Iterator[tuple[str, Element]]:
    """Stream ``("start" | "end", element)`` events, turning parser errors into domain errors.

    Parameters
    ----------
    data
        The XML document (not compressed).
    expected_root
        Local name the root element must have, so a reader fails early on the wrong format.

    Notes
    -----
    Streaming keeps memory flat on large extracts: callers clear elements once read.
    """
    root = find_root_tag(data)
    if root != expected_root:
        raise UnsupportedFormatError(
            f"Expected a <{expected_root}> document but the root element is <{root}>."
        )
    parser: XMLPullParser[Element] = XMLPullParser(
        events=("start", "end")
    )  # safe: DOCTYPE refused above
    try:
        for offset in range(0, len(data), _CHUNK):
            parser.feed(data[offset : offset + _CHUNK])
            yield from parser.read_events()  # type: ignore[misc]
        parser.close()
        yield from parser.read_events()  # type: ignore[misc]
    except ParseError as exc:
        raise UnsupportedFormatError(f"The file is not well-formed XML ({exc}).") from None


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a street file is turned into objects.

    Reading creates hundreds of thousands of small objects and none of them is garbage yet; the
    collector would scan them again and again (half the load time of a commune's graph). Nested
    or concurrent use is safe: only the call that paused the collector resumes it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@lru_cache(maxsize=256)
def local_name(tag: str) -> str:
    """Strip the ``{namespace}`` part ElementTree puts in front of tag names."""
    return tag.rsplit("}", 1)[-1]
