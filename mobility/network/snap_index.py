# SPDX-License-Identifier: MIT
"""A spatial index of street pieces (the straight runs between two vertices of a street line).

Finding the nearest street for thousands of points with GEOS's nearest-neighbour search costs
about 20 µs a point; a box query for candidate pieces followed by point-to-piece projection in
numpy costs a few. The projection also gives the position along the line, so no per-point GEOS
call is left. Points with no street piece within :data:`CANDIDATE_RADIUS_M` fall back to the
exact nearest-neighbour search.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely import STRtree

from mobility.network.csr import EdgeTable, FloatArray, IntArray

CANDIDATE_RADIUS_M = 60.0
"""Half-size of the box searched around each point before the exact nearest-neighbour search."""


@dataclass(frozen=True, eq=False)
class Nearest:
    """The nearest street piece of each point.

    Piece row, position ``t`` along it (0..1), the projected point (Lambert-93) and the distance
    to it.
    """

    piece: IntArray
    t: FloatArray
    x: FloatArray
    y: FloatArray
    distance: FloatArray


@dataclass(frozen=True, eq=False)
class StreetPieces:
    """The pieces of every street segment's line, as arrays, with an STRtree over them.

    ``target`` is the row in ``EdgeTable.segment_edges`` the piece belongs to, ``along`` the line
    length before the piece, ``line_length`` the whole line's length (all Lambert-93 metres).
    """

    x0: FloatArray
    y0: FloatArray
    dx: FloatArray
    dy: FloatArray
    length: FloatArray
    target: IntArray
    along: FloatArray
    line_length: FloatArray
    tree: STRtree

    @classmethod
    def build(cls, edges: EdgeTable) -> StreetPieces:
        """Cut the street segments' lines into pieces (straight lines need no line object)."""
        targets = edges.segment_edges
        if edges.line_metric is None:
            start = np.column_stack(
                [edges.node_x_m[edges.u_index[targets]], edges.node_y_m[edges.u_index[targets]]]
            )
            end = np.column_stack(
                [edges.node_x_m[edges.v_index[targets]], edges.node_y_m[edges.v_index[targets]]]
            )
            owner = np.arange(len(targets), dtype=np.int64)
        else:
            coords, index = shapely.get_coordinates(edges.line_metric[targets], return_index=True)
            same = index[1:] == index[:-1]
            start, end = coords[:-1][same], coords[1:][same]
            owner = np.asarray(index[:-1][same], dtype=np.int64)
        delta = end - start
        length = np.hypot(delta[:, 0], delta[:, 1])
        before = np.cumsum(length) - length
        first = np.searchsorted(owner, owner, side="left")
        line_length = np.bincount(owner, weights=length, minlength=len(targets)).astype(np.float64)
        pieces = shapely.linestrings(np.stack([start, end], axis=1))
        return cls(
            x0=np.ascontiguousarray(start[:, 0]),
            y0=np.ascontiguousarray(start[:, 1]),
            dx=np.ascontiguousarray(delta[:, 0]),
            dy=np.ascontiguousarray(delta[:, 1]),
            length=length,
            target=owner,
            along=before - before[first],
            line_length=line_length[owner],
            tree=STRtree(pieces),
        )

    def nbytes(self) -> int:
        """Bytes of the arrays (the tree and its line objects are not counted)."""
        arrays = (self.x0, self.y0, self.dx, self.dy, self.length, self.target, self.along)
        return int(sum(array.nbytes for array in arrays) + self.line_length.nbytes)

    def nearest(self, x: FloatArray, y: FloatArray) -> Nearest:
        """Find the nearest piece of each point (ties: the lowest piece row)."""
        size = len(x)
        piece = np.full(size, -1, dtype=np.int64)
        distance = np.full(size, np.inf)
        radius = CANDIDATE_RADIUS_M
        boxes = shapely.box(x - radius, y - radius, x + radius, y + radius)
        point_row, piece_row = self.tree.query(boxes)
        if len(point_row):
            _, _, _, gap = self._project(x[point_row], y[point_row], piece_row)
            order = np.lexsort((piece_row, gap, point_row))
            sorted_points = point_row[order]
            best = order[np.r_[True, sorted_points[1:] != sorted_points[:-1]]]
            piece[point_row[best]] = piece_row[best]
            distance[point_row[best]] = gap[best]
        # beyond the box a nearer piece may hide: ask the tree for those points
        unsure = np.flatnonzero(distance > radius)
        if len(unsure):
            found = self.tree.query_nearest(shapely.points(x[unsure], y[unsure]), all_matches=False)
            piece[unsure[found[0]]] = found[1]
        t, px, py, gap = self._project(x, y, piece)
        return Nearest(piece=piece, t=t, x=px, y=py, distance=gap)

    def _project(
        self, x: FloatArray, y: FloatArray, piece: IntArray
    ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Project points onto pieces: position t (0..1), projected point, distance."""
        x0, y0, dx, dy = self.x0[piece], self.y0[piece], self.dx[piece], self.dy[piece]
        squared = dx * dx + dy * dy
        dot = (x - x0) * dx + (y - y0) * dy
        t = np.divide(dot, squared, out=np.zeros_like(dot), where=squared > 0)
        t = np.clip(t, 0.0, 1.0)
        px, py = x0 + t * dx, y0 + t * dy
        return t, px, py, np.hypot(x - px, y - py)
