# SPDX-License-Identifier: MIT
"""A spatial index of street pieces (the straight runs between two vertices of a street line).

Finding the nearest street for thousands of points with GEOS's nearest-neighbour search costs
about 20 µs a point and a tree of GEOS lines costs hundreds of bytes a piece. Here a k-d tree holds
points spread along the pieces (at most :data:`CHUNK_M` apart): a ball query gives candidate
pieces, and point-to-piece projection in numpy gives the exact distance and the position along
the line. A piece within ``r`` of a point has an indexed point within ``r`` plus half a chunk,
so the ball's radius is widened by that much and no nearer piece is missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from scipy.spatial import cKDTree

from mobility.network.csr import EdgeTable, FloatArray, IntArray

CANDIDATE_RADIUS_M = 60.0
"""Radius searched around each point first; points with no piece that near get a wider search."""

CHUNK_M = 120.0
"""Longest stretch of a piece one indexed point stands for (long pieces get several points)."""

FIRST_K = 16
"""Indexed points asked for per point at first (more are asked for when all are in the ball)."""

RADIUS_SLACK = 1e-9
"""Relative slack on ball radii, so rounding never drops a piece at exactly the radius."""


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
    """The pieces of every street segment's line, as arrays, with a k-d tree over them.

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
    tree: cKDTree
    chunk_piece: IntArray
    half_chunk: float

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
        chunks = np.maximum(np.ceil(length / CHUNK_M), 1).astype(np.int64)
        chunk_piece = np.repeat(np.arange(len(length), dtype=np.int64), chunks)
        rank = np.arange(len(chunk_piece)) - (np.cumsum(chunks) - chunks)[chunk_piece]
        share = (rank + 0.5) / chunks[chunk_piece]
        mid_x = start[chunk_piece, 0] + share * delta[chunk_piece, 0]
        mid_y = start[chunk_piece, 1] + share * delta[chunk_piece, 1]
        half_chunk = float((length / chunks).max()) / 2 if len(length) else 0.0
        return cls(
            x0=np.ascontiguousarray(start[:, 0]),
            y0=np.ascontiguousarray(start[:, 1]),
            dx=np.ascontiguousarray(delta[:, 0]),
            dy=np.ascontiguousarray(delta[:, 1]),
            length=length,
            target=owner,
            along=before - before[first],
            line_length=line_length[owner],
            tree=cKDTree(np.column_stack([mid_x, mid_y])),
            chunk_piece=chunk_piece,
            half_chunk=half_chunk,
        )

    def nbytes(self) -> int:
        """Bytes of the arrays (the k-d tree's own arrays are not counted)."""
        arrays = (self.x0, self.y0, self.dx, self.dy, self.length, self.target, self.along)
        extra = self.line_length.nbytes + self.chunk_piece.nbytes
        return int(sum(array.nbytes for array in arrays) + extra)

    def nearest(self, x: FloatArray, y: FloatArray) -> Nearest:
        """Find the nearest piece of each point (ties: the lowest piece row)."""
        size = len(x)
        piece = np.full(size, -1, dtype=np.int64)
        distance = np.full(size, np.inf)
        radius = CANDIDATE_RADIUS_M
        everyone = np.arange(size, dtype=np.int64)
        self._best_within(x, y, everyone, np.full(size, radius), piece, distance)
        # beyond the radius a nearer piece may hide: the nearest indexed point bounds the
        # distance to the nearest piece, so a ball that much wider (plus half a chunk) holds it
        unsure = np.flatnonzero(distance > radius)
        if len(unsure):
            bound, _ = self.tree.query(np.column_stack([x[unsure], y[unsure]]), k=1)
            self._best_within(x, y, unsure, np.asarray(bound, dtype=np.float64), piece, distance)
        t, px, py, gap = self._project(x, y, piece)
        return Nearest(piece=piece, t=t, x=px, y=py, distance=gap)

    def _best_within(
        self,
        x: FloatArray,
        y: FloatArray,
        points: IntArray,
        radius: FloatArray,
        piece: IntArray,
        distance: FloatArray,
    ) -> None:
        """Set ``piece``/``distance`` of ``points`` to their nearest candidate piece.

        Every piece within ``radius`` of a point is a candidate, so a nearest candidate no
        farther than ``radius`` is the nearest piece.
        """
        widened = (radius + self.half_chunk) * (1.0 + RADIUS_SLACK) + RADIUS_SLACK
        point_rows: list[IntArray] = []
        chunk_rows: list[IntArray] = []
        todo = np.arange(len(points))
        k = FIRST_K
        while len(todo):
            k = min(k, self.tree.n)
            gaps, rows = self.tree.query(
                np.column_stack([x[points[todo]], y[points[todo]]]),
                k=k,
                distance_upper_bound=float(widened[todo].max()),
            )
            gaps, rows = gaps.reshape(len(todo), k), rows.reshape(len(todo), k)
            inside = gaps <= widened[todo][:, None]
            full = inside[:, -1] & (k < self.tree.n)
            done = ~full
            hit = inside[done]
            point_rows.append(np.repeat(points[todo[done]], hit.sum(axis=1)))
            chunk_rows.append(np.asarray(rows[done][hit], dtype=np.int64))
            todo = todo[full]  # more chunks may lie in the ball: ask again for more
            k *= 4
        point_row = np.concatenate(point_rows)
        chunk_row = np.concatenate(chunk_rows)
        if len(point_row) == 0:
            return
        piece_row = self.chunk_piece[chunk_row]
        _, _, _, gap = self._project(x[point_row], y[point_row], piece_row)
        order = np.lexsort((piece_row, gap, point_row))
        sorted_points = point_row[order]
        best = order[np.r_[True, sorted_points[1:] != sorted_points[:-1]]]
        piece[point_row[best]] = piece_row[best]
        distance[point_row[best]] = gap[best]

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
