# SPDX-License-Identifier: MIT
"""Network distances from many points to the nearest asset, built once per commune and mode.

The engine keeps the mode view as flat arrays (:class:`~mobility.network.csr.EdgeTable`): a query
snaps points onto street edges, adds each asset as a virtual node, runs one multi-source Dijkstra
(scipy) and finishes with numpy. No networkx object is kept or walked after :meth:`build`.

A reported distance is the demand point's off-street leg (straight line to its snapped position)
plus the distance along the streets plus the asset's off-street leg. With ``weight="time"`` the
street part uses each edge's travel time and the off-street legs are walked at
:data:`~mobility.network.engine_search.OFF_STREET_SPEED_MPS`.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
from shapely.geometry import LineString

from mobility.errors import InvalidInputError
from mobility.network.csr import (
    EdgeTable,
    FloatArray,
    IntArray,
    Weight,
    edge_table_from_arrays,
    edge_table_from_view,
)
from mobility.network.engine_reach import Reach, reach_intervals
from mobility.network.engine_search import (
    AssetSearch,
    Direction,
    Placement,
    build_asset_search,
    check_points,
    check_query,
    demand_costs,
    place,
    search_limit,
)
from mobility.network.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints, snap_points
from mobility.network.views import MODES, Mode

CACHED_ASSET_SETS = 8
"""Search graphs kept per engine (least recently used dropped first)."""

CACHED_DEMAND_SETS = 4
"""Demand placements kept per engine (least recently used dropped first)."""


@dataclass(frozen=True)
class EngineStats:
    """Size and cost of an engine, for logs and capacity planning.

    ``memory_bytes`` counts the numeric arrays (edge table, CSR matrices, cached search graphs),
    not the street lines kept for snapping.
    """

    mode: Mode
    nodes: int
    edges: int
    segments: int
    build_s: float
    memory_bytes: int
    cached_asset_sets: int

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as a plain mapping for JSON bodies."""
        return asdict(self)


class DistanceEngine:
    """Distances over one mode's streets; build once with :meth:`build`, query many times.

    The engine is safe to share between threads: queries only read the arrays, and the search
    graph cache is guarded by a lock.
    """

    def __init__(
        self, edges: EdgeTable, *, mode: Mode, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> None:
        if mode not in MODES:
            raise InvalidInputError(f"Unknown travel mode {mode!r}; use 'walk' or 'drive'.")
        self.edges = edges
        self.mode: Mode = mode
        self.max_snap_m = float(max_snap_m)
        self.build_s = 0.0
        self._searches: OrderedDict[tuple[str, Weight, Direction], AssetSearch | None] = (
            OrderedDict()
        )
        self._placements: OrderedDict[tuple[str, Weight], Placement] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def build(
        cls, view: nx.MultiDiGraph, *, mode: Mode, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> DistanceEngine:
        """Build the engine from a mode view (see :func:`mobility.network.build_mode_view`).

        Raises
        ------
        InvalidInputError
            When ``mode`` is unknown or contradicts the view's own ``mode``, or the view has no
            usable edge.
        """
        started = time.perf_counter()
        declared = view.graph.get("mode")
        if declared is not None and declared != mode:
            raise InvalidInputError(f"The street view is for {declared!r}, not {mode!r}.")
        engine = cls(edge_table_from_view(view), mode=mode, max_snap_m=max_snap_m)
        engine._warm()
        engine.build_s = time.perf_counter() - started
        return engine

    @classmethod
    def from_arrays(
        cls,
        node_lon: npt.ArrayLike,
        node_lat: npt.ArrayLike,
        u: npt.ArrayLike,
        v: npt.ArrayLike,
        length_m: npt.ArrayLike,
        speed_kmh: npt.ArrayLike,
        geometry: Sequence[LineString] | None = None,
        *,
        mode: Mode = "drive",
        max_snap_m: float = DEFAULT_MAX_SNAP_M,
    ) -> DistanceEngine:
        """Build the engine from plain arrays, without networkx (synthetic grids, benchmarks).

        Edges are directed (give both directions of a two-way street); node ids are the row
        numbers; ``geometry`` ``None`` means straight lines, built only when points are snapped.
        See :func:`mobility.network.csr.edge_table_from_arrays`.
        """
        started = time.perf_counter()
        table = edge_table_from_arrays(node_lon, node_lat, u, v, length_m, speed_kmh, geometry)
        engine = cls(table, mode=mode, max_snap_m=max_snap_m)
        engine._warm()
        engine.build_s = time.perf_counter() - started
        return engine

    def _warm(self) -> None:
        """Build the default search matrices now, so the first query pays no build cost."""
        self.edges.csr("length", transpose=True)
        self.edges.csr("length")

    @property
    def node_ids(self) -> IntArray:
        """Graph node id of every node index (the order of :meth:`node_distances`)."""
        return self.edges.node_ids

    @property
    def stats(self) -> EngineStats:
        """Sizes, build time and memory of the engine."""
        with self._lock:
            searches = [search for search in self._searches.values() if search is not None]
        return EngineStats(
            mode=self.mode,
            nodes=self.edges.n_nodes,
            edges=self.edges.n_edges,
            segments=len(self.edges.segment_edges),
            build_s=self.build_s,
            memory_bytes=self.edges.nbytes() + sum(search.nbytes() for search in searches),
            cached_asset_sets=len(self._searches),
        )

    def snap(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, *, max_snap_m: float | None = None
    ) -> SnappedPoints:
        """Snap lon/lat points onto this engine's streets (see :func:`snap_points`)."""
        limit = self.max_snap_m if max_snap_m is None else max_snap_m
        return snap_points(self.edges, lon, lat, max_snap_m=limit)

    def distances(
        self,
        demand: SnappedPoints,
        assets: SnappedPoints,
        *,
        cutoff_m: float | None,
        weight: Weight = "length",
        direction: Direction = "to_assets",
    ) -> FloatArray:
        """Return each demand point's network distance to (or from) its nearest asset.

        Parameters
        ----------
        demand, assets
            Points snapped by this engine; ``too_far`` assets are ignored.
        cutoff_m
            Largest distance to report, in the weight's unit (metres, or seconds for ``"time"``);
            ``None`` for no limit.
        weight
            ``"length"`` (metres) or ``"time"`` (seconds).
        direction
            ``"to_assets"``: from the inhabitant to the asset (one-way streets bind that way);
            ``"from_assets"``: from the asset to the inhabitant.

        Returns
        -------
        numpy.ndarray
            One float per demand point; ``inf`` beyond the cutoff, unreachable, or ``too_far``.
        """
        cutoff = check_query(weight, direction, cutoff_m)
        result = np.full(demand.count, np.inf)
        placed = self._placement(demand, weight)
        search = self._search(assets, weight, direction)
        if search is None or demand.count == 0:
            return result
        if not np.isfinite(placed.shortest_leg):
            return result  # every demand point is too far from the streets
        limit = search_limit(cutoff, placed.shortest_leg)
        node_cost = search.node_costs(limit)
        result = demand_costs(search, placed, node_cost, direction)
        if cutoff is not None:
            result[result > cutoff] = np.inf
        return result

    def node_distances(
        self,
        assets: SnappedPoints,
        *,
        cutoff_m: float | None = None,
        weight: Weight = "length",
        direction: Direction = "to_assets",
    ) -> FloatArray:
        """Return every node's cost to (or from) the nearest asset, in :attr:`node_ids` order."""
        cutoff = check_query(weight, direction, cutoff_m)
        search = self._search(assets, weight, direction)
        if search is None:
            return np.full(self.edges.n_nodes, np.inf)
        costs = search.node_costs(search_limit(cutoff, 0.0))
        if cutoff is not None:
            costs[costs > cutoff] = np.inf
        return costs

    def reach(
        self,
        assets: SnappedPoints,
        cutoff_m: float,
        *,
        weight: Weight = "length",
        direction: Direction = "to_assets",
        per_segment: bool = True,
    ) -> Reach:
        """Return the stretches of street within ``cutoff_m`` of the nearest asset.

        A position on the street (no off-street leg) is reached when travelling from it to an
        asset (``"to_assets"``), or from an asset to it, costs at most the cutoff. With
        ``per_segment`` the two directions of a street are merged onto the edge points snap to.
        The very end of a one-way street is a crossing: when only the crossing is reached, it
        shows on the streets that meet there, not as a zero-length stretch of this one.
        """
        cutoff = check_query(weight, direction, cutoff_m)
        if cutoff is None:
            raise InvalidInputError("reach needs a finite cutoff.")
        search = self._search(assets, weight, direction)
        node_cost = (
            np.full(self.edges.n_nodes, np.inf)
            if search is None
            else search.node_costs(search_limit(cutoff, 0.0))
        )
        return reach_intervals(
            self.edges, search, node_cost, cutoff, weight, direction, per_segment=per_segment
        )

    def clear_cache(self) -> None:
        """Forget the cached search graphs and demand placements."""
        with self._lock:
            self._searches.clear()
            self._placements.clear()

    def _placement(self, demand: SnappedPoints, weight: Weight) -> Placement:
        """Return the placement of a demand set, from the cache when the set was seen.

        The set is checked against this network on a miss only: the fingerprint covers the edge
        rows and lengths the check compares, so a hit was checked before.
        """
        key = (demand.digest(), weight)
        with self._lock:
            if key in self._placements:
                self._placements.move_to_end(key)
                return self._placements[key]
        check_points(demand, self.edges, "demand")
        placed = place(demand, self.edges, weight)
        with self._lock:
            self._placements[key] = placed
            while len(self._placements) > CACHED_DEMAND_SETS:
                self._placements.popitem(last=False)
        return placed

    def _search(
        self, assets: SnappedPoints, weight: Weight, direction: Direction
    ) -> AssetSearch | None:
        """Return the search graph of an asset set, from the cache when the set was seen."""
        check_points(assets, self.edges, "assets")
        key = (assets.digest(), weight, direction)
        with self._lock:
            if key in self._searches:
                self._searches.move_to_end(key)
                return self._searches[key]
        search = build_asset_search(
            self.edges, place(assets, self.edges, weight), weight, direction
        )
        with self._lock:
            self._searches[key] = search
            while len(self._searches) > CACHED_ASSET_SETS:
                self._searches.popitem(last=False)
        return search
