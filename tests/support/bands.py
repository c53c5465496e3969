# SPDX-License-Identifier: MIT
"""Service-area bands drawn the slow, independent way: shapely substrings, buffers, one union."""

from __future__ import annotations

import math

import numpy as np
import shapely
from shapely.geometry import GeometryCollection
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach

SLAB_M = 10.0
"""The drawing's longest slab, restated here rather than imported: the test is the spec."""


def _standing(engine: DistanceEngine, edge: int) -> tuple[int, bool]:
    """The edge standing for the street (the lower of a two-way pair), and whether ``edge``
    runs against it."""
    back = int(engine.edges.reverse_of[edge])
    return (back, True) if 0 <= back < edge else (edge, False)


def pieces_band(engine: DistanceEngine, reach: Reach, band_m: float) -> BaseGeometry:
    """The band as specified, slab by slab: one GEOS union of every piece the reach draws.

    Each street is cut in slabs: its first and last ``band_m`` (half the street if shorter)
    one slab each, the rest in equal slabs of at most 10 m; a stretch draws the slabs it
    touches, buffered flat-ended, and an octagon round each street end it reaches.
    """
    edges = engine.edges
    lines, lengths = edges.geometry_metric, edges.length_m
    pieces: list[BaseGeometry] = []
    for edge, start, end in zip(
        reach.edge_index.tolist(), reach.start_m.tolist(), reach.end_m.tolist(), strict=True
    ):
        street, against = _standing(engine, edge)
        length = float(lengths[street])
        low, high = (length - end, length - start) if against else (start, end)
        edge_slab = min(band_m, length / 2)  # first and last slab: band_m from the end
        middle = math.ceil(max(length - 2 * edge_slab, 0.0) / SLAB_M - 1e-9)
        if length == 0:
            bounds = [0.0, 0.0]
        elif middle == 0:
            bounds = [0.0, edge_slab, length]
        else:
            step = (length - 2 * edge_slab) / middle
            inner = [edge_slab + k * step for k in range(1, middle)]
            bounds = [0.0, edge_slab, *inner, length - edge_slab, length]
        count = len(bounds) - 1
        chosen = [k for k in range(count) if bounds[k] < high and low < bounds[k + 1]]
        if not chosen:  # a stretch of no length: the slab it lies on
            chosen = [max(k for k in range(count) if bounds[k] <= low)]
        for k in chosen:
            share = (bounds[k] / length, bounds[k + 1] / length) if length else (0.0, 0.0)
            stretch = substring(lines[street], *share, normalized=True)
            pieces.append(shapely.buffer(stretch, band_m, quad_segs=2, cap_style="flat"))
        for node, reached in (
            (edges.u_index[street], low <= 0),
            (edges.v_index[street], high >= length),
        ):
            if reached:
                point = shapely.Point(edges.node_x_m[node], edges.node_y_m[node])
                pieces.append(shapely.buffer(point, band_m, quad_segs=2))
    if not pieces:
        return shapely.Polygon()
    return shapely.union_all(np.array(pieces, dtype=object))


def stretches_band(
    engine: DistanceEngine,
    reach: Reach,
    band_m: float,
    *,
    grow_m: float = 0.0,
    quad_segs: int = 8,
    cap_style: str = "round",
) -> BaseGeometry:
    """Buffer every reached stretch (lengthened by ``grow_m`` at both ends, or shortened when
    negative, within its street) in one GEOS call."""
    lines, lengths = engine.edges.geometry_metric, engine.edges.length_m
    cut = []
    for edge, start, end in zip(reach.edge_index, reach.start_m, reach.end_m, strict=True):
        length = float(lengths[edge])
        low, high = max(0.0, start - grow_m), min(length, end + grow_m)
        if high <= low:
            continue
        cut.append(substring(lines[edge], low / length, high / length, normalized=True))
    if not cut:
        return shapely.Polygon()
    return shapely.buffer(GeometryCollection(cut), band_m, quad_segs=quad_segs, cap_style=cap_style)
