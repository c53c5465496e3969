# SPDX-License-Identifier: MIT
"""The arithmetic of the distance engine: virtual asset nodes, one Dijkstra, vectorised legs.

Each asset becomes a virtual node joined to both ends of its street segment with the exact
along-street cost (and its off-street leg), in the directions travel allows. One multi-source
Dijkstra from the virtual nodes gives every crossing its cost to (or from) the nearest asset; a
demand point then adds its own along-street part towards either end, and its off-street leg.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from mobility.errors import InvalidInputError
from mobility.network.csr import BoolArray, EdgeTable, FloatArray, IntArray, Weight, csr_nbytes
from mobility.network.snapping import SnappedPoints
from mobility.network.speeds import WALK_SPEED_KMH

Direction = Literal["to_assets", "from_assets"]
DIRECTIONS: tuple[Direction, ...] = ("to_assets", "from_assets")

OFF_STREET_SPEED_MPS = WALK_SPEED_KMH / 3.6
"""Off-street legs are walked, whatever the mode: with ``weight="time"`` they cost metres / this."""

LIMIT_SLACK = 1e-9
"""Relative slack on Dijkstra's limit so rounding never drops a node whose path is in the cutoff."""


@dataclass(frozen=True, eq=False)
class Placement:
    """Points on their street segment, in the arithmetic's terms (one entry per point).

    ``edge`` is the segment's standing edge (the lower index of a pair of directions), ``fraction``
    the position along it from its u end, ``leg`` the off-street leg in the weight's unit, and
    the costs along the segment from the point to each end and back, ``inf`` where the segment
    cannot be travelled that way (a one-way street). A point exactly at an end of a one-way
    segment *is* at that crossing: it reaches it, and is reached from it, at no cost.
    ``usable_leg`` is ``leg`` for usable points and ``inf`` for the others (one addition then
    both adds the leg and drops the points too far from the streets).

    ``edge_order`` sorts the points by standing edge (stable) and ``sorted_edge`` is ``edge`` in
    that order, for same-segment lookups; ``shortest_leg`` is the smallest usable leg (``inf``
    when no point is usable).
    """

    edge: IntArray
    fraction: FloatArray
    leg: FloatArray
    usable: BoolArray
    u: IntArray
    v: IntArray
    point_to_v: FloatArray
    point_to_u: FloatArray
    u_to_point: FloatArray
    v_to_point: FloatArray
    forward_cost: FloatArray
    backward_cost: FloatArray
    usable_leg: FloatArray
    edge_order: IntArray
    sorted_edge: IntArray
    shortest_leg: float


def place(points: SnappedPoints, edges: EdgeTable, weight: Weight) -> Placement:
    """Express snapped points on standing edges, with their along-street costs to both ends."""
    edge = points.edge_index.astype(np.int64, copy=False)
    fraction = points.fraction
    back = edges.reverse_of[edge]
    flip = (back >= 0) & (back < edge)
    edge = np.where(flip, back, edge)
    fraction = np.where(flip, 1.0 - fraction, fraction)
    back = edges.reverse_of[edge]
    has_back = back >= 0
    cost = edges.cost(weight)
    forward_cost = cost[edge]
    backward_cost = np.where(has_back, cost[np.maximum(back, 0)], np.inf)
    finite_back = np.where(has_back, backward_cost, 0.0)
    leg = np.asarray(
        points.off_street_m if weight == "length" else points.off_street_m / OFF_STREET_SPEED_MPS,
        dtype=np.float64,
    )
    usable = ~points.too_far
    usable_legs = leg[usable]
    edge_order = np.argsort(edge, kind="stable")
    return Placement(
        edge=edge,
        fraction=fraction,
        leg=leg,
        usable=usable,
        u=edges.u_index[edge],
        v=edges.v_index[edge],
        point_to_v=forward_cost * (1.0 - fraction),
        point_to_u=np.where(
            has_back, finite_back * fraction, np.where(fraction == 0.0, 0.0, np.inf)
        ),
        u_to_point=forward_cost * fraction,
        v_to_point=np.where(
            has_back, finite_back * (1.0 - fraction), np.where(fraction == 1.0, 0.0, np.inf)
        ),
        forward_cost=forward_cost,
        backward_cost=backward_cost,
        usable_leg=np.where(usable, leg, np.inf),
        edge_order=edge_order,
        sorted_edge=edge[edge_order],
        shortest_leg=float(usable_legs.min()) if len(usable_legs) else float(np.inf),
    )


def check_points(points: SnappedPoints, edges: EdgeTable, role: str) -> None:
    """Refuse points snapped on another network (an edge row out of range or of another length).

    Raises
    ------
    InvalidInputError
        Naming ``role`` (``"demand"`` or ``"assets"``).
    """
    index = points.edge_index
    if points.count == 0:
        return
    if index.min() < 0 or index.max() >= edges.n_edges:
        raise InvalidInputError(f"The {role} points were snapped on another street network.")
    if not np.allclose(edges.length_m[index], points.edge_length_m, rtol=1e-9, atol=1e-9):
        raise InvalidInputError(f"The {role} points were snapped on another street network.")


@dataclass(frozen=True, eq=False)
class AssetSearch:
    """A search graph for one asset set: the base CSR plus one virtual source node per asset.

    The asset arrays (standing edge, fraction, leg) are sorted by edge, for same-segment lookups;
    ``point`` is the row of each virtual source's asset in the snapped set it was built from.
    """

    matrix: sp.csr_matrix
    sources: IntArray
    n_nodes: int
    edge: IntArray
    fraction: FloatArray
    leg: FloatArray
    point: IntArray

    def nbytes(self) -> int:
        """Bytes held by the search graph and the asset arrays."""
        arrays = (self.sources, self.edge, self.fraction, self.leg, self.point)
        return csr_nbytes(self.matrix) + sum(array.nbytes for array in arrays)

    def node_costs(self, limit: float) -> FloatArray:
        """Run the one Dijkstra: cost from every node to (or from) its nearest asset, or inf."""
        costs = dijkstra(
            self.matrix, directed=True, indices=self.sources, min_only=True, limit=limit
        )
        return np.asarray(costs[: self.n_nodes], dtype=np.float64)

    def node_costs_each(self, rows: IntArray, limit: float) -> FloatArray:
        """One Dijkstra per virtual source in ``rows``: a (sources, nodes) matrix of costs.

        Virtual sources have no way in, so no search passes through another asset.
        """
        costs = dijkstra(
            self.matrix, directed=True, indices=self.sources[rows], min_only=False, limit=limit
        )
        return np.asarray(costs[:, : self.n_nodes], dtype=np.float64)


def build_asset_search(
    edges: EdgeTable, assets: Placement, weight: Weight, direction: Direction
) -> AssetSearch | None:
    """Augment the base graph with the assets' virtual nodes; ``None`` when no asset is usable.

    ``to_assets`` searches the transposed graph (from the assets backwards, which gives the cost
    *to* the nearest asset); a virtual node then links to the ends the asset can be reached from.
    """
    keep = np.flatnonzero(assets.usable)
    if len(keep) == 0:
        return None
    order = keep[np.argsort(assets.edge[keep], kind="stable")]
    n_nodes = edges.n_nodes
    virtual = n_nodes + np.arange(len(order), dtype=np.int64)
    leg = assets.leg[order]
    if direction == "to_assets":
        base = edges.csr(weight, transpose=True)
        near_u, near_v = assets.u_to_point[order], assets.v_to_point[order]
    else:
        base = edges.csr(weight)
        near_u, near_v = assets.point_to_u[order], assets.point_to_v[order]
    rows = np.concatenate([virtual, virtual])
    cols = np.concatenate([assets.u[order], assets.v[order]])
    weights = np.concatenate([near_u + leg, near_v + leg])
    finite = np.isfinite(weights)
    matrix = append_source_rows(base, rows[finite], cols[finite], weights[finite], len(order))
    return AssetSearch(
        matrix=matrix,
        sources=virtual,
        n_nodes=n_nodes,
        edge=assets.edge[order],
        fraction=assets.fraction[order],
        leg=leg,
        point=order.astype(np.int64),
    )


def append_source_rows(
    base: sp.csr_matrix, rows: IntArray, cols: IntArray, weights: FloatArray, extra: int
) -> sp.csr_matrix:
    """Return ``base`` grown by ``extra`` source-only nodes whose out-edges are given.

    Duplicate (row, column) entries keep their smallest weight.
    """
    size = base.shape[0] + extra
    order = np.lexsort((weights, cols, rows))
    rows, cols, weights = rows[order], cols[order], weights[order]
    first = np.r_[True, (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])] if len(rows) else order
    rows, cols, weights = rows[first], cols[first], weights[first]
    counts = np.bincount(rows - base.shape[0], minlength=extra)
    indptr = np.concatenate([base.indptr, base.indptr[-1] + np.cumsum(counts)])
    index_type = base.indices.dtype
    return sp.csr_matrix(
        (
            np.concatenate([base.data, weights]),
            np.concatenate([base.indices, cols.astype(index_type)]),
            indptr.astype(index_type),
        ),
        shape=(size, size),
    )


def search_limit(cutoff: float | None, shortest_leg: float) -> float:
    """Return Dijkstra's limit: the cutoff less the shortest demand leg, with a rounding slack."""
    if cutoff is None:
        return float(np.inf)
    return max(cutoff - shortest_leg, 0.0) * (1.0 + LIMIT_SLACK) + LIMIT_SLACK


def demand_costs(
    search: AssetSearch,
    demand: Placement,
    node_cost: FloatArray,
    direction: Direction,
    pairs: tuple[IntArray, FloatArray] | None = None,
) -> FloatArray:
    """Return each demand point's cost to (or from) the nearest asset, legs included.

    Combines the node costs at both ends of the point's segment with its along-street parts, then
    the direct path along the segment to an asset on the same segment (``pairs``, from
    :func:`same_segment_pairs`, computed here when not given), then its own leg. Works in place
    on two gathered arrays: a handful of passes over the demand points, none over the nodes.
    """
    at_u = node_cost[demand.u]
    at_v = node_cost[demand.v]
    if direction == "to_assets":
        at_u += demand.point_to_u
        at_v += demand.point_to_v
    else:
        at_u += demand.u_to_point
        at_v += demand.v_to_point
    best = np.minimum(at_u, at_v, out=at_u)
    point, cost = same_segment_pairs(search, demand, direction) if pairs is None else pairs
    if len(point):
        np.minimum.at(best, point, cost)
    best += demand.usable_leg
    return best


def same_segment_costs(search: AssetSearch, demand: Placement, direction: Direction) -> FloatArray:
    """Cost of the direct along-segment path to the nearest asset on the same segment, or inf.

    Looks each asset's edge up in the demand points' sorted edges (few assets, many points), so
    the cost per query is in the number of (point, asset) pairs sharing a segment.
    """
    result = np.full(len(demand.edge), np.inf)
    point, cost = same_segment_pairs(search, demand, direction)
    if len(point):
        np.minimum.at(result, point, cost)
    return result


def same_segment_pairs(
    search: AssetSearch, demand: Placement, direction: Direction
) -> tuple[IntArray, FloatArray]:
    """Every (demand point, cost to or from an asset on its segment, asset leg included) pair."""
    low = np.searchsorted(demand.sorted_edge, search.edge, side="left")
    high = np.searchsorted(demand.sorted_edge, search.edge, side="right")
    count = high - low
    total = int(count.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float64)
    asset = np.repeat(np.arange(len(search.edge)), count)
    first = np.cumsum(count) - count
    point = demand.edge_order[low[asset] + np.arange(total) - first[asset]]
    delta = search.fraction[asset] - demand.fraction[point]
    if direction == "from_assets":
        delta = -delta  # travel runs from the asset to the point
    forward = np.where(delta >= 0, demand.forward_cost[point] * np.maximum(delta, 0.0), np.inf)
    has_back = np.isfinite(demand.backward_cost[point])
    back_cost = np.where(has_back, demand.backward_cost[point], 0.0)
    backward = np.where(has_back & (delta <= 0), back_cost * np.maximum(-delta, 0.0), np.inf)
    return point, np.minimum(forward, backward) + search.leg[asset]


def check_query(weight: Weight, direction: Direction, cutoff: float | None) -> float | None:
    """Validate query options; return the cutoff as a float, or ``None`` for no limit.

    Raises
    ------
    InvalidInputError
        On an unknown weight or direction, or a negative or NaN cutoff.
    """
    if weight not in ("length", "time"):
        raise InvalidInputError(f"Unknown weight {weight!r}; use 'length' or 'time'.")
    if direction not in DIRECTIONS:
        raise InvalidInputError(
            f"Unknown direction {direction!r}; use 'to_assets' or 'from_assets'."
        )
    if cutoff is None:
        return None
    value = float(cutoff)
    if np.isnan(value) or value < 0:
        raise InvalidInputError("cutoff_m must be a number >= 0.")
    return None if np.isinf(value) else value
