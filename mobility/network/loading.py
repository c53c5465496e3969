# SPDX-License-Identifier: MIT
"""One entry point to load a street file, whatever its format and compression."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.errors import NotFoundError, UnsupportedFormatError
from mobility.network.graphml import read_graphml
from mobility.network.line_file import read_line_file
from mobility.network.line_source import LINE_SUFFIXES
from mobility.network.osm_pbf import read_osm_pbf
from mobility.network.osm_xml import read_osm_xml
from mobility.network.sources import StreetFormat, decompress_if_gzip, sniff_format

SUFFIX_FORMATS: dict[str, StreetFormat] = {
    ".graphml": "graphml",
    ".osm": "osm",
    ".pbf": "pbf",
    **dict.fromkeys(LINE_SUFFIXES, "lines"),
}
"""Suffixes (after an optional ``.gz``) that name the format without looking at the content."""


def load_streets(
    source: Path | bytes,
    *,
    fmt: StreetFormat | None = None,
    clip: BaseGeometry | None = None,
) -> nx.MultiDiGraph:
    """Load a street network file into the normalized street graph.

    Parameters
    ----------
    source
        A path, or the file's bytes (an upload). Gzip is recognised by its magic bytes, not by
        the name, because uploads often lose or fake their suffix.
    fmt
        ``"graphml"``, ``"osm"``, ``"pbf"`` or ``"lines"`` (GeoJSON, GeoPackage, Shapefile: any
        line file GDAL reads, see :func:`~mobility.network.line_file.read_line_file`); when
        ``None`` the suffix decides (``.graphml``, ``.osm``, ``.pbf``, ``.geojson``, ``.json``,
        ``.gpkg``, ``.shp``, ``.zip``, optionally followed by ``.gz``), else the first bytes of
        the content.
    clip
        A lon/lat polygon. A line file is read only inside it, its lines cut at the edge; a
        graph (GraphML, OSM XML) keeps the edges that touch it, whole; an OSM PBF file (often a
        whole region) is cut at its last node inside, then kept the same way.

    Returns
    -------
    networkx.MultiDiGraph
        See :mod:`mobility.network.model` for the contract.

    Raises
    ------
    NotFoundError
        When the path does not exist.
    UnsupportedFormatError
        When the content is empty, not in one of those formats, broken, has no street edges, or
        lies mostly outside France.
    """
    if isinstance(source, Path):
        if not source.exists():
            raise NotFoundError(f"Street file {source.name} does not exist.")
        if source.is_dir():
            raise UnsupportedFormatError(f"{source.name} is a directory, not a file.")
        fmt = fmt or guess_format_from_name(source)
        if fmt == "lines":
            return read_line_file(source, clip=clip)  # GDAL reads the path: side files, indexes
        if fmt == "pbf":
            return clip_graph(read_osm_pbf(source, clip=clip), clip)  # streamed, never in memory
        raw = source.read_bytes()
    else:
        raw = bytes(source)
    data = decompress_if_gzip(raw)
    fmt = fmt or sniff_format(data)
    if fmt == "lines":
        return read_line_file(data, clip=clip)
    if fmt == "graphml":
        return clip_graph(read_graphml(data), clip)
    if fmt == "osm":
        return clip_graph(read_osm_xml(data), clip)
    if fmt == "pbf":
        return clip_graph(read_osm_pbf(data, clip=clip), clip)
    raise UnsupportedFormatError(
        f"Unknown street format {fmt!r}; use 'graphml', 'osm', 'pbf' or 'lines'."
    )


def guess_format_from_name(path: Path) -> StreetFormat | None:
    """Name the format from the file suffix (ignoring ``.gz``), or ``None`` when it says nothing."""
    suffixes = [suffix.lower() for suffix in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return SUFFIX_FORMATS.get(suffixes[-1]) if suffixes else None


def clip_graph(graph: nx.MultiDiGraph, clip: BaseGeometry | None) -> nx.MultiDiGraph:
    """Keep the edges whose line touches ``clip`` (lon/lat), and their nodes; all without one.

    Raises
    ------
    UnsupportedFormatError
        When no edge touches the outline.
    """
    if clip is None:
        return graph
    edges = list(graph.edges(keys=True, data="geometry"))
    lines = np.empty(len(edges), dtype=object)
    lines[:] = [line for *_, line in edges]
    shapely.prepare(clip)
    touching = shapely.intersects(lines, clip)
    if not touching.any():
        raise UnsupportedFormatError("The street file holds no street inside the clip outline.")
    graph.remove_edges_from(
        [edge[:3] for edge, keep in zip(edges, touching, strict=True) if not keep]
    )
    graph.remove_nodes_from([node for node in list(graph.nodes) if graph.degree(node) == 0])
    return graph
