# SPDX-License-Identifier: MIT
"""The distance engine and its competitors, each answering "how far is the nearest asset".

The engine (warm: its caches kept; cold: emptied first), scipy's compiled Dijkstra on the same
CSR (the floor any scipy-based engine stands on), networkx's multi-source Dijkstra, and the
per-asset recipes (one Dijkstra or one ``ego_graph`` per asset) that the engine replaces; the
per-asset ones run within a time budget and are extrapolated when it runs out.
"""

from __future__ import annotations

import math
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from bench.harness import MAX_RUNS, traced_peak


def engine_query(engine: Any, demand: Any, lon: np.ndarray, lat: np.ndarray, cutoff: float) -> Any:
    return engine.distances(demand, engine.snap(lon, lat), cutoff_m=cutoff)


def engine_cold(engine: Any, demand: Any, lon: np.ndarray, lat: np.ndarray, cutoff: float) -> Any:
    engine.clear_cache()
    return engine_query(engine, demand, lon, lat, cutoff)


def scipy_floor(csr: Any, sources: np.ndarray, demand_nodes: np.ndarray, cutoff: float) -> Any:
    from scipy.sparse.csgraph import dijkstra

    costs = dijkstra(csr, directed=True, indices=sources, min_only=True, limit=cutoff)
    return costs[demand_nodes]


def nx_multi(graph: Any, sources: np.ndarray, demand_nodes: np.ndarray, cutoff: float) -> Any:
    import networkx as nx

    found = nx.multi_source_dijkstra_path_length(
        graph, set(sources.tolist()), cutoff=cutoff, weight="length"
    )
    return np.array([found.get(node, math.inf) for node in demand_nodes.tolist()])


def naive_dijkstra(graph: Any, sources: list[int], cutoff: float, deadline: float) -> int:
    """Per asset single-source Dijkstra, keeping the min per node; return assets done."""
    import networkx as nx

    best: dict[int, float] = {}
    done = 0
    for source in sources:
        reached = nx.single_source_dijkstra_path_length(
            graph, source, cutoff=cutoff, weight="length"
        )
        for node, cost in reached.items():
            if cost < best.get(node, math.inf):
                best[node] = cost
        done += 1
        if time.perf_counter() > deadline:
            break
    return done


def naive_ego(graph: Any, sources: list[int], cutoff: float, deadline: float) -> int:
    """Per asset ``ego_graph`` (the classic isochrone recipe), union of nodes; assets done."""
    import networkx as nx

    reached: set[int] = set()
    done = 0
    for source in sources:
        reached.update(nx.ego_graph(graph, source, radius=cutoff, distance="length"))
        done += 1
        if time.perf_counter() > deadline:
            break
    return done


def capped(
    fn: Callable[[Any, list[int], float, float], int],
    graph: Any,
    sources: np.ndarray,
    cutoff: float,
    budget_s: float,
    *,
    skip: bool,
) -> dict[str, Any]:
    """Run a per-asset competitor within a time budget; extrapolate from the assets done."""
    order = sources.tolist()
    times: list[float] = []
    while True:
        started = time.perf_counter()
        done = fn(graph, order, cutoff, started + budget_s)
        elapsed = time.perf_counter() - started
        if done < len(order):
            estimate = elapsed * len(order) / done
            result: dict[str, Any] = {"s": estimate, "runs": 1, "done": done, "of": len(order)}
            result["status"] = "skipped" if skip else "extrapolated"
            break
        times.append(elapsed)
        if len(times) >= MAX_RUNS or sum(times) + elapsed > budget_s:
            result = {"s": statistics.median(times), "runs": len(times)}
            break
    subsample = order[: min(len(order), result.get("done", len(order)), 20)]
    result["peak"] = traced_peak(partial(fn, graph, subsample, cutoff, math.inf))
    if len(subsample) < len(order):
        result["peak_note"] = f"{len(subsample)} assets"
    return result


def build_nx(csr: Any) -> Any:
    import networkx as nx

    coo = csr.tocoo()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(csr.shape[0]))
    graph.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True), weight="length"
    )
    return graph
