# SPDX-License-Identifier: MIT
"""Which candidate site would cover which demand point: the sparse coverage matrix.

Row ``i`` of the matrix marks the demand points within ``cutoff`` of candidate ``i`` along the
streets, with exactly the distance :meth:`~mobility.network.engine.DistanceEngine.distances`
reports (off-street legs, position along the edge, one-way rules, same-segment paths): the
matrix reuses the engine's arithmetic (:func:`~mobility.network.engine_search.place` and the
virtual-source graph of :func:`~mobility.network.engine_search.append_source_rows`) so that every
sum is the same floating-point sum and a point exactly at the cutoff falls on the same side.

How it scales (the choice, measured; see ``scripts/bench_siting.py``): one scipy Dijkstra per
*chunk* of candidates, from their virtual nodes, bounded by ``limit`` (the cutoff less the
shortest demand leg), so each search settles only the crossings it can reach. scipy returns
dense rows, so chunks are sized to keep ``chunk × nodes`` floats near :data:`CHUNK_CELLS`
(32 MB); the reached cells of a chunk are found with one flat scan of the contiguous rows, then
turned into demand points at once through a node→demand incidence (each demand point hangs from
the ends of its edge with its along-edge cost), plus the pairs that share a street segment. No
dense candidates × demand array is ever built. The demand placement comes from the engine's
cache and its node incidence is kept per placement (both depend only on the engine and the
demand, i.e. on the commune); only the virtual columns' costs are never scanned, rows come
from binary searches rather than integer division, and the pairs are deduplicated as one
sort of 32-bit keys. Measured with ``scripts/bench_siting.py --quick`` (load ~1): on a 10 km
square grid (10,201 crossings, 20,000 demand points) 2,000 candidates take 68-96 ms at 500 m
and 120-170 ms at 1,000 m, 1.4-1.5× and 2.0-2.1× the bare compiled kernel (scipy's
``dijkstra(indices=batch, limit=)`` from the candidates' nearest crossings, node distances
only); on Paris 10e (634 candidates, 300 m) 6.7 ms against 2.0 ms (3.2-3.3×, 4.0× before the
caches: the virtual source nodes double the rows scipy fills on so small a graph). A compiled
bounded search (numba, a C extension) would skip the dense rows but is a dependency the
figures do not justify.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from mobility.errors import FieldProblem, InvalidInputError
from mobility.network.csr import EdgeTable, FloatArray, IntArray, Weight
from mobility.network.engine import DistanceEngine
from mobility.network.engine_search import (
    Direction,
    Placement,
    append_source_rows,
    check_points,
    check_query,
    place,
    search_limit,
)
from mobility.network.snapping import SnappedPoints
from mobility.siting.model import ranges

CHUNK_CELLS = 4_000_000
"""Dense Dijkstra cells (float64) per chunk of candidate searches: 32 MB."""


def coverage_matrix(
    engine: DistanceEngine,
    demand: SnappedPoints,
    candidates: SnappedPoints,
    *,
    cutoff: float,
    weight: Weight = "length",
    direction: Direction = "to_assets",
) -> sp.csr_matrix:
    """Return the candidates × demand matrix of "candidate ``i`` covers demand point ``j``".

    Parameters
    ----------
    engine
        The distance engine both point sets were snapped with.
    demand, candidates
        Snapped points; ``too_far`` ones cover nothing and are covered by nothing.
    cutoff
        Largest distance that covers, in the weight's unit (metres, or seconds for ``"time"``).
    weight, direction
        As for :meth:`DistanceEngine.distances` (``"to_assets"``: from the inhabitant to the site).

    Returns
    -------
    scipy.sparse.csr_matrix
        ``uint8`` ones, shape ``(candidates.count, demand.count)``, sorted column indices; row
        ``i`` equals ``engine.distances(demand, candidates.take([i]), cutoff_m=cutoff) <= cutoff``.

    Raises
    ------
    InvalidInputError
        On a missing, negative or infinite cutoff, an unknown weight or direction, or points
        snapped on another network.
    """
    if cutoff is None or not np.isfinite(float(cutoff)) or float(cutoff) < 0:
        raise InvalidInputError(
            "cutoff must be a finite number >= 0.",
            problems=[FieldProblem("cutoff", "must be a finite number >= 0")],
        )
    check_query(weight, direction, cutoff)
    limit_value = float(cutoff)
    edges = engine.edges
    check_points(candidates, edges, "candidates")
    shape = (candidates.count, demand.count)
    if demand.count == 0 or candidates.count == 0:
        check_points(demand, edges, "demand")
        return _from_pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), shape)
    placed = engine._placement(demand, weight)  # checked and cached per demand set
    sites = place(candidates, edges, weight)
    if not placed.usable.any() or not sites.usable.any():
        return _from_pairs(np.zeros(0, np.int64), np.zeros(0, np.int64), shape)
    limit = search_limit(limit_value, placed.shortest_leg)
    key_type = _key_type(shape)
    keys = _network_keys(edges, placed, sites, limit_value, limit, weight, direction, shape)
    same_rows, same_cols = _same_segment_pairs(placed, sites, limit_value, direction)
    same = same_rows.astype(key_type) * key_type(shape[1]) + same_cols.astype(key_type)
    return _from_keys(np.concatenate([keys, same]), shape)


def _network_keys(
    edges: EdgeTable,
    placed: Placement,
    sites: Placement,
    cutoff: float,
    limit: float,
    weight: Weight,
    direction: Direction,
    shape: tuple[int, int],
) -> IntArray:
    """Return the pairs joined through the crossings at the ends of the edges, as flat keys.

    A key is ``candidate * demand count + demand`` (see :func:`_from_keys`).
    """
    keep = np.flatnonzero(sites.usable)
    n_nodes = edges.n_nodes
    virtual = n_nodes + np.arange(len(keep), dtype=np.int64)
    if direction == "to_assets":
        base = edges.csr(weight, transpose=True)
        near_u, near_v = sites.u_to_point[keep], sites.v_to_point[keep]
    else:
        base = edges.csr(weight)
        near_u, near_v = sites.point_to_u[keep], sites.point_to_v[keep]
    leg = sites.leg[keep]
    source_rows = np.concatenate([virtual, virtual])
    targets = np.concatenate([sites.u[keep], sites.v[keep]])
    link = np.concatenate([near_u + leg, near_v + leg])
    finite = np.isfinite(link)
    graph = append_source_rows(base, source_rows[finite], targets[finite], link[finite], len(keep))
    incidence = _incidence(placed, direction, n_nodes)
    chunk = max(1, CHUNK_CELLS // graph.shape[0])
    key_type = _key_type(shape)
    row_base = keep.astype(key_type) * key_type(shape[1])
    demand = incidence.demand.astype(key_type)
    found: list[IntArray] = []
    for first in range(0, len(keep), chunk):
        sources = virtual[first : first + chunk]
        costs = dijkstra(graph, directed=True, indices=sources, limit=limit)[:, :n_nodes]
        # The virtual columns hold no demand: not scanned. Reached cells in row-major order,
        # their rows by binary search (2-D np.nonzero and integer division are slower).
        flat = np.flatnonzero(np.isfinite(costs))
        ends = np.searchsorted(flat, np.arange(len(sources) + 1, dtype=np.int64) * n_nodes)
        row = np.repeat(np.arange(len(sources), dtype=np.int64), np.diff(ends))
        node = flat - row * n_nodes
        node_cost = costs[row, node]
        counts = incidence.degree[node]
        item = ranges(incidence.start[node], counts)
        value = incidence.leg[item] + (incidence.along[item] + np.repeat(node_cost, counts))
        inside = value <= cutoff
        found.append(np.repeat(row_base[first + row], counts)[inside] + demand[item[inside]])
    return np.concatenate(found)


@dataclass(frozen=True, eq=False)
class _Incidence:
    """Demand points hanging from each crossing (CSR layout: ``start``, ``degree`` per node).

    Per entry: the demand point, its along-edge cost to (or from) the crossing and its leg.
    """

    start: IntArray
    degree: IntArray
    demand: IntArray
    along: FloatArray
    leg: FloatArray


_INCIDENCES: weakref.WeakKeyDictionary[Placement, dict[Direction, _Incidence]] = (
    weakref.WeakKeyDictionary()
)
"""Incidences per demand placement (which the engine caches per demand set) and direction."""


def _incidence(placed: Placement, direction: Direction, n_nodes: int) -> _Incidence:
    """Return the node → demand incidence of a placement, built once per placement."""
    known = _INCIDENCES.setdefault(placed, {})
    found = known.get(direction)
    if found is None:
        along = (
            (placed.point_to_u, placed.point_to_v)
            if direction == "to_assets"
            else (placed.u_to_point, placed.v_to_point)
        )
        found = known[direction] = _node_incidence(placed, along, n_nodes)
    return found


def _node_incidence(
    placed: Placement, along: tuple[FloatArray, FloatArray], n_nodes: int
) -> _Incidence:
    """Group the usable demand points by the crossings at the ends of their edge (CSR layout).

    ``along`` holds, per demand point, the cost between the point and its u end, then its v end,
    in the search's direction; an ``inf`` one (against a one-way street) is no link.
    """
    points = np.flatnonzero(placed.usable)
    nodes = np.concatenate([placed.u[points], placed.v[points]])
    cost = np.concatenate([along[0][points], along[1][points]])
    owner = np.concatenate([points, points])
    finite = np.isfinite(cost)
    nodes, cost, owner = nodes[finite], cost[finite], owner[finite]
    order = np.argsort(nodes, kind="stable")
    degree = np.bincount(nodes, minlength=n_nodes).astype(np.int64)
    start = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(degree, out=start[1:])
    demand = owner[order].astype(np.int64)
    return _Incidence(start[:-1], degree, demand, cost[order], placed.leg[demand])


def _same_segment_pairs(
    placed: Placement, sites: Placement, cutoff: float, direction: Direction
) -> tuple[IntArray, IntArray]:
    """Return (candidate, demand) pairs joined directly along a shared street segment.

    The arithmetic is :func:`mobility.network.engine_search.same_segment_costs`, pair by pair.
    """
    keep = np.flatnonzero(sites.usable)
    keep = keep[np.argsort(sites.edge[keep], kind="stable")]
    site_edge = sites.edge[keep]
    points = np.flatnonzero(placed.usable)
    low = np.searchsorted(site_edge, placed.edge[points], side="left")
    high = np.searchsorted(site_edge, placed.edge[points], side="right")
    count = high - low
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    point = np.repeat(points, count)
    first = np.cumsum(count) - count
    site = keep[np.repeat(low, count) + np.arange(total) - np.repeat(first, count)]
    delta = sites.fraction[site] - placed.fraction[point]
    if direction == "from_assets":
        delta = -delta
    forward = np.where(delta >= 0, placed.forward_cost[point] * np.maximum(delta, 0.0), np.inf)
    has_back = np.isfinite(placed.backward_cost[point])
    back_cost = np.where(has_back, placed.backward_cost[point], 0.0)
    backward = np.where(has_back & (delta <= 0), back_cost * np.maximum(-delta, 0.0), np.inf)
    value = placed.leg[point] + (np.minimum(forward, backward) + sites.leg[site])
    inside = value <= cutoff
    return site[inside].astype(np.int64), point[inside].astype(np.int64)


def _key_type(shape: tuple[int, int]) -> type[np.signedinteger]:
    """32-bit flat keys when ``rows × columns`` fits (their sort is twice as fast), else 64."""
    return np.int32 if shape[0] * max(shape[1], 1) < np.iinfo(np.int32).max else np.int64


def _from_pairs(rows: IntArray, cols: IntArray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Build the uint8 matrix of ones from (row, column) pairs, duplicates counted once."""
    key_type = _key_type(shape)
    width = key_type(max(shape[1], 1))
    return _from_keys(rows.astype(key_type) * width + cols.astype(key_type), shape)


def _from_keys(keys: IntArray, shape: tuple[int, int]) -> sp.csr_matrix:
    """Build the uint8 matrix of ones from flat keys ``row * columns + column`` (repeats once).

    One sort of the keys (``np.unique`` hashes: 10x slower), row boundaries by binary search
    (no integer division).
    """
    width = max(shape[1], 1)
    key = np.sort(keys)
    key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
    bases = np.arange(shape[0] + 1, dtype=np.int64) * width
    indptr = np.searchsorted(key, bases, side="left")
    cols = key - np.repeat(bases[:-1], np.diff(indptr)).astype(key.dtype)
    index_type = np.int32 if max(len(key), shape[1]) < np.iinfo(np.int32).max else np.int64
    return sp.csr_matrix(
        (np.ones(len(key), dtype=np.uint8), cols.astype(index_type), indptr.astype(index_type)),
        shape=shape,
    )
