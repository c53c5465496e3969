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

import hashlib
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import networkx as nx
import numpy as np
import numpy.typing as npt
from shapely.geometry import LineString

from mobility.errors import InvalidInputError
from mobility.network.bounded_cache import BoundedCache
from mobility.network.csr import (
    EdgeTable,
    FloatArray,
    IntArray,
    Weight,
    edge_table_from_arrays,
    edge_table_from_view,
)
from mobility.network.engine_reach import Reach, reach_each_intervals, reach_intervals
from mobility.network.engine_search import (
    AssetSearch,
    Direction,
    Placement,
    build_asset_search,
    check_points,
    check_query,
    demand_costs,
    place,
    same_segment_pairs,
    search_limit,
)
from mobility.network.snapping import DEFAULT_MAX_SNAP_M, SnappedPoints, snap_points
from mobility.network.views import MODES, Mode

CACHED_ASSET_SETS = 8
"""Search graphs kept per engine (least recently used dropped first)."""

CACHED_SEARCH_BYTES = 64_000_000
"""Bytes of search graphs kept per engine, the most recent one always kept. Each holds a copy of
the street CSR, whose size grows with the network (``docs/performance.md`` gives it for the
benchmark's networks), so big networks keep fewer asset sets and an engine stays within its
memory budget."""

CACHED_DEMAND_SETS = 4
"""Demand placements kept per engine (least recently used dropped first)."""

PointCosts = tuple[IntArray, FloatArray]

CACHED_SNAPS = 16
"""Snapped point sets kept per engine, keyed by their coordinates (least recently used first)."""

CACHED_SNAP_MAX_POINTS = 200_000
"""Larger point sets are snapped again each time rather than kept (callers keep demand)."""

EACH_BLOCK_CELLS = 4_000_000
"""Largest (assets × nodes) block of costs :meth:`DistanceEngine.reach_each` holds at once."""


@dataclass(frozen=True)
class EngineStats:
    """Size and cost of an engine, for logs and capacity planning.

    ``memory_bytes`` counts everything the engine keeps: the edge table and every object cached
    with it (CSR matrices, the snapping index and its k-d tree, street lines and bands, estimated
    from their coordinates for GEOS objects), the cached search graphs, demand placements and
    snapped point sets.
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
        self._searches: BoundedCache[tuple[str, Weight, Direction], AssetSearch | None] = (
            BoundedCache(
                CACHED_ASSET_SETS,
                nbytes=lambda search: search.nbytes() if search is not None else 0,
                max_bytes=CACHED_SEARCH_BYTES,
            )
        )
        self._placements: BoundedCache[tuple[str, Weight], Placement] = BoundedCache(
            CACHED_DEMAND_SETS, nbytes=placement_nbytes
        )
        self._snaps: BoundedCache[str, SnappedPoints] = BoundedCache(
            CACHED_SNAPS, nbytes=snapped_nbytes
        )
        self._same_segment: BoundedCache[tuple[str, str, Weight, Direction], PointCosts] = (
            BoundedCache(CACHED_ASSET_SETS, nbytes=lambda pair: pair[0].nbytes + pair[1].nbytes)
        )

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

    @classmethod
    def from_table(
        cls, edges: EdgeTable, *, mode: Mode, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> DistanceEngine:
        """Build the engine on an edge table read back from a prepared commune.

        The table was checked when it was first built from the view; only its search matrix
        is made here (milliseconds), so a new worker answers without walking networkx.
        """
        started = time.perf_counter()
        engine = cls(edges, mode=mode, max_snap_m=max_snap_m)
        engine._warm()
        engine.build_s = time.perf_counter() - started
        return engine

    def _warm(self) -> None:
        """Build the default search matrix now, so the first query pays no build cost.

        That is the transposed one ``"to_assets"`` searches; the forward one (``"from_assets"``)
        is built on its first use, so an engine holds one CSR matrix until it needs two.
        """
        self.edges.csr("length", transpose=True)

    @property
    def node_ids(self) -> IntArray:
        """Graph node id of every node index (the order of :meth:`node_distances`)."""
        return self.edges.node_ids

    @property
    def stats(self) -> EngineStats:
        """Sizes, build time and memory of the engine."""
        caches = (self._searches, self._placements, self._snaps, self._same_segment)
        cached = sum(cache.nbytes() for cache in caches)
        cached_sets = len(self._searches)
        return EngineStats(
            mode=self.mode,
            nodes=self.edges.n_nodes,
            edges=self.edges.n_edges,
            segments=len(self.edges.segment_edges),
            build_s=self.build_s,
            memory_bytes=self.edges.nbytes() + cached,
            cached_asset_sets=cached_sets,
        )

    def snap(
        self, lon: npt.ArrayLike, lat: npt.ArrayLike, *, max_snap_m: float | None = None
    ) -> SnappedPoints:
        """Snap lon/lat points onto this engine's streets (see :func:`snap_points`).

        A set of points snapped before (same coordinates, same ``max_snap_m``) is answered from a
        small cache: the same read-only :class:`SnappedPoints`, so its search graph is found by
        the same fingerprint. Sets over :data:`CACHED_SNAP_MAX_POINTS` points are not kept.
        """
        limit = self.max_snap_m if max_snap_m is None else max_snap_m
        lons = np.ascontiguousarray(lon, dtype=np.float64).ravel()
        lats = np.ascontiguousarray(lat, dtype=np.float64).ravel()
        if len(lons) > CACHED_SNAP_MAX_POINTS or lons.shape != lats.shape:
            return snap_points(self.edges, lons, lats, max_snap_m=limit)
        hasher = hashlib.blake2b(digest_size=16)
        hasher.update(np.float64(limit).tobytes())
        hasher.update(lons.tobytes())
        hasher.update(lats.tobytes())

        def make() -> SnappedPoints:
            snapped = snap_points(self.edges, lons, lats, max_snap_m=limit)
            for array in _snapped_arrays(snapped):
                array.flags.writeable = False  # shared between callers from now on
            return snapped

        return self._snaps.get_or_make(hasher.hexdigest(), make)

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
        placed = self._placement(demand, weight)
        search = self._search(assets, weight, direction)
        if search is None or demand.count == 0 or not np.isfinite(placed.shortest_leg):
            return np.full(demand.count, np.inf)  # no asset, or every point too far
        pairs = self._pairs(search, placed, (demand.digest(), assets.digest(), weight, direction))
        limit = search_limit(cutoff, placed.shortest_leg)
        node_cost = search.node_costs(limit)
        result = demand_costs(search, placed, node_cost, direction, pairs)
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
        costs = self._node_costs(self._search(assets, weight, direction), cutoff)
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
        node_cost = self._node_costs(search, cutoff)
        return reach_intervals(
            self.edges, search, node_cost, cutoff, weight, direction, per_segment=per_segment
        )

    def reach_each(
        self,
        assets: SnappedPoints,
        cutoff_m: float,
        *,
        weight: Weight = "length",
        direction: Direction = "to_assets",
        per_segment: bool = True,
    ) -> list[Reach]:
        """Return the reach of every asset on its own, in the assets' order.

        Equal to ``[self.reach(assets.take([i]), cutoff_m, ...) for i in range(assets.count)]``
        (``too_far`` assets reach nothing), computed on the asset set's one search graph with one
        Dijkstra per asset (scipy, in blocks) and the stretches of all assets in one pass.
        """
        cutoff = check_query(weight, direction, cutoff_m)
        if cutoff is None:
            raise InvalidInputError("reach needs a finite cutoff.")
        empty = np.zeros(0, dtype=np.float64)
        out = [
            Reach(np.zeros(0, dtype=np.int64), empty, empty, per_segment)
            for _ in range(assets.count)
        ]
        search = self._search(assets, weight, direction)
        if search is None:
            return out
        limit = search_limit(cutoff, 0.0)
        block = max(1, EACH_BLOCK_CELLS // (self.edges.n_nodes + len(search.sources)))
        for low in range(0, len(search.sources), block):
            rows = np.arange(low, min(low + block, len(search.sources)), dtype=np.int64)
            costs = search.node_costs_each(rows, limit)
            reaches = reach_each_intervals(
                self.edges,
                search,
                rows,
                costs,
                cutoff,
                weight,
                direction,
                per_segment=per_segment,
            )
            for row, reach in zip(rows.tolist(), reaches, strict=True):
                out[int(search.point[row])] = reach
        return out

    def _node_costs(self, search: AssetSearch | None, cutoff: float | None) -> FloatArray:
        """Return every node's cost from the search, bounded by the cutoff (inf: no asset)."""
        if search is None:
            return np.full(self.edges.n_nodes, np.inf)
        return search.node_costs(search_limit(cutoff, 0.0))

    def clear_cache(self) -> None:
        """Forget the cached search graphs, demand placements and snapped point sets."""
        for cache in (self._searches, self._placements, self._snaps, self._same_segment):
            cache.clear()

    def _placement(self, demand: SnappedPoints, weight: Weight) -> Placement:
        """Return the placement of a demand set, from the cache when the set was seen.

        The set is checked against this network on a miss only: the fingerprint covers the edge
        rows and lengths the check compares, so a hit was checked before.
        """

        def make() -> Placement:
            check_points(demand, self.edges, "demand")
            return place(demand, self.edges, weight)

        return self._placements.get_or_make((demand.digest(), weight), make)

    def _pairs(
        self,
        search: AssetSearch,
        placed: Placement,
        key: tuple[str, str, Weight, Direction],
    ) -> PointCosts:
        """Same-segment (demand point, cost) pairs of a demand and an asset set, kept a while."""
        return self._same_segment.get_or_make(
            key, lambda: same_segment_pairs(search, placed, key[3])
        )

    def _search(
        self, assets: SnappedPoints, weight: Weight, direction: Direction
    ) -> AssetSearch | None:
        """Return the search graph of an asset set, from the cache when the set was seen.

        As for placements, the set is checked against this network on a miss only.
        """

        def make() -> AssetSearch | None:
            check_points(assets, self.edges, "assets")
            placed = place(assets, self.edges, weight)
            return build_asset_search(self.edges, placed, weight, direction)

        return self._searches.get_or_make((assets.digest(), weight, direction), make)


def _snapped_arrays(points: SnappedPoints) -> tuple[npt.NDArray[Any], ...]:
    return (
        points.edge_index,
        points.offset_m,
        points.edge_length_m,
        points.off_street_m,
        points.snapped_lon,
        points.snapped_lat,
        points.too_far,
    )


def snapped_nbytes(points: SnappedPoints) -> int:
    """Bytes of a snapped point set's arrays."""
    return int(sum(array.nbytes for array in _snapped_arrays(points)))


def placement_nbytes(placed: Placement) -> int:
    """Bytes of a placement's arrays."""
    return int(
        sum(value.nbytes for value in vars(placed).values() if isinstance(value, np.ndarray))
    )
