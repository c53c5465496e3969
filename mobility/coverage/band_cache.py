# SPDX-License-Identifier: MIT
"""What an engine keeps to draw service areas: its band pieces, their arrangement, the areas.

Per engine and band width, in memory, with the engine's edge table: the pieces are cut on first
use, arranged as requests cover them, and finished areas kept by their reach. A commune
prepared with the store brings its pieces and a whole arrangement of them, tile by tile
(:mod:`mobility.coverage.band_tiles`), cut and arranged at import: :func:`keep_bands` seeds an
engine with them, and no request cuts or arranges anything.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.coverage.band_faces import GRID_M, BandFaces, arrange
from mobility.coverage.band_pieces import BandPieces, cut_band_pieces
from mobility.coverage.band_tiles import TiledFaces
from mobility.network.edge_table import IntArray, object_nbytes
from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach

DEFAULT_BAND_M = 25.0
"""Half-width of the band drawn along a reached street (about a street plus its frontage)."""

ARRANGED_PIECES_MAX = 60_000
"""Most drawn pieces arranged at once on a request (a commune the size of Paris 10e has about
a tenth of that; its arrangement's time and memory are in ``docs/performance.md``); past it,
each area is a GEOS union of its pieces, the same drawing, slower. A commune prepared with the
store has all its pieces arranged, tile by tile, whatever their number."""

CACHED_AREAS = 4_096
"""Finished areas kept per engine and band width, keyed by their reach (same reach, same area)."""


class AreaCache:
    """An engine's street band pieces, their arrangement and finished areas, for a band width.

    ``tiles``, when given (kept with the store), holds every piece: every area is drawn from
    it, no arrangement is built and the pieces' polygons are not needed.
    """

    def __init__(self, pieces: BandPieces, tiles: TiledFaces | None = None) -> None:
        self.pieces = pieces
        self.tiles = tiles
        self.faces: BandFaces | None = None
        self.areas: OrderedDict[bytes, BaseGeometry] = OrderedDict()
        self.lock = threading.Lock()
        self.areas_bytes = 0

    def nbytes(self) -> int:
        """Estimated bytes of the pieces, their arrangements and the kept areas."""
        faces = self.faces.nbytes() if self.faces is not None else 0
        tiles = self.tiles.nbytes() if self.tiles is not None else 0
        return self.pieces.nbytes() + faces + tiles + self.areas_bytes

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
        if self.tiles is not None:
            return self.tiles.unions(selections)
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


def _name(band_m: float) -> str:
    return f"band_cache_{band_m!r}"


def clear_band_cache(engine: DistanceEngine) -> None:
    """Forget the engine's band pieces, arrangements and areas (every band width)."""
    cache = engine.edges._cache  # the table's own cache of derived objects
    for name in [name for name in cache if name.startswith("band_cache_")]:
        cache.pop(name, None)


def band_cache(engine: DistanceEngine, band_m: float) -> AreaCache:
    """Return the engine's band cache for a band width (built on first use, kept with it)."""
    return engine.edges.cached(
        _name(band_m), lambda: AreaCache(cut_band_pieces(engine.edges, band_m))
    )


def keep_bands(engine: DistanceEngine, pieces: BandPieces, tiles: TiledFaces | None) -> AreaCache:
    """Seed the engine with pieces (and their arrangement) cut before, for their band width."""
    return engine.edges.cached(_name(pieces.band_m), lambda: AreaCache(pieces, tiles))
