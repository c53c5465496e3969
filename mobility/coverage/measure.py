# SPDX-License-Identifier: MIT
"""How far each inhabitant is from an asset, searched only as far as the question reaches.

A coverage question asks who lives within the threshold: the search never needs to go farther.
On a big city an unbounded multi-source Dijkstra visits every crossing for every question, when
the threshold's reach visits a small share of them. The engine stops its search at the cutoff
(less the shortest off-street leg of the demand, the legs being added after); what lies beyond
the reach is reported as not searched (``inf``), covered inhabitants get their exact distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mobility.coverage.threshold import Threshold
from mobility.network.csr import FloatArray
from mobility.network.engine import DistanceEngine
from mobility.network.engine_search import OFF_STREET_SPEED_MPS
from mobility.network.snapping import SnappedPoints

BOUND_SLACK = 1e-6
"""Relative slack on the length bound of a driving-time question, so rounding drops nobody."""


@dataclass(frozen=True)
class Measured:
    """Each demand point's distance (metres) and cost (the threshold's unit) to its asset."""

    distance_m: FloatArray
    cost: FloatArray


def fastest_mps(engine: DistanceEngine) -> float:
    """Return the fastest speed a path can go at: the quickest street, or the walked legs."""
    edges = engine.edges
    if edges.n_edges == 0:
        return OFF_STREET_SPEED_MPS
    street = float(np.max(edges.length_m / edges.travel_time_s))
    return max(street, OFF_STREET_SPEED_MPS)


def measure(
    engine: DistanceEngine,
    demand: SnappedPoints,
    assets: SnappedPoints,
    threshold: Threshold,
    *,
    bounded: bool = True,
) -> Measured:
    """Return distances and costs to the nearest asset, searched up to the threshold's reach.

    With ``bounded`` (the default), costs beyond the threshold are ``inf`` and so are the
    distances of the inhabitants not covered; the covered ones are exactly those and the same
    figures as with ``bounded=False``, which searches the whole network. A driving-time question
    bounds its length search by the farthest any path can go in the time (the fastest street's
    speed, or walking speed for the off-street legs, times the limit).
    """
    limit = threshold.cutoff if bounded else None
    if threshold.weight == "length":
        distance = engine.distances(demand, assets, cutoff_m=limit, weight="length")
        return Measured(distance_m=distance, cost=distance)
    cost = engine.distances(demand, assets, cutoff_m=limit, weight="time")
    reach_m = None if limit is None else limit * fastest_mps(engine) * (1.0 + BOUND_SLACK)
    distance = engine.distances(demand, assets, cutoff_m=reach_m, weight="length")
    if bounded:
        distance = np.where(np.isfinite(cost), distance, np.inf)
    return Measured(distance_m=distance, cost=cost)
