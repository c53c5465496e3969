# SPDX-License-Identifier: MIT
"""Small line files written by the tests (GeoJSON, GeoPackage, zipped Shapefile) with pyogrio,
and the independent reference graph: shapely's own noder and networkx, nothing of ours."""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import numpy as np
import pyogrio
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

ROOT = Path(__file__).resolve().parents[3]
PARIS_CENTRELINES = (
    ROOT / "data" / "idf-context" / "paris_voies_centrelines_villedeparis.geojson.gz"
)
X0, Y0 = 652_000.0, 6_862_000.0
"""A point of Paris 10e in Lambert-93, where the test streets are drawn."""


def l93_line(*points: tuple[float, float]) -> LineString:
    """A line given in metres from (X0, Y0), in Lambert-93."""
    return LineString([(X0 + x, Y0 + y) for x, y in points])


def write_lines(
    folder: Path,
    lines: Sequence[BaseGeometry],
    fields: dict[str, list[Any]] | None = None,
    *,
    kind: str = "geojson",
    crs: str = "EPSG:2154",
    name: str = "streets",
) -> Path:
    """Write Lambert-93 lines (reprojected to ``crs``) as a GeoJSON, GeoPackage or zip."""
    frame = gpd.GeoDataFrame(fields or {}, geometry=lines, crs="EPSG:2154").to_crs(crs)
    if kind == "zip":
        shp = folder / f"{name}.shp"
        pyogrio.write_dataframe(frame, shp)
        target = folder / f"{name}.zip"
        with zipfile.ZipFile(target, "w") as archive:
            for part in sorted(folder.glob(f"{name}.*")):
                if part.suffix != ".zip":
                    archive.write(part, part.name)
        return target
    target = folder / f"{name}.{kind}"
    pyogrio.write_dataframe(frame, target)
    return target


def reference_graph(metric_lines: list[LineString]) -> tuple[nx.Graph, np.ndarray]:
    """Node the Lambert-93 lines with ``shapely.node`` and join the pieces in networkx.

    Returns the undirected graph (nodes are integers, weight ``length`` in metres) and the node
    coordinates, row ``i`` for node ``i``.
    """
    noded = shapely.get_parts(shapely.node(shapely.multilinestrings(metric_lines)))
    ends = np.array([[line.coords[0], line.coords[-1]] for line in noded]).reshape(-1, 2)
    xy, inverse = np.unique(np.round(ends, 6), axis=0, return_inverse=True)
    inverse = inverse.reshape(-1, 2)
    graph = nx.Graph()
    for (u, v), line in zip(inverse, noded, strict=True):
        graph.add_nodes_from((int(u), int(v)))  # a closed line (a ring street) is still a place
        length = float(line.length)
        if u != v and (not graph.has_edge(u, v) or graph[u][v]["length"] > length):
            graph.add_edge(int(u), int(v), length=length)
    return graph, xy


def node_metric_xy(graph: nx.MultiDiGraph) -> tuple[list[Any], np.ndarray]:
    """Our graph's nodes and their Lambert-93 coordinates (from their lon/lat)."""
    nodes = list(graph.nodes)
    to_l93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    x, y = to_l93.transform(
        [graph.nodes[n]["x"] for n in nodes], [graph.nodes[n]["y"] for n in nodes]
    )
    return nodes, np.column_stack([x, y])


def match_nodes(graph: nx.MultiDiGraph, reference_xy: np.ndarray, *, tolerance_m: float) -> dict:
    """Pair each of our nodes with the reference node within ``tolerance_m`` of it."""
    nodes, xy = node_metric_xy(graph)
    gap, index = cKDTree(reference_xy).query(xy)
    return {node: int(i) for node, d, i in zip(nodes, gap, index, strict=True) if d <= tolerance_m}
