# SPDX-License-Identifier: MIT
"""Which stretches of street lie within a cutoff of the nearest asset: service areas on streets.

A street is rarely all in or all out of a 500 m catchment: the reach is an interval (or a few)
along each edge. Every interval comes from one place the cost grows from at a steady rate along
the edge: an end of the edge (through the network) or an asset standing on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mobility.network.csr import BoolArray, EdgeTable, FloatArray, IntArray, Weight
from mobility.network.engine_search import AssetSearch, Direction


@dataclass(frozen=True, eq=False)
class Reach:
    """The reached stretches of street, as parallel arrays sorted by edge then start.

    Attributes
    ----------
    edge_index
        Edge row of each stretch; with ``per_segment`` the standing edge of the street segment
        (the one points snap to), else any directed edge.
    start_m, end_m
        Offsets along that edge from its u end, ``0 <= start_m <= end_m <= length``; the
        stretches of one edge neither overlap nor touch.
    per_segment
        Whether both directions of a street were merged onto its standing edge.
    """

    edge_index: IntArray
    start_m: FloatArray
    end_m: FloatArray
    per_segment: bool

    @property
    def count(self) -> int:
        """Number of stretches."""
        return len(self.edge_index)

    @property
    def total_m(self) -> float:
        """Reached street length, metres."""
        return float(np.sum(self.end_m - self.start_m))

    def contains(self, edge_index: IntArray, offset_m: FloatArray) -> BoolArray:
        """Tell, for positions given as (edge row, offset from its u end), whether one is reached.

        Positions must be expressed on the edges the stretches use (standing edges when
        ``per_segment``).
        """
        edge = np.asarray(edge_index, dtype=np.int64)
        offset = np.asarray(offset_m, dtype=np.float64)
        low = np.searchsorted(self.edge_index, edge, side="left")
        high = np.searchsorted(self.edge_index, edge, side="right")
        inside = np.zeros(len(edge), dtype=bool)
        for step in range(int((high - low).max(initial=0))):
            slot = low + step
            valid = slot < high
            slot = np.where(valid, slot, 0)
            inside |= valid & (self.start_m[slot] <= offset) & (offset <= self.end_m[slot])
        return inside


def reach_intervals(
    edges: EdgeTable,
    search: AssetSearch | None,
    node_cost: FloatArray,
    cutoff: float,
    weight: Weight,
    direction: Direction,
    *,
    per_segment: bool,
) -> Reach:
    """Compute the reached stretches of every edge from node costs and the assets on edges."""
    cost = edges.cost(weight)
    every = np.arange(edges.n_edges)
    if direction == "to_assets":
        # A traveller on the edge heading to its v end: reached where (1 - t) c + cost(v) <= cutoff.
        slack = cutoff - node_cost[edges.v_index]
        hit = slack >= 0
        parts = [(every[hit], np.maximum(0.0, 1.0 - slack[hit] / cost[hit]), np.ones(hit.sum()))]
    else:
        slack = cutoff - node_cost[edges.u_index]
        hit = slack >= 0
        parts = [(every[hit], np.zeros(hit.sum()), np.minimum(1.0, slack[hit] / cost[hit]))]
    if search is not None:
        parts.extend(part[1:] for part in _asset_parts(edges, search, cost, cutoff, direction))
    edge = np.concatenate([part[0] for part in parts])
    start = np.concatenate([part[1] for part in parts])
    end = np.concatenate([part[2] for part in parts])
    if per_segment:
        edge, start, end = _to_standing(edges, edge, start, end)
    return _merge(edge, start, end, edges.length_m, per_segment=per_segment).reach


def _asset_parts(
    edges: EdgeTable,
    search: AssetSearch | _Assets,
    cost: FloatArray,
    cutoff: float,
    direction: Direction,
) -> list[tuple[IntArray, IntArray, FloatArray, FloatArray]]:
    """Stretches grown from the assets themselves, on each direction of their segment.

    Each part is (asset row, edge, start, end), fractions of the edge.
    """
    back = edges.reverse_of[search.edge]
    two_way = back >= 0
    every = np.arange(len(search.edge), dtype=np.int64)
    placements = (
        (every, search.edge, search.fraction, search.leg),
        (every[two_way], back[two_way], 1.0 - search.fraction[two_way], search.leg[two_way]),
    )
    parts = []
    for row, on_edge, at, leg in placements:
        hit = leg <= cutoff
        room = (cutoff - leg[hit]) / cost[on_edge[hit]]
        if direction == "to_assets":
            start, end = np.maximum(0.0, at[hit] - room), at[hit]
        else:
            start, end = at[hit], np.minimum(1.0, at[hit] + room)
        parts.append((row[hit], on_edge[hit], start, end))
    return parts


def reach_each_intervals(
    edges: EdgeTable,
    search: AssetSearch,
    rows: IntArray,
    node_cost: FloatArray,
    cutoff: float,
    weight: Weight,
    direction: Direction,
    *,
    per_segment: bool,
) -> list[Reach]:
    """Compute the reach of each asset on its own: one :class:`Reach` per row of ``node_cost``.

    ``rows`` are the assets' rows in ``search`` and ``node_cost`` their own costs (one Dijkstra
    per asset, see :meth:`AssetSearch.node_costs_each`). The arithmetic is
    :func:`reach_intervals`', applied only to the edges whose approach end is within the cutoff
    (found through an index of edges by end node), for every asset at once.
    """
    cost = edges.cost(weight)
    to_assets = direction == "to_assets"
    by_end, first_at = edges_by_node(edges, "v" if to_assets else "u")
    owner, node = np.nonzero(node_cost <= cutoff)
    slack_at = cutoff - node_cost[owner, node]
    count = first_at[node + 1] - first_at[node]
    total = int(count.sum())
    shift = np.repeat(first_at[node] - (np.cumsum(count) - count), count)
    edge = by_end[shift + np.arange(total)]
    owner = np.repeat(owner, count)
    slack = np.repeat(slack_at, count)
    if to_assets:
        start, end = np.maximum(0.0, 1.0 - slack / cost[edge]), np.ones(total)
    else:
        start, end = np.zeros(total), np.minimum(1.0, slack / cost[edge])
    parts = [(owner, edge, start, end)]
    mine = np.arange(len(rows), dtype=np.int64)
    own_search = _Assets(search.edge[rows], search.fraction[rows], search.leg[rows])
    for asset_row, on_edge, at, end_at in _asset_parts(edges, own_search, cost, cutoff, direction):
        parts.append((mine[asset_row], on_edge, at, end_at))
    owner = np.concatenate([part[0] for part in parts])
    edge = np.concatenate([part[1] for part in parts])
    start = np.concatenate([part[2] for part in parts])
    end = np.concatenate([part[3] for part in parts])
    if per_segment:
        edge, start, end = _to_standing(edges, edge, start, end)
    merged = _merge(edge, start, end, edges.length_m, per_segment=per_segment, owner=owner)
    return merged.split(len(rows))


def edges_by_node(edges: EdgeTable, end: str) -> tuple[IntArray, IntArray]:
    """Edge rows grouped by their ``end`` (``"u"`` or ``"v"``) node, and each node's first slot.

    Built once per table and kept (two int64 arrays, one per edge and one per node).
    """

    def build() -> tuple[IntArray, IntArray]:
        ends = edges.u_index if end == "u" else edges.v_index
        order = np.argsort(ends, kind="stable").astype(np.int64)
        first = np.zeros(edges.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(ends, minlength=edges.n_nodes), out=first[1:])
        return order, first

    return edges.cached(f"edges_by_{end}", build)


@dataclass(frozen=True)
class _Assets:
    """The asset arrays :func:`_asset_parts` reads (standing edge, fraction, leg)."""

    edge: IntArray
    fraction: FloatArray
    leg: FloatArray


def _to_standing(
    edges: EdgeTable, edge: IntArray, start: FloatArray, end: FloatArray
) -> tuple[IntArray, FloatArray, FloatArray]:
    """Express intervals on the standing edge of their street segment."""
    back = edges.reverse_of[edge]
    flip = (back >= 0) & (back < edge)
    return (
        np.where(flip, back, edge),
        np.where(flip, 1.0 - end, start),
        np.where(flip, 1.0 - start, end),
    )


@dataclass(frozen=True, eq=False)
class _Merged:
    """Merged stretches of several assets at once, sorted by owner, edge and start."""

    owner: IntArray
    reach: Reach

    def split(self, count: int) -> list[Reach]:
        """One :class:`Reach` per owner ``0 .. count - 1``."""
        bounds = np.searchsorted(self.owner, np.arange(count + 1))
        reach = self.reach
        return [
            Reach(
                reach.edge_index[low:high],
                reach.start_m[low:high],
                reach.end_m[low:high],
                reach.per_segment,
            )
            for low, high in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True)
        ]


def _merge(
    edge: IntArray,
    start: FloatArray,
    end: FloatArray,
    length: FloatArray,
    *,
    per_segment: bool,
    owner: IntArray | None = None,
) -> _Merged:
    """Sort fraction intervals, merge those that overlap or touch, and turn them into metres.

    With ``owner``, intervals of different owners are never merged (one reach per owner).
    """
    if owner is None:
        owner = np.zeros(len(edge), dtype=np.int64)
    if len(edge) == 0:
        empty = np.zeros(0, dtype=np.float64)
        reach = Reach(np.zeros(0, dtype=np.int64), empty, empty.copy(), per_segment)
        return _Merged(np.zeros(0, dtype=np.int64), reach)
    order = np.lexsort((start, edge, owner))
    owner, edge, start, end = owner[order], edge[order], start[order], end[order]
    new_edge = np.r_[True, (edge[1:] != edge[:-1]) | (owner[1:] != owner[:-1])]
    rank = np.cumsum(new_edge) * 4.0  # fractions are in [0, 1]: ranks keep edges apart
    reach_so_far = np.maximum.accumulate(end + rank)
    opens = new_edge | np.r_[True, start[1:] + rank[1:] > reach_so_far[:-1]]
    first = np.flatnonzero(opens)
    merged_edge = edge[first]
    merged_start = start[first]
    merged_end = np.maximum.reduceat(end, first)
    scale = length[merged_edge]
    reach = Reach(
        edge_index=merged_edge.astype(np.int64),
        start_m=np.clip(merged_start, 0.0, 1.0) * scale,
        end_m=np.clip(merged_end, 0.0, 1.0) * scale,
        per_segment=per_segment,
    )
    return _Merged(owner[first], reach)
