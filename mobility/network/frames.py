# SPDX-License-Identifier: MIT
"""Street graphs as GeoDataFrames, for drawing streets, storing them and spreading population."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import networkx as nx

from mobility.geo import WIRE_CRS
from mobility.network.directions import EdgeTuple, pair_street_edges

FRAME_COLUMNS = ("u", "v", "key", "name", "highway", "length", "oneway", "walk", "drive")
"""Columns of both frames, before ``geometry``."""


def edges_to_frame(graph: nx.MultiDiGraph) -> gpd.GeoDataFrame:
    """Return one row per directed edge, in EPSG:4326.

    Parameters
    ----------
    graph
        A normalized street graph or a mode view.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``u, v, key, name, highway, length, oneway, walk, drive, geometry``; the geometry
        runs from u to v, as routing sees it.
    """
    return _frame((edge, None) for edge in graph.edges(keys=True, data=True))


def undirected_edges_frame(graph: nx.MultiDiGraph) -> gpd.GeoDataFrame:
    """Return one row per street segment: a two-way street's way back is dropped.

    Drawing both directions doubles every line and spreading population over both would count
    each street twice. The row keeps the first direction met; ``walk`` and ``drive`` tell whether
    the mode can use the segment in at least one direction, and ``oneway`` is the street's one-way
    flag (for cars).

    Returns
    -------
    geopandas.GeoDataFrame
        Same columns as :func:`edges_to_frame`, in EPSG:4326.
    """
    return _frame(pair_street_edges(graph.edges(keys=True, data=True)))


def _frame(segments: Iterable[tuple[EdgeTuple, EdgeTuple | None]]) -> gpd.GeoDataFrame:
    columns: dict[str, list[Any]] = {name: [] for name in FRAME_COLUMNS}
    geometries: list[Any] = []
    for (u, v, key, attrs), twin in segments:
        other = twin[3] if twin is not None else {}
        columns["u"].append(u)
        columns["v"].append(v)
        columns["key"].append(key)
        columns["name"].append(attrs.get("name"))
        columns["highway"].append(attrs.get("highway"))
        columns["length"].append(float(attrs["length"]))
        columns["oneway"].append(bool(attrs.get("oneway")))
        columns["walk"].append(bool(attrs.get("walk") or other.get("walk")))
        columns["drive"].append(bool(attrs.get("drive") or other.get("drive")))
        geometries.append(attrs["geometry"])
    return gpd.GeoDataFrame(columns, geometry=geometries, crs=WIRE_CRS)
