# SPDX-License-Identifier: MIT
"""Service areas: the streets within reach of an asset, drawn as a band along them.

An isochrone drawn as a circle or a convex hull promises reach across railway yards and rivers;
a band along the reached street stretches does not. Each reached stretch is buffered with few
segments and the bands are unioned, per asset or for the whole layer. Bands of whole edges, and
unions of neighbouring ones, are kept with the engine; only the partly reached stretches at the
edge of a reach are cut out and buffered afresh.
"""

from __future__ import annotations

import hashlib
import math
import threading
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mobility.assets import Asset
from mobility.coverage.analysis import snap_assets
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import Threshold
from mobility.geo import to_wire
from mobility.network.edge_table import FloatArray, IntArray, ObjectArray, object_nbytes
from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach

DEFAULT_BAND_M = 25.0
"""Half-width of the band drawn along a reached street (about a street plus its frontage)."""


@dataclass(frozen=True)
class ServiceArea:
    """The reach of one asset (or of all of them, dissolved)."""

    asset_id: str | None
    geometry_metric: BaseGeometry
    reached_street_m: float

    def to_feature(self, threshold: Threshold) -> dict[str, Any]:
        """Return the area as a GeoJSON Feature (lon/lat) with its figures."""
        return {
            "type": "Feature",
            "id": self.asset_id or "all",
            "geometry": mapping(to_wire(self.geometry_metric)),
            "properties": {
                "asset_id": self.asset_id,
                "reached_street_m": round(self.reached_street_m, 1),
                "area_m2": round(float(self.geometry_metric.area), 1),
                "threshold": threshold.describe(),
            },
        }


BAND_QUAD_SEGS = 2
"""Segments per quarter circle of a band's round ends and joins (few: a band is a sketch).

The drawing tolerance: round ends and joins are polygons inscribed in their circles, so the
band never reaches past ``band_m`` from its street and always covers :func:`inner_band_m`:
23.1 m of the 25 m round a street's end (a chord of 45 degrees), 20.8 m at worst at a bend
(GEOS rounds a join's number of chords to the nearest, so one spans up to 67.5 degrees).
On Paris 10e (500 assets, 500 m walk) an area is 0.9 % smaller on average, at most
1.8 %, than drawn with shapely's default 8 segments (0.35 % for the dissolved area). The
unions go by the number of pieces more than by their vertices: 3 segments (at most 0.65 %)
cost some 15-20 % more CPU, 1 segment saves nothing and loses 3-6 %.
"""

CLUSTER_EDGES = 16
"""Street segments per cluster of neighbouring segments whose band unions are kept."""

CACHED_CLUSTER_UNIONS = 20_000
"""Cluster unions kept per engine and band width (least recently used dropped first)."""

CACHED_AREAS = 4_096
"""Finished areas kept per engine and band width, keyed by their reach (same reach, same area)."""

AREA_THREADS = 4
"""Threads drawing per-asset areas (GEOS releases the GIL while it unions)."""


def describe_drawing(band_m: float = DEFAULT_BAND_M) -> str:
    """Return how the areas are drawn, with the tolerance, for an answer's method."""
    return (
        f"reached street stretches buffered by {band_m:g} m and unioned; round ends and bends "
        f"drawn with {BAND_QUAD_SEGS} segments per quarter circle, so the band always covers "
        f"at least {inner_band_m(band_m):.1f} m around its street and never more than "
        f"{band_m:g} m (on Paris 10e the area is 0.9 % smaller on average, at most 1.8 %, than "
        "a drawing with 8 segments)"
    )


def inner_band_m(band_m: float) -> float:
    """Half-width every band is sure to cover, its round ends and joins drawn with few chords.

    A chord of a round end spans a quarter circle over :data:`BAND_QUAD_SEGS`; one of a join up
    to one and a half times that (GEOS rounds the number of chords of a join to the nearest):
    the band reaches at least the distance of such a chord's middle from the street.
    """
    return band_m * math.cos(1.5 * (math.pi / 2 / BAND_QUAD_SEGS) / 2)


def reached_pieces(engine: DistanceEngine, reach: Reach) -> list[BaseGeometry]:
    """Cut the reached stretches out of the street lines (Lambert-93)."""
    whole, partial = split_reach(engine, reach)
    lines = engine.edges.geometry_metric
    return [lines[edge] for edge in whole] + partial


def split_reach(engine: DistanceEngine, reach: Reach) -> tuple[list[int], list[BaseGeometry]]:
    """Return the wholly reached edges, and the stretches cut out of the partly reached ones.

    Most reached stretches are whole edges: their line is used as it is, not cut out again.
    """
    whole, partial = _split(engine, reach)
    cuts = cut_lines(
        engine, reach.edge_index[partial], reach.start_m[partial], reach.end_m[partial]
    )
    return whole.tolist(), cuts.tolist()


def _split(engine: DistanceEngine, reach: Reach) -> tuple[IntArray, IntArray]:
    """Edges reached whole, and the rows of the stretches that cover part of their edge."""
    total = engine.edges.length_m[reach.edge_index]
    whole = (reach.start_m <= 0.0) & (reach.end_m >= total)
    return reach.edge_index[whole], np.flatnonzero(~whole & (total > 0))


def cut_lines(
    engine: DistanceEngine, edge: IntArray, start_m: FloatArray, end_m: FloatArray
) -> ObjectArray:
    """Cut stretches (edge, start and end offsets) out of their edges' lines, all at once.

    The same cut as ``shapely.ops.substring(line, start / length, end / length,
    normalized=True)`` (offsets are in the edge's ``length``, positions on the drawn line are
    in proportion): the interpolated start and end points and the line's vertices strictly
    between. A stretch of no length is a line of two equal points (buffered as a point).
    """
    if len(edge) == 0:
        return np.zeros(0, dtype=object)
    lines = engine.edges.geometry_metric[edge]
    length = engine.edges.length_m[edge]
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


def band(pieces: list[BaseGeometry], band_m: float) -> BaseGeometry:
    """Buffer the pieces (few segments per curve) and union them."""
    if not pieces:
        return shapely.Polygon()
    buffered = shapely.buffer(np.array(pieces, dtype=object), band_m, quad_segs=BAND_QUAD_SEGS)
    return shapely.union_all(buffered)


class _BandCache:
    """The bands of whole edges and the unions of neighbouring ones, per engine and band width.

    Street segments are grouped in clusters of :data:`CLUSTER_EDGES` neighbours (consecutive in
    the Morton order of their midpoints). An asset's whole edges are unioned cluster by cluster,
    and the union of each (cluster, set of its edges) is kept: nearby assets reach the same
    clusters whole, so most of an area is put together from a few kept pieces.
    """

    def __init__(self, engine: DistanceEngine, band_m: float) -> None:
        self.engine = engine
        self.band_m = band_m
        edges = engine.edges
        self.bands = np.full(edges.n_edges, None, dtype=object)
        self.cluster = _clusters(engine)
        self.unions: OrderedDict[tuple[int, bytes], BaseGeometry] = OrderedDict()
        self.areas: OrderedDict[bytes, BaseGeometry] = OrderedDict()
        self.lock = threading.Lock()
        self.kept_bytes = self.bands.nbytes + self.cluster.nbytes  # kept up to date below

    def nbytes(self) -> int:
        """Estimated bytes of the kept bands, unions and areas (see :func:`object_nbytes`)."""
        return self.kept_bytes

    def area(self, key: bytes) -> BaseGeometry | None:
        """Return the finished area of a reach drawn before, if kept."""
        with self.lock:
            known = self.areas.get(key)
            if known is not None:
                self.areas.move_to_end(key)
            return known

    def keep_area(self, key: bytes, geometry: BaseGeometry) -> None:
        """Keep a finished area under its reach's key."""
        with self.lock:
            if key not in self.areas:
                self.kept_bytes += object_nbytes(geometry)
            self.areas[key] = geometry
            while len(self.areas) > CACHED_AREAS:
                self.kept_bytes -= object_nbytes(self.areas.popitem(last=False)[1])

    def edge_bands(self, edges: IntArray) -> ObjectArray:
        """Return the band of each whole edge, buffered on first use."""
        missing = np.unique(edges[is_none(self.bands[edges])])
        if len(missing):
            lines = self.engine.edges.geometry_metric[missing]
            bands = shapely.buffer(lines, self.band_m, quad_segs=BAND_QUAD_SEGS)
            self.bands[missing] = bands
            with self.lock:
                self.kept_bytes += object_nbytes(list(bands))
        return np.asarray(self.bands[edges], dtype=object)

    def whole(self, edges: IntArray) -> list[BaseGeometry]:
        """Polygons whose union is the union of the bands of ``edges`` (whole edges)."""
        if len(edges) == 0:
            return []
        cluster = self.cluster[edges]
        order = np.lexsort((edges, cluster))
        edges, cluster = edges[order], cluster[order]
        cuts = np.flatnonzero(np.r_[True, cluster[1:] != cluster[:-1]])
        bounds = np.r_[cuts, len(edges)]
        out: list[BaseGeometry] = []
        for low, high in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
            group = edges[low:high]
            key = (int(cluster[low]), group.tobytes())
            with self.lock:
                known = self.unions.get(key)
                if known is not None:
                    self.unions.move_to_end(key)
            if known is None:
                parts = self.edge_bands(group)
                known = parts[0] if len(parts) == 1 else shapely.union_all(parts)
                with self.lock:
                    if key not in self.unions:
                        self.kept_bytes += object_nbytes(known)
                    self.unions[key] = known
                    while len(self.unions) > CACHED_CLUSTER_UNIONS:
                        self.kept_bytes -= object_nbytes(self.unions.popitem(last=False)[1])
            out.append(known)
        return out


def is_none(values: ObjectArray) -> npt.NDArray[np.bool_]:
    """Tell where an object array holds ``None``."""
    return np.array([value is None for value in values.tolist()], dtype=bool)


def _clusters(engine: DistanceEngine) -> npt.NDArray[np.int32]:
    """Cluster of every edge: :data:`CLUSTER_EDGES` segments consecutive in Morton order."""
    edges = engine.edges
    table = edges.segment_edges
    x = (edges.node_x_m[edges.u_index[table]] + edges.node_x_m[edges.v_index[table]]) / 2
    y = (edges.node_y_m[edges.u_index[table]] + edges.node_y_m[edges.v_index[table]]) / 2
    cell = 25.0
    gx = ((x - x.min()) / cell).astype(np.uint64) if len(x) else np.zeros(0, np.uint64)
    gy = ((y - y.min()) / cell).astype(np.uint64) if len(y) else np.zeros(0, np.uint64)
    order = np.argsort(_spread_bits(gx) | (_spread_bits(gy) << np.uint64(1)), kind="stable")
    cluster = np.full(edges.n_edges, -1, dtype=np.int32)
    cluster[table[order]] = (np.arange(len(table)) // CLUSTER_EDGES).astype(np.int32)
    back = edges.reverse_of
    other = np.flatnonzero(cluster < 0)
    cluster[other] = np.where(back[other] >= 0, cluster[np.maximum(back[other], 0)], -1)
    return cluster


def _spread_bits(value: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """Put a zero bit between the low 32 bits of each value (a Morton code's half)."""
    v = value & np.uint64(0xFFFFFFFF)
    for shift, mask in (
        (16, 0x0000FFFF0000FFFF),
        (8, 0x00FF00FF00FF00FF),
        (4, 0x0F0F0F0F0F0F0F0F),
        (2, 0x3333333333333333),
        (1, 0x5555555555555555),
    ):
        v = (v | (v << np.uint64(shift))) & np.uint64(mask)
    return v


def reach_key(reach: Reach) -> bytes:
    """Fingerprint of a reach's stretches (a finished area's cache key)."""
    hasher = hashlib.blake2b(digest_size=16)
    for array in (reach.edge_index, reach.start_m, reach.end_m):
        hasher.update(np.ascontiguousarray(array).tobytes())
    return hasher.digest()


def clear_band_cache(engine: DistanceEngine) -> None:
    """Forget the engine's kept bands, cluster unions and areas (every band width)."""
    cache = engine.edges._cache  # noqa: SLF001 (the table's own cache of derived objects)
    for name in [name for name in cache if name.startswith("band_cache_")]:
        cache.pop(name, None)


def band_cache(engine: DistanceEngine, band_m: float) -> _BandCache:
    """Return the engine's band cache for a band width (built on first use, kept with it)."""
    return engine.edges.cached(f"band_cache_{band_m!r}", lambda: _BandCache(engine, band_m))


def edge_bands(engine: DistanceEngine, edges: list[int], band_m: float) -> list[BaseGeometry]:
    """Return the band around each whole edge, buffered once per engine and band width."""
    bands: list[BaseGeometry] = (
        band_cache(engine, band_m).edge_bands(np.asarray(edges, dtype=np.int64)).tolist()
    )
    return bands


def asset_band(engine: DistanceEngine, reach: Reach, band_m: float) -> BaseGeometry:
    """Band of a reach: kept unions of whole edges by cluster, fresh bands of the partial cuts.

    The union of the bands of every reached stretch (each buffered by ``band_m`` with
    :data:`BAND_QUAD_SEGS` segments per quarter circle), exactly: only the order of the unions
    differs, so the polygons agree to floating-point noise (the tests hold the symmetric
    difference under 1e-6 of the area against buffering every stretch cut out one by one).
    """
    cache = band_cache(engine, band_m)
    key = reach_key(reach)
    known = cache.area(key)
    if known is not None:
        return known
    whole, partial = _split(engine, reach)
    cuts = cut_lines(
        engine, reach.edge_index[partial], reach.start_m[partial], reach.end_m[partial]
    )
    partial_bands = shapely.buffer(cuts, band_m, quad_segs=BAND_QUAD_SEGS)
    geometry = _union(cache.whole(whole) + partial_bands.tolist())
    cache.keep_area(key, geometry)
    return geometry


def _union(parts: list[BaseGeometry]) -> BaseGeometry:
    if not parts:
        return shapely.Polygon()
    if len(parts) == 1:
        return parts[0]
    return shapely.union_all(np.array(parts, dtype=object))


def compute_service_areas(
    context: CommuneContext,
    assets: list[Asset],
    *,
    threshold: Threshold,
    dissolve: bool,
    band_m: float = DEFAULT_BAND_M,
) -> list[ServiceArea]:
    """Return one service area per asset, or a single dissolved one for the whole set.

    Per asset: every asset's reach at once (:meth:`DistanceEngine.reach_each`), then each band
    in a thread pool, from the engine's kept bands and cluster unions (:func:`asset_band`).
    """
    engine = context.engine(threshold.mode)
    snapped = snap_assets(context, threshold.mode, assets)
    if dissolve:
        reach = engine.reach(snapped, threshold.cutoff, weight=threshold.weight)
        return [ServiceArea(None, asset_band(engine, reach, band_m), reach.total_m)]
    reaches = engine.reach_each(snapped, threshold.cutoff, weight=threshold.weight)
    cache = band_cache(engine, band_m)
    keys = [reach_key(reach) for reach in reaches]
    drawn: dict[bytes, BaseGeometry | None] = {key: cache.area(key) for key in keys}
    todo = [key for key, known in drawn.items() if known is None]  # each reach drawn once
    first = {key: index for index, key in reversed(list(enumerate(keys)))}
    todo_reaches = [reaches[first[key]] for key in todo]
    # the partly reached stretches of every area still to draw, cut and buffered at once
    owner = np.repeat(np.arange(len(todo)), [reach.count for reach in todo_reaches])
    edge = np.concatenate([np.zeros(0, dtype=np.int64)] + [r.edge_index for r in todo_reaches])
    start = np.concatenate([np.zeros(0)] + [r.start_m for r in todo_reaches])
    end = np.concatenate([np.zeros(0)] + [r.end_m for r in todo_reaches])
    total = engine.edges.length_m[edge]
    whole = (start <= 0.0) & (end >= total)
    partial = np.flatnonzero(~whole & (total > 0))
    cuts = cut_lines(engine, edge[partial], start[partial], end[partial])
    workers = min(AREA_THREADS, max(1, len(todo)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        chunks = np.array_split(cuts, workers)
        bands = np.concatenate(
            [np.zeros(0, dtype=object)] + list(pool.map(lambda part: _buffer(part, band_m), chunks))
        )
        whole_at = np.flatnonzero(whole)
        whole_bounds = np.searchsorted(owner[whole_at], np.arange(len(todo) + 1))
        partial_bounds = np.searchsorted(owner[partial], np.arange(len(todo) + 1))

        def draw(row: int) -> BaseGeometry:
            parts = cache.whole(edge[whole_at[whole_bounds[row] : whole_bounds[row + 1]]])
            parts.extend(bands[partial_bounds[row] : partial_bounds[row + 1]].tolist())
            geometry = _union(parts)
            cache.keep_area(todo[row], geometry)
            return geometry

        drawn.update(zip(todo, pool.map(draw, range(len(todo))), strict=True))
    return [
        ServiceArea(asset.id, drawn[key] or shapely.Polygon(), reach.total_m)
        for asset, key, reach in zip(assets, keys, reaches, strict=True)
    ]


def _buffer(lines: ObjectArray, band_m: float) -> ObjectArray:
    return np.asarray(shapely.buffer(lines, band_m, quad_segs=BAND_QUAD_SEGS), dtype=object)
