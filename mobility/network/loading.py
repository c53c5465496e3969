# SPDX-License-Identifier: MIT
"""One entry point to load a street file, whatever its format and compression."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from mobility.errors import NotFoundError, UnsupportedFormatError
from mobility.network.graphml import read_graphml
from mobility.network.osm_xml import read_osm_xml
from mobility.network.sources import StreetFormat, decompress_if_gzip, sniff_format

SUFFIX_FORMATS: dict[str, StreetFormat] = {".graphml": "graphml", ".osm": "osm"}
"""Suffixes (after an optional ``.gz``) that name the format without looking at the content."""


def load_streets(source: Path | bytes, *, fmt: StreetFormat | None = None) -> nx.MultiDiGraph:
    """Load a street network file into the normalized street graph.

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload). Gzip is recognised by its magic bytes, not by
        the name, because uploads often lose or fake their suffix.
    fmt
        ``"graphml"`` or ``"osm"``; when ``None`` the suffix decides (``.graphml``, ``.osm``,
        optionally followed by ``.gz``), else the root element of the document.

    Returns
    -------
    networkx.MultiDiGraph
        See :mod:`mobility.network.model` for the contract.

    Raises
    ------
    NotFoundError
        When the path does not exist.
    UnsupportedFormatError
        When the content is empty, not gzip/GraphML/OSM XML, broken, has no street edges, or
        lies mostly outside France.
    """
    if isinstance(source, Path):
        try:
            raw = source.read_bytes()
        except FileNotFoundError:
            raise NotFoundError(f"Street file {source.name} does not exist.") from None
        except IsADirectoryError:
            raise UnsupportedFormatError(f"{source.name} is a directory, not a file.") from None
        fmt = fmt or guess_format_from_name(source)
    else:
        raw = bytes(source)
    data = decompress_if_gzip(raw)
    fmt = fmt or sniff_format(data)
    if fmt == "graphml":
        return read_graphml(data)
    if fmt == "osm":
        return read_osm_xml(data)
    raise UnsupportedFormatError(f"Unknown street format {fmt!r}; use 'graphml' or 'osm'.")


def guess_format_from_name(path: Path) -> StreetFormat | None:
    """Name the format from the file suffix (ignoring ``.gz``), or ``None`` when it says nothing."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None
