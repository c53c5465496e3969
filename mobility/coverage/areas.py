# SPDX-License-Identifier: MIT
"""Service areas: the streets within reach of an asset, drawn as a band along them.

An isochrone drawn as a circle or a convex hull promises reach across railway yards and rivers;
a band along the reached street length does not. The band of every street is cut once into
short slabs and a polygon round every crossing (:mod:`mobility.coverage.band_pieces`); an area
is the union of the pieces its reach draws, put together from the pieces' kept arrangement
(:mod:`mobility.coverage.band_faces`) with no polygon overlay per request.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping
from shapely.geometry.base import BaseGeometry

from mobility.assets import Asset
from mobility.coverage.analysis import snap_assets
from mobility.coverage.band_faces import GRID_M, BandFaces, arrange
from mobility.coverage.band_pieces import (
    BAND_QUAD_SEGS,
    SLAB_M,
    BandPieces,
    cut_band_pieces,
    inner_band_m,
)
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import Threshold
from mobility.geo import to_wire
from mobility.network.edge_table import IntArray, object_nbytes
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


ARRANGED_PIECES_MAX = 60_000
"""Most drawn pieces arranged at once (a commune the size of Paris 10e has about a tenth of
that; its arrangement's time and memory are in ``docs/performance.md``); past it, each area is
a GEOS union of its pieces, the same drawing, slower."""

CACHED_AREAS = 4_096
"""Finished areas kept per engine and band width, keyed by their reach (same reach, same area)."""


def describe_drawing(band_m: float = DEFAULT_BAND_M) -> str:
    """Return how the areas are drawn, with the tolerance, for an answer's method."""
    return (
        f"reached streets drawn as a band {band_m:g} m wide each side: the street is cut in "
        f"slabs of at most {SLAB_M:g} m ({band_m:g} m for the first and last {band_m:g} m), "
        "square to it, each drawn when the reach touches it, with a polygon round every "
        "reached crossing or street end; a reach that stops inside a street ends square less "
        f"than {SLAB_M:g} m past where it stops ({band_m:g} m near a crossing). Round ends and "
        f"bends have {BAND_QUAD_SEGS} segments per quarter circle, so the band covers at least "
        f"{inner_band_m(band_m):.1f} m round its street and never more than {band_m:g} m"
    )


class _AreaCache:
    """An engine's street band pieces, their arrangement and finished areas, per band width."""

    def __init__(self, engine: DistanceEngine, band_m: float) -> None:
        self.pieces: BandPieces = cut_band_pieces(engine.edges, band_m)
        self.faces: BandFaces | None = None
        self.areas: OrderedDict[bytes, BaseGeometry] = OrderedDict()
        self.lock = threading.Lock()
        self.areas_bytes = 0

    def nbytes(self) -> int:
        """Estimated bytes of the pieces, their arrangement and the kept areas."""
        faces = self.faces.nbytes() if self.faces is not None else 0
        return self.pieces.nbytes() + faces + self.areas_bytes

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
                self.areas_bytes += object_nbytes(geometry)
            self.areas[key] = geometry
            while len(self.areas) > CACHED_AREAS:
                self.areas_bytes -= object_nbytes(self.areas.popitem(last=False)[1])

    def arranged(self, selections: list[IntArray], *, build: bool) -> BandFaces | None:
        """Return an arrangement holding every selected piece, if kept or (``build``) built.

        A new arrangement takes in the pieces of the one it replaces, so that a commune's
        streets are arranged once as requests cover them; ``None`` past
        :data:`ARRANGED_PIECES_MAX` pieces (or when not to build).
        """
        wanted = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *selections]))
        with self.lock:
            kept = self.faces
            if kept is not None and kept.holds(wanted):
                return kept
            if not build:
                return None
            drawn = np.unique(self.pieces.parts[wanted].indices)
            if kept is not None:
                merged = np.union1d(drawn, kept.drawn)
                drawn = merged if len(merged) <= ARRANGED_PIECES_MAX else drawn
            if len(drawn) > ARRANGED_PIECES_MAX:
                return None
            self.faces = arrange(self.pieces.polygons, self.pieces.parts, drawn)
            return self.faces

    def draw(self, selections: list[IntArray], *, build: bool) -> list[BaseGeometry]:
        """Return the union of each selection of pieces."""
        if not any(len(chosen) for chosen in selections):  # nothing reached: nothing to arrange
            return [shapely.Polygon() for _ in selections]
        faces = self.arranged(selections, build=build)
        if faces is not None:
            return faces.unions(selections)
        polygons = self.pieces.polygons  # on the arrangement's grid: no hairline holes
        return [shapely.union_all(polygons[chosen], grid_size=GRID_M) for chosen in selections]


def reach_key(reach: Reach) -> bytes:
    """Fingerprint of a reach's stretches (a finished area's cache key)."""
    hasher = hashlib.blake2b(digest_size=16)
    for array in (reach.edge_index, reach.start_m, reach.end_m):
        hasher.update(np.ascontiguousarray(array).tobytes())
    return hasher.digest()


def clear_band_cache(engine: DistanceEngine) -> None:
    """Forget the engine's band pieces, arrangements and areas (every band width)."""
    cache = engine.edges._cache  # the table's own cache of derived objects
    for name in [name for name in cache if name.startswith("band_cache_")]:
        cache.pop(name, None)


def band_cache(engine: DistanceEngine, band_m: float) -> _AreaCache:
    """Return the engine's band cache for a band width (built on first use, kept with it)."""
    return engine.edges.cached(f"band_cache_{band_m!r}", lambda: _AreaCache(engine, band_m))


def draw_reaches(
    engine: DistanceEngine, reaches: list[Reach], band_m: float, *, build: bool = True
) -> list[BaseGeometry]:
    """Return the band of each reach, from kept areas or the pieces' arrangement.

    ``build=False`` draws from an arrangement already kept, or else by GEOS unions of the
    pieces (the same drawing): a single area does not pay for arranging a whole commune.
    """
    cache = band_cache(engine, band_m)
    keys = [reach_key(reach) for reach in reaches]
    drawn: dict[bytes, BaseGeometry | None] = {key: cache.area(key) for key in keys}
    todo = [key for key, known in drawn.items() if known is None]  # each reach drawn once
    first = {key: index for index, key in reversed(list(enumerate(keys)))}
    selections = cache.pieces.of_reaches(engine.edges, [reaches[first[key]] for key in todo])
    for key, geometry in zip(todo, cache.draw(selections, build=build), strict=True):
        cache.keep_area(key, geometry)
        drawn[key] = geometry
    return [drawn[key] or shapely.Polygon() for key in keys]


def compute_service_areas(
    context: CommuneContext,
    assets: list[Asset],
    *,
    threshold: Threshold,
    dissolve: bool,
    band_m: float = DEFAULT_BAND_M,
) -> list[ServiceArea]:
    """Return one service area per asset, or a single dissolved one for the whole set.

    Per asset: every asset's reach at once (:meth:`DistanceEngine.reach_each`), then every
    band from the pieces' arrangement (built on the first request, kept with the engine).
    """
    engine = context.engine(threshold.mode)
    snapped = snap_assets(context, threshold.mode, assets)
    if dissolve:
        reach = engine.reach(snapped, threshold.cutoff, weight=threshold.weight)
        [geometry] = draw_reaches(engine, [reach], band_m, build=False)
        return [ServiceArea(None, geometry, reach.total_m)]
    reaches = engine.reach_each(snapped, threshold.cutoff, weight=threshold.weight)
    areas = draw_reaches(engine, reaches, band_m)
    return [
        ServiceArea(asset.id, area, reach.total_m)
        for asset, area, reach in zip(assets, areas, reaches, strict=True)
    ]
