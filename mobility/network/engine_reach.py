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
        parts.extend(_asset_parts(edges, search, cost, cutoff, direction))
    edge = np.concatenate([part[0] for part in parts])
    start = np.concatenate([part[1] for part in parts])
    end = np.concatenate([part[2] for part in parts])
    if per_segment:
        back = edges.reverse_of[edge]
        flip = (back >= 0) & (back < edge)
        edge = np.where(flip, back, edge)
        start, end = np.where(flip, 1.0 - end, start), np.where(flip, 1.0 - start, end)
    return _merge(edge, start, end, edges.length_m, per_segment=per_segment)


def _asset_parts(
    edges: EdgeTable, search: AssetSearch, cost: FloatArray, cutoff: float, direction: Direction
) -> list[tuple[IntArray, FloatArray, FloatArray]]:
    """Stretches grown from the assets themselves, on each direction of their segment."""
    back = edges.reverse_of[search.edge]
    two_way = back >= 0
    placements = (
        (search.edge, search.fraction, search.leg),
        (back[two_way], 1.0 - search.fraction[two_way], search.leg[two_way]),
    )
    parts = []
    for on_edge, at, leg in placements:
        hit = leg <= cutoff
        room = (cutoff - leg[hit]) / cost[on_edge[hit]]
        if direction == "to_assets":
            start, end = np.maximum(0.0, at[hit] - room), at[hit]
        else:
            start, end = at[hit], np.minimum(1.0, at[hit] + room)
        parts.append((on_edge[hit], start, end))
    return parts


def _merge(
    edge: IntArray, start: FloatArray, end: FloatArray, length: FloatArray, *, per_segment: bool
) -> Reach:
    """Sort fraction intervals, merge those that overlap or touch, and turn them into metres."""
    if len(edge) == 0:
        empty = np.zeros(0, dtype=np.float64)
        return Reach(np.zeros(0, dtype=np.int64), empty, empty.copy(), per_segment)
    order = np.lexsort((start, edge))
    edge, start, end = edge[order], start[order], end[order]
    new_edge = np.r_[True, edge[1:] != edge[:-1]]
    rank = np.cumsum(new_edge) * 4.0  # fractions are in [0, 1]: ranks keep edges apart
    reach_so_far = np.maximum.accumulate(end + rank)
    opens = new_edge | np.r_[True, start[1:] + rank[1:] > reach_so_far[:-1]]
    first = np.flatnonzero(opens)
    merged_edge = edge[first]
    merged_start = start[first]
    merged_end = np.maximum.reduceat(end, first)
    scale = length[merged_edge]
    return Reach(
        edge_index=merged_edge.astype(np.int64),
        start_m=np.clip(merged_start, 0.0, 1.0) * scale,
        end_m=np.clip(merged_end, 0.0, 1.0) * scale,
        per_segment=per_segment,
    )
