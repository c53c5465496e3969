# SPDX-License-Identifier: MIT
"""Pair each directed edge with its way back: the edge running v→u along the same line.

The two directions of one street share a geometry. Snapping must treat them as one target (a
house stands on the street, not on a direction of it), and routing then lets the point use either
direction. Pairing is done on arrays so that a million-node synthetic grid pairs in about a second;
only node pairs joined by several edges (or loops) fall back to a small Python loop.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

IntArray = npt.NDArray[np.int64]
GeometryArray = npt.NDArray[np.object_]

SAME_LINE_TOLERANCE_M = 1e-3
"""Largest vertex gap (Lambert-93 metres) for two lines to count as the same street line."""


def pair_reverses(u: IntArray, v: IntArray, geometry: GeometryArray | None) -> IntArray:
    """Return, for each directed edge, the index of its way back, or -1 when it has none.

    Parameters
    ----------
    u, v
        Tail and head node indexes of every edge.
    geometry
        Metric line of every edge, oriented u→v; ``None`` means straight lines between the nodes,
        so that any two opposite edges between the same nodes share their line.

    Returns
    -------
    numpy.ndarray
        ``reverse_of`` (int64): symmetric (``reverse_of[reverse_of[i]] == i``) wherever it is not
        -1. Edges v→u whose line is the reverse of the line of u→v are paired one to one; a
        second way back (a duplicate) stays unpaired and is a street of its own.
    """
    size = len(u)
    reverse_of = np.full(size, -1, dtype=np.int64)
    if size == 0:
        return reverse_of
    low = np.minimum(u, v)
    high = np.maximum(u, v)
    span = int(high.max()) + 1
    key = low * span + high
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    starts = np.flatnonzero(np.r_[True, sorted_key[1:] != sorted_key[:-1]])
    counts = np.diff(np.r_[starts, size])
    forward = u < v
    forward_count = np.add.reduceat(forward[order].astype(np.int64), starts)
    simple = (counts == 2) & (forward_count == 1)
    first = order[starts[simple]]
    second = order[starts[simple] + 1]
    tail = np.where(forward[first], first, second)
    head = np.where(forward[first], second, first)
    if geometry is not None and len(tail):
        same = shapely.equals_exact(
            geometry[tail], shapely.reverse(geometry[head]), tolerance=SAME_LINE_TOLERANCE_M
        )
        tail, head = tail[same], head[same]
    reverse_of[tail] = head
    reverse_of[head] = tail
    complex_groups = np.flatnonzero((counts > 2) | ((counts == 2) & ~simple))
    for group in complex_groups:
        members = order[starts[group] : starts[group] + counts[group]]
        _pair_group(members, u, v, geometry, reverse_of)
    return reverse_of


def _pair_group(
    members: IntArray,
    u: IntArray,
    v: IntArray,
    geometry: GeometryArray | None,
    reverse_of: IntArray,
) -> None:
    """Pair, first come first served, the edges joining one node pair (or the loops of a node)."""
    free = [int(index) for index in members]
    while free:
        index = free.pop(0)
        for other in free:
            if u[other] != v[index] or v[other] != u[index]:
                continue  # same direction: a parallel street, not a way back
            if _same_line(index, other, geometry, loop=bool(u[index] == v[index])):
                reverse_of[index] = other
                reverse_of[other] = index
                free.remove(other)
                break


def _same_line(first: int, second: int, geometry: GeometryArray | None, *, loop: bool) -> bool:
    if geometry is None:
        return not loop  # straight lines: opposite edges coincide, a straight loop is a point
    return bool(
        shapely.equals_exact(
            geometry[first], shapely.reverse(geometry[second]), tolerance=SAME_LINE_TOLERANCE_M
        )
    )
