# SPDX-License-Identifier: MIT
"""Snap points (homes, chargers, stations) onto the nearest street, not the nearest crossing.

A house in the middle of a 300 m street is 150 m from either end: snapping to nodes would add or
hide that much. Points are projected onto the nearest street *line* and keep their position along
it (the offset), so distances count the along-street part exactly. The two directions of a
two-way street share a line and are one target; routing then lets the point use both.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from mobility.errors import InvalidInputError
from mobility.geo import metric_transformer, wire_transformer
from mobility.network.csr import BoolArray, EdgeTable, FloatArray, IntArray
from mobility.network.snap_index import StreetPieces

DEFAULT_MAX_SNAP_M = 250.0
"""Farther than this from every street, a point is flagged ``too_far`` and never reached."""


@dataclass(frozen=True, eq=False)
class SnappedPoints:
    """Points placed on street edges, as parallel arrays (one entry per input point).

    Attributes
    ----------
    edge_index
        Row of the edge in the engine's :class:`~mobility.network.csr.EdgeTable`: the edge that
        stands for the street segment (its way back, if any, is ``reverse_of`` of it).
    offset_m
        Position along the edge from its u end, in the edge's ``length`` metres
        (``length × fraction of the line``), so ``0 <= offset_m <= edge_length_m``.
    edge_length_m
        The edge's ``length``.
    off_street_m
        Straight-line distance from the point to its snapped position (Lambert-93 metres).
    snapped_lon, snapped_lat
        The snapped position, EPSG:4326.
    too_far
        ``off_street_m > max_snap_m``: the point is not served by this network.
    """

    edge_index: IntArray
    offset_m: FloatArray
    edge_length_m: FloatArray
    off_street_m: FloatArray
    snapped_lon: FloatArray
    snapped_lat: FloatArray
    too_far: BoolArray

    @property
    def count(self) -> int:
        """Number of points."""
        return len(self.edge_index)

    @property
    def fraction(self) -> FloatArray:
        """Position along the edge as a fraction of its length, in [0, 1]."""
        return np.clip(self.offset_m / self.edge_length_m, 0.0, 1.0)

    def take(self, index: npt.ArrayLike) -> SnappedPoints:
        """Return the points selected by an index array or a boolean mask."""
        pick = np.asarray(index)
        return SnappedPoints(
            edge_index=self.edge_index[pick],
            offset_m=self.offset_m[pick],
            edge_length_m=self.edge_length_m[pick],
            off_street_m=self.off_street_m[pick],
            snapped_lon=self.snapped_lon[pick],
            snapped_lat=self.snapped_lat[pick],
            too_far=self.too_far[pick],
        )

    def digest(self) -> str:
        """Fingerprint of what routing uses (edge, offset, length, leg, flag), for caches.

        Computed once per instance and kept: the arrays are never changed in place.
        """
        known: str | None = self.__dict__.get("_digest")
        if known is not None:
            return known
        hasher = hashlib.blake2b(digest_size=16)
        arrays = (self.edge_index, self.offset_m, self.edge_length_m, self.off_street_m)
        for array in (*arrays, self.too_far):
            hasher.update(np.ascontiguousarray(array).tobytes())
        value = hasher.hexdigest()
        object.__setattr__(self, "_digest", value)
        return value

    @classmethod
    def empty(cls) -> SnappedPoints:
        """Return a set of no points."""
        floats = np.zeros(0, dtype=np.float64)
        return cls(
            edge_index=np.zeros(0, dtype=np.int64),
            offset_m=floats,
            edge_length_m=floats,
            off_street_m=floats,
            snapped_lon=floats,
            snapped_lat=floats,
            too_far=np.zeros(0, dtype=bool),
        )


def snap_points(
    edges: EdgeTable,
    lon: npt.ArrayLike,
    lat: npt.ArrayLike,
    *,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
) -> SnappedPoints:
    """Snap lon/lat points to the nearest street segment of an edge table.

    Parameters
    ----------
    edges
        The engine's edge table; its index of street pieces is built on first use and kept.
    lon, lat
        Point coordinates, EPSG:4326, same size.
    max_snap_m
        Points farther than this from every street are flagged ``too_far`` (still snapped).

    Raises
    ------
    InvalidInputError
        When sizes differ, a coordinate is not finite, or ``max_snap_m`` is negative.
    """
    lons = np.asarray(lon, dtype=np.float64).ravel()
    lats = np.asarray(lat, dtype=np.float64).ravel()
    if lons.shape != lats.shape:
        raise InvalidInputError("lon and lat must have the same number of values.")
    if not np.all(np.isfinite(lons) & np.isfinite(lats)):
        raise InvalidInputError("Every point needs a finite longitude and latitude.")
    if not (np.isfinite(max_snap_m) and max_snap_m >= 0):
        raise InvalidInputError("max_snap_m must be a finite number of metres >= 0.")
    if len(lons) == 0:
        return SnappedPoints.empty()
    x, y = metric_transformer().transform(lons, lats)
    pieces = street_pieces(edges)
    nearest = pieces.nearest(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64))
    target, fraction = pieces.locate(nearest.piece, nearest.t)
    edge = edges.segment_edges[target]
    snapped_lon, snapped_lat = wire_transformer().transform(nearest.x, nearest.y)
    length = edges.length_m[edge]
    return SnappedPoints(
        edge_index=edge,
        offset_m=length * fraction,
        edge_length_m=length,
        off_street_m=nearest.distance,
        snapped_lon=np.asarray(snapped_lon, dtype=np.float64),
        snapped_lat=np.asarray(snapped_lat, dtype=np.float64),
        too_far=nearest.distance > max_snap_m,
    )


def street_pieces(edges: EdgeTable) -> StreetPieces:
    """Return the table's index of street pieces (built on first use and kept with the table)."""
    return edges.cached("street_pieces", lambda: StreetPieces.build(edges))
