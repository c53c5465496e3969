# SPDX-License-Identifier: MIT
"""Stretches of street cut out of their edges' lines, many at once."""

from __future__ import annotations

import numpy as np
import shapely

from mobility.network.edge_table import EdgeTable, FloatArray, IntArray, ObjectArray


def cut_lines(
    edges: EdgeTable, edge: IntArray, start_m: FloatArray, end_m: FloatArray
) -> ObjectArray:
    """Cut stretches (edge, start and end offsets) out of their edges' lines, all at once.

    The same cut as ``shapely.ops.substring(line, start / length, end / length,
    normalized=True)`` (offsets are in the edge's ``length``, positions on the drawn line are
    in proportion): the interpolated start and end points and the line's vertices strictly
    between. A stretch of no length is a line of two equal points (buffered as a point).
    """
    if len(edge) == 0:
        return np.zeros(0, dtype=object)
    lines = edges.geometry_metric[edge]
    length = edges.length_m[edge]
    coords, owner = shapely.get_coordinates(lines, return_index=True)
    count = np.bincount(owner, minlength=len(edge))
    first = np.cumsum(count) - count
    step = np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1]))
    step[owner[1:] != owner[:-1]] = 0.0
    along = np.r_[0.0, np.cumsum(step)]  # running over every line, monotone
    base = along[first]
    drawn = along[first + count - 1] - base
    low = base + np.clip(start_m / length, 0.0, 1.0) * drawn
    high = base + np.clip(end_m / length, 0.0, 1.0) * drawn
    last = first + count - 1
    after_low = np.clip(np.searchsorted(along, low, side="right") - 1, first, last - 1)
    before_high = np.clip(np.searchsorted(along, high, side="left"), first + 1, last)
    inner = np.maximum(before_high - after_low - 1, 0)

    def point(position: FloatArray, segment: IntArray) -> FloatArray:
        span = along[segment + 1] - along[segment]
        share = np.divide(
            position - along[segment], span, out=np.zeros_like(position), where=span > 0
        )
        share = np.clip(share, 0.0, 1.0)[:, None]
        result: FloatArray = coords[segment] + share * (coords[segment + 1] - coords[segment])
        return result

    size = inner + 2
    start_slot = np.cumsum(size) - size
    out = np.empty((int(size.sum()), 2), dtype=np.float64)
    out[start_slot] = point(low, after_low)
    out[start_slot + size - 1] = point(high, before_high - 1)
    stretch = np.repeat(np.arange(len(edge)), inner)
    rank = np.arange(len(stretch)) - np.repeat(np.cumsum(inner) - inner, inner)
    out[start_slot[stretch] + 1 + rank] = coords[after_low[stretch] + 1 + rank]
    return np.asarray(
        shapely.linestrings(out, indices=np.repeat(np.arange(len(edge)), size)), dtype=object
    )
