# SPDX-License-Identifier: MIT
"""Walking round the faces of a planar graph of straight sides, for many rings at once.

Both the arrangement of the band pieces and the outline of a union of its faces are sets of
directed sides (half-edges) that close into rings, the region of interest on their left. At
every vertex a ring leaves along the side met first turning clockwise from the way it came
in: that keeps the region on the left and parts two rings that only touch at a point. The
rings are then found and put in order with pointer doubling, in a few numpy passes whatever
their number.
"""

from __future__ import annotations

import numpy as np

from mobility.arrays import ranges
from mobility.network.edge_table import FloatArray, IntArray


def next_clockwise(
    group: IntArray, half_from: IntArray, half_to: IntArray, vertex_xy: FloatArray
) -> IntArray:
    """Return, for every half-edge, the one a ring follows it with.

    ``group`` keeps unrelated sets of half-edges apart (one outline per service area): a
    half-edge only follows one of its own group. Every half-edge must have a successor (at
    its end vertex, some half-edge of its group leaves). Most vertices have one way out; the
    angles are only worked out where there are several.
    """
    start = _pack(group, half_from)
    end = _pack(group, half_to)
    order = np.argsort(start, kind="stable")
    by_start = start[order]
    last = len(order) - 1
    slot = np.minimum(np.searchsorted(by_start, end), last)
    result: IntArray = order[slot]
    crowded = np.flatnonzero(by_start[np.minimum(slot + 1, last)] == end)
    crowded = crowded[slot[crowded] < last]
    if len(crowded) == 0:
        return result
    # the half-edges leaving crowded vertices, by vertex then angle
    run_start = slot[crowded]
    run_end = np.searchsorted(by_start, end[crowded], side="right")
    runs, first = np.unique(run_start, return_index=True)
    length = run_end[first] - runs
    leaving_at = order[ranges(runs, length)]
    run = np.repeat(np.arange(len(runs)), length)
    angle = _angle(vertex_xy[half_to[leaving_at]] - vertex_xy[half_from[leaving_at]])
    by_angle = np.lexsort((angle, run))
    key = run[by_angle] * 8.0 + angle[by_angle]
    # an incoming half-edge turns to the first way out clockwise from the way back
    query_run = np.searchsorted(runs, run_start)
    back = _angle(vertex_xy[half_from[crowded]] - vertex_xy[half_to[crowded]])
    pick = np.searchsorted(key, query_run * 8.0 + back, side="left") - 1
    run_last = np.cumsum(length) - 1
    wrap = (pick < 0) | (run[by_angle][np.maximum(pick, 0)] != query_run)
    pick = np.where(wrap, run_last[query_run], pick)
    result[crowded] = leaving_at[by_angle[pick]]
    return result


def _angle(step: FloatArray) -> FloatArray:
    """Direction of each step, in (0, 2 pi]."""
    angle: FloatArray = np.arctan2(step[:, 1], step[:, 0]) + np.pi
    return angle


def _pack(group: IntArray, vertex: IntArray) -> IntArray:
    """One sortable number per (group, vertex) pair (vertices below 2**32)."""
    packed: IntArray = (group.astype(np.int64) << 32) | vertex.astype(np.int64)
    return packed


def ring_order(successor: IntArray) -> tuple[IntArray, IntArray]:
    """Split a permutation into its cycles: return each element's ring and the walking order.

    The ring of an element is numbered by its smallest member; ``order`` lists the elements
    ring by ring (rings by number), each ring from its smallest member along ``successor``.
    """
    count = len(successor)
    if count == 0:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    label = np.arange(count)
    jump = successor.copy()
    while True:  # after k passes, label = smallest of the next 2**k members
        merged = np.minimum(label, label[jump])
        if np.array_equal(merged, label):
            break
        label = merged
        jump = jump[jump]
    # cut every ring before its smallest member and count the steps to the cut
    ends = label[successor] == successor
    pointer = np.where(ends, np.arange(count), successor)
    to_end = (~ends).astype(np.int64)
    while True:
        further = pointer[pointer]
        if np.array_equal(further, pointer):
            break
        to_end = to_end + to_end[pointer]
        pointer = further
    order = np.lexsort((-to_end, label))
    return label, order


def ring_areas(ring: IntArray, start_xy: FloatArray, end_xy: FloatArray) -> FloatArray:
    """Signed area of every ring (indexed by ring number), anticlockwise positive.

    The shoelace sum loses precision with coordinates far from zero: pass them relative to a
    nearby origin.
    """
    cross = start_xy[:, 0] * end_xy[:, 1] - end_xy[:, 0] * start_xy[:, 1]
    size = int(ring.max(initial=-1)) + 1
    areas: FloatArray = np.bincount(ring, weights=cross, minlength=size).astype(np.float64)
    return areas / 2
