# SPDX-License-Identifier: MIT
"""Which candidate site would cover which demand point: the sparse coverage matrix.

Row ``i`` of the matrix marks the demand points within ``cutoff`` of candidate ``i`` along the
streets, with exactly the distance :meth:`~mobility.network.engine.DistanceEngine.distances`
reports (off-street legs, position along the edge, one-way rules, same-segment paths): the
matrix reuses the engine's arithmetic (:func:`~mobility.network.engine_search.place` and the
virtual-source graph of :func:`~mobility.network.engine_search.append_source_rows`) so that every
sum is the same floating-point sum and a point exactly at the cutoff falls on the same side.

How it scales (the choice, measured; see ``scripts/bench_siting.py``): one scipy Dijkstra per
*chunk* of candidates, from their virtual nodes (or, for a candidate standing exactly on a
crossing, from the crossing itself: no virtual row, the same sums), bounded by ``limit`` (the
cutoff less the shortest demand leg), so each search settles only the crossings it can reach.
scipy returns dense rows, so chunks are sized to keep ``chunk × nodes`` floats near
:data:`CHUNK_CELLS` (32 MB); the reached cells of a chunk are found with one flat scan of the
contiguous rows, then turned into demand points at once through a node→demand incidence (each
demand point hangs from the ends of its edge with its along-edge cost; one compiled row
gather), plus the pairs that share a street segment. No dense candidates × demand array is
ever built. The demand placement comes from the engine's cache and its node incidence is kept
per placement (both depend only on the engine and the demand, i.e. on the commune); only the
virtual columns' costs are never scanned, rows come from binary searches rather than integer
division, and the pairs are deduplicated as one sort of 32-bit keys. What is left beyond the
bare compiled kernel (scipy's ``dijkstra(indices=batch, limit=)`` from the candidates' nearest
crossings, node distances only) is the scan of the dense rows, the incidence gather and the
sort of the pairs, a few numpy passes; the ratio to that kernel is measured by
``scripts/bench_siting.py`` (``docs/performance.md``, "Coverage matrix"). A compiled bounded
search (numba, a C extension) would skip the dense rows but is a dependency the figures there
do not justify.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import cast

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from mobility.errors import FieldProblem, InvalidInputError
from mobility.network.csr import EdgeTable, FloatArray, IntArray, Weight
from mobility.network.engine import DistanceEngine
from mobility.network.engine_search import (
    Direction,
    Placement,
    check_points,
    check_query,
    place,
    search_limit,
)
from mobility.network.snapping import SnappedPoints
from mobility.siting.kernels import gather_rows

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
    sources, graph = _search_sources(edges, sites, keep, weight, direction)
    incidence = _incidence(placed, direction, n_nodes)
    chunk = max(1, CHUNK_CELLS // graph.shape[0])
    key_type = _key_type(shape)
    row_base = keep.astype(key_type) * key_type(shape[1])
    found: list[IntArray] = []
    for first in range(0, len(keep), chunk):
        batch = sources[first : first + chunk]
        full = dijkstra(graph, directed=True, indices=batch, limit=limit)
        # The virtual columns hold no demand: not scanned. Reached cells in row-major order,
        # their rows by binary search (2-D np.nonzero and integer division are slower), their
        # costs by one flat take from the contiguous result (not a 2-D fancy index).
        flat = np.flatnonzero(np.isfinite(full[:, :n_nodes]))
        ends = np.searchsorted(flat, np.arange(len(batch) + 1, dtype=np.int64) * n_nodes)
        row = np.repeat(np.arange(len(batch), dtype=np.int64), np.diff(ends))
        node = flat - row * n_nodes
        node_cost = full.ravel().take(flat + row * (full.shape[1] - n_nodes))
        counts = incidence.degree[node]
        points, along = gather_rows(incidence.rows, incidence.along, node)
        value = placed.leg[points] + (along + np.repeat(node_cost, counts))
        keys = np.repeat(row_base[first + row], counts)
        keys += points.astype(key_type, copy=False)
        found.append(keys[value <= cutoff])
    return np.concatenate(found)


def _search_sources(
    edges: EdgeTable, sites: Placement, keep: IntArray, weight: Weight, direction: Direction
) -> tuple[IntArray, sp.csr_matrix]:
    """Return each kept candidate's search source and the graph to search (CSR).

    A candidate standing exactly on a crossing (no off-street leg, at the very end of its edge)
    is searched from that crossing: its virtual node would link to it at cost ``0 + 0`` and to
    the edge's other end at the edge's own cost, which the crossing reaches along the edge
    anyway (or cheaper by a parallel edge), so every node distance is the same sum bit for bit.
    The others get a virtual source node each (appended rows), linked to both ends of their
    edge at the leg plus the along-edge cost. On Paris 10e 389 of the 634 candidates (the
    crossings themselves) need no virtual row.
    """
    n_nodes = edges.n_nodes
    if direction == "to_assets":
        base = edges.csr(weight, transpose=True)
        near_u, near_v = sites.u_to_point[keep], sites.v_to_point[keep]
    else:
        base = edges.csr(weight)
        near_u, near_v = sites.point_to_u[keep], sites.point_to_v[keep]
    leg = sites.leg[keep]
    fraction = sites.fraction[keep]
    at_u = (leg == 0.0) & (fraction == 0.0) & (near_u == 0.0)
    at_v = (leg == 0.0) & (fraction == 1.0) & (near_v == 0.0) & ~at_u
    virtual = ~(at_u | at_v)
    count = int(virtual.sum())
    sources = np.where(at_u, sites.u[keep], sites.v[keep]).astype(np.int64)
    sources[virtual] = n_nodes + np.arange(count, dtype=np.int64)
    link_u, link_v = near_u[virtual] + leg[virtual], near_v[virtual] + leg[virtual]
    graph = _with_sources(base, sites.u[keep][virtual], sites.v[keep][virtual], link_u, link_v)
    return sources, graph


def _with_sources(
    base: sp.csr_matrix, u: IntArray, v: IntArray, link_u: FloatArray, link_v: FloatArray
) -> sp.csr_matrix:
    """Return ``base`` grown by one source-only row per (u, v, link_u, link_v), in order.

    The same graph as :func:`~mobility.network.engine_search.append_source_rows` given the
    rows' two out-edges (infinite links dropped, a row's columns sorted, both ends on one
    crossing: the smaller link), built directly: each new row has at most two entries, so
    the general sort of that function is not needed.
    """
    flip = v < u
    low, high = np.where(flip, v, u), np.where(flip, u, v)
    low_link, high_link = np.where(flip, link_v, link_u), np.where(flip, link_u, link_v)
    loop = u == v
    low_link = np.where(loop, np.minimum(link_u, link_v), low_link)
    keep = np.column_stack([np.isfinite(low_link), np.isfinite(high_link) & ~loop])
    n_nodes, count = base.shape[0], len(u)
    index_type = base.indices.dtype
    indptr = np.empty(n_nodes + count + 1, dtype=index_type)
    indptr[: n_nodes + 1] = base.indptr
    np.cumsum(keep.sum(axis=1), out=indptr[n_nodes + 1 :])
    indptr[n_nodes + 1 :] += base.indptr[-1]
    flat = keep.ravel()
    indices = np.column_stack([low, high]).ravel()[flat].astype(index_type)
    data = np.column_stack([low_link, high_link]).ravel()[flat]
    size = n_nodes + count
    return sp.csr_matrix(
        (np.concatenate([base.data, data]), np.concatenate([base.indices, indices]), indptr),
        shape=(size, size),
    )


@dataclass(frozen=True, eq=False)
class _Incidence:
    """Demand points hanging from each crossing (CSR layout: ``start``, ``degree`` per node).

    Per entry: the demand point, its along-edge cost to (or from) the crossing and its leg.
    ``rows`` is the same layout as CSR ``(indptr, indices)`` of one index type, for
    :func:`~mobility.siting.kernels.gather_rows`.
    """

    start: IntArray
    degree: IntArray
    demand: IntArray
    along: FloatArray
    leg: FloatArray
    rows: tuple[IntArray, IntArray]


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
    index_type = (
        np.int32 if max(len(demand), len(placed.leg)) < np.iinfo(np.int32).max else np.int64
    )
    rows = (  # int32 when it fits (the gather reads a single index type)
        cast(IntArray, start.astype(index_type)),
        cast(IntArray, demand.astype(index_type)),
    )
    return _Incidence(start[:-1], degree, demand, cost[order], placed.leg[demand], rows)


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

    One sort of the keys (``np.unique`` hashes, several times slower here), row boundaries by
    binary search (no integer division).
    """
    width = max(shape[1], 1)
    key = np.sort(keys)
    if len(key) > 1:  # the first of each run of equal keys (no ``np.r_``: a copy and a parse)
        first = np.empty(len(key), dtype=bool)
        first[0] = True
        np.not_equal(key[1:], key[:-1], out=first[1:])
        key = key[first]
    bases = np.arange(shape[0] + 1, dtype=key.dtype) * key.dtype.type(width)
    indptr = np.searchsorted(key, bases, side="left")
    cols = key - np.repeat(bases[:-1], np.diff(indptr))
    index_type = np.int32 if max(len(key), shape[1]) < np.iinfo(np.int32).max else np.int64
    return sp.csr_matrix(
        (
            np.ones(len(key), dtype=np.uint8),
            cols.astype(index_type, copy=False),
            indptr.astype(index_type),
        ),
        shape=shape,
    )
