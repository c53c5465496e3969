# SPDX-License-Identifier: MIT
"""The bounding box a PBF read keeps streets and elements within, tested the cheap way.

A regional extract holds millions of nodes, and a Python test per node costs more than reading
the file. So the tests are made on libosmium's own numbers: a node's location as the fixed-point
integers the file stores (``x``, ``y``: degrees × 10⁷), and a way's envelope taken from the WKB
line libosmium builds in C++ from its located nodes, so a way far from the box is passed over
without a Python step per node.
"""

from __future__ import annotations

import math
import struct

import osmium
from shapely.geometry.base import BaseGeometry

COORDINATE_SCALE = 10_000_000
"""OSM stores degrees × 10⁷ as integers (libosmium's ``coordinate_precision``)."""
UNDEFINED_COORDINATE = 2_147_483_647
"""libosmium's value for the coordinate of a node the file does not locate."""
_WKB_HEADER = 9
"""Byte order (1), geometry type (4) and point count (4) before a WKB line's coordinates."""


class Bounds:
    """A lon/lat box, in degrees and in OSM fixed-point integers.

    The integer box is widened to whole units, so nothing on its edge is lost.
    """

    def __init__(self, west: float, south: float, east: float, north: float) -> None:
        self.west, self.south, self.east, self.north = west, south, east, north
        self.fixed = (
            math.floor(west * COORDINATE_SCALE),
            math.floor(south * COORDINATE_SCALE),
            math.ceil(east * COORDINATE_SCALE),
            math.ceil(north * COORDINATE_SCALE),
        )
        self._factory = osmium.geom.WKBFactory()

    @classmethod
    def around(cls, geometry: BaseGeometry) -> Bounds:
        """Return the box of a lon/lat geometry."""
        west, south, east, north = geometry.bounds
        return cls(west, south, east, north)

    def same_box(self, other: Bounds) -> bool:
        """Tell whether two bounds are the same box."""
        return (self.west, self.south, self.east, self.north) == (
            other.west,
            other.south,
            other.east,
            other.north,
        )

    def holds(self, x: int, y: int) -> bool:
        """Tell whether a fixed-point location lies in the box (an unlocated node never does)."""
        west, south, east, north = self.fixed
        return west <= x <= east and south <= y <= north

    def reaches(self, way: osmium.osm.Way) -> bool:
        """Tell whether a way's envelope meets the box.

        True when the envelope cannot be made (a node the file does not locate, a single node):
        the caller then reads that way node by node, which decides exactly.
        """
        try:
            text = self._factory.create_linestring(way, osmium.geom.use_nodes.ALL)
        except (osmium.InvalidLocationError, RuntimeError):
            return True
        raw = bytes.fromhex(text)
        count = (len(raw) - _WKB_HEADER) // 8
        order = "<" if raw[0] == 1 else ">"
        values = struct.unpack_from(f"{order}{count}d", raw, _WKB_HEADER)
        xs, ys = values[0::2], values[1::2]
        return bool(
            max(xs) >= self.west
            and min(xs) <= self.east
            and max(ys) >= self.south
            and min(ys) <= self.north
        )
