# SPDX-License-Identifier: MIT
"""The slow, independent reference for network distances: split the streets, run networkx."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import networkx as nx
import numpy as np

from mobility.network import WALK_SPEED_KMH
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import SnappedPoints


def reference_distances(
    view: nx.MultiDiGraph,
    engine: DistanceEngine,
    demand: SnappedPoints,
    assets: SnappedPoints,
    *,
    weight: str = "length",
    direction: str = "to_assets",
    cutoff: float | None = None,
) -> np.ndarray:
    """Distances computed the slow way, sharing only the snapped positions with the engine.

    Each point becomes a node inserted into its street edge and into every edge running back
    along the same line (found here, from the view's geometries), plus a node off the street
    joined by its off-street leg. A multi-source Dijkstra from the assets (on the reversed graph
    for ``to_assets``) then gives every demand point's distance.
    """
    attr = "length" if weight == "length" else "travel_time_s"
    leg_scale = 1.0 if weight == "length" else 1.0 / (WALK_SPEED_KMH / 3.6)
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(view.nodes)
    for u, v, key, attrs in view.edges(keys=True, data=True):
        graph.add_edge(u, v, key=key, w=float(attrs[attr]))
    # stops per directed edge: (order key, fraction along this edge, node); the way back sees the
    # stops in exactly the reverse order, so that points at one spot stay linked both ways
    splits: dict[tuple[Any, Any, Any], list[tuple[tuple[float, int], float, Any]]]
    splits = defaultdict(list)
    table = engine.edges

    def insert(kind: str, points: SnappedPoints, index: int) -> None:
        row = int(points.edge_index[index])
        u = int(table.node_ids[table.u_index[row]])
        v = int(table.node_ids[table.v_index[row]])
        key = int(table.key[row])
        fraction = min(max(points.offset_m[index] / points.edge_length_m[index], 0.0), 1.0)
        on_street = ("snap", kind, index)
        sequence = len(graph)
        splits[(u, v, key)].append(((fraction, sequence), fraction, on_street))
        line = list(view.edges[u, v, key]["geometry"].coords)
        for back_key, back in view.get_edge_data(v, u, default={}).items():
            if (v, u, back_key) != (u, v, key) and list(back["geometry"].coords) == line[::-1]:
                stop = ((-fraction, -sequence), 1.0 - fraction, on_street)
                splits[(v, u, back_key)].append(stop)
        leg = float(points.off_street_m[index]) * leg_scale
        graph.add_edge(("point", kind, index), on_street, w=leg)
        graph.add_edge(on_street, ("point", kind, index), w=leg)

    sources = []
    for index in range(assets.count):
        if not assets.too_far[index]:
            insert("asset", assets, index)
            sources.append(("point", "asset", index))
    for index in range(demand.count):
        if not demand.too_far[index]:
            insert("demand", demand, index)
    for (u, v, key), stops in splits.items():
        cost = graph.edges[u, v, key]["w"]
        graph.remove_edge(u, v, key)
        previous, at = u, 0.0
        for _, fraction, node in [*sorted(stops, key=lambda stop: stop[0]), (None, 1.0, v)]:
            graph.add_edge(previous, node, w=cost * (fraction - at))
            if fraction == at:  # no street between the two: either can reach the other
                graph.add_edge(node, previous, w=0.0)
            previous, at = node, fraction
    result = np.full(demand.count, np.inf)
    if not sources:
        return result
    searched = graph.reverse(copy=False) if direction == "to_assets" else graph
    reached = nx.multi_source_dijkstra_path_length(searched, sources, weight="w")
    for index in range(demand.count):
        if not demand.too_far[index]:
            result[index] = reached.get(("point", "demand", index), np.inf)
    if cutoff is not None:
        result[result > cutoff] = np.inf
    return result
