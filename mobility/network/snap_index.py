# SPDX-License-Identifier: MIT
"""A spatial index of street pieces (the straight runs between two vertices of a street line).

Finding the nearest street for thousands of points with GEOS's nearest-neighbour search costs a
Python-level call per point, and a tree of GEOS lines holds a whole geometry per piece. Here a
k-d tree holds points spread along the pieces (at most :data:`CHUNK_M` apart: a few numbers a
point with its tree nodes, and straight streets keep nothing else: their ends are the table's
nodes): a ball query
gives candidate pieces, and point-to-piece projection in numpy gives the exact distance and the
position along the line. A piece within ``r`` of a point has an indexed point within ``r`` plus
half a chunk, so the ball's radius is widened by that much and no nearer piece is missed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
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


KD_LEAF_SIZE = 32
"""Points per k-d tree leaf: half the tree nodes of scipy's default 16, for a slightly slower
query."""

KD_NODE_BYTES = 72
"""Bytes of one scipy k-d tree node (``ckdtreenode``), to count the tree's memory."""


@dataclass(frozen=True, eq=False)
class DrawnPieces:
    """Per piece of drawn lines: start, vector, segment row and the line length before it.

    Float64, so projections stay exact; ``line_length`` is per segment (the whole line).
    """

    x0: FloatArray
    y0: FloatArray
    dx: FloatArray
    dy: FloatArray
    target: npt.NDArray[np.int32]
    along: FloatArray
    line_length: FloatArray

    def nbytes(self) -> int:
        """Bytes of the arrays."""
        return int(sum(array.nbytes for array in vars(self).values()))


@dataclass(frozen=True, eq=False)
class StreetPieces:
    """The pieces of every street segment's line, with a k-d tree over points along them.

    ``chunk_piece`` is the piece of each tree point (``None`` when every piece is one point: the
    tree's rows are the pieces). Kept lean, for big networks:

    * straight lines (tables built from arrays without geometry): a piece *is* a segment, and
      nothing is stored but the tree: its ends are read from the table's node coordinates;
    * drawn lines: :class:`DrawnPieces`.

    ``node_x``, ``node_y``, ``u``, ``v`` and ``segments`` are the table's own arrays (not
    copies).
    """

    node_x: FloatArray
    node_y: FloatArray
    u: IntArray
    v: IntArray
    segments: IntArray
    drawn: DrawnPieces | None
    tree: cKDTree
    chunk_piece: npt.NDArray[np.int32] | None
    half_chunk: float

    @classmethod
    def build(cls, edges: EdgeTable) -> StreetPieces:
        """Cut the street segments' lines into pieces (straight lines need no line object)."""
        targets = edges.segment_edges
        if not edges.drawn:
            u, v = edges.u_index[targets], edges.v_index[targets]
            x0, y0 = edges.node_x_m[u], edges.node_y_m[u]
            dx, dy = edges.node_x_m[v] - x0, edges.node_y_m[v] - y0
            del u, v
            drawn = None
        else:
            coords, index = edges.line_coordinates(targets)
            same = index[1:] == index[:-1]
            start, end = coords[:-1][same], coords[1:][same]
            owner = np.asarray(index[:-1][same], dtype=np.int64)
            x0, y0 = np.ascontiguousarray(start[:, 0]), np.ascontiguousarray(start[:, 1])
            dx = np.ascontiguousarray(end[:, 0] - start[:, 0])
            dy = np.ascontiguousarray(end[:, 1] - start[:, 1])
            length = np.hypot(dx, dy)
            before = np.cumsum(length) - length
            first = np.searchsorted(owner, owner, side="left")
            drawn = DrawnPieces(
                x0=x0,
                y0=y0,
                dx=dx,
                dy=dy,
                target=owner.astype(np.int32),
                along=before - before[first],
                line_length=np.bincount(owner, weights=length, minlength=len(targets)).astype(
                    np.float64
                ),
            )
        length = np.hypot(dx, dy)
        chunks = np.maximum(np.ceil(length / CHUNK_M), 1).astype(np.int64)
        half_chunk = float((length / chunks).max()) / 2 if len(length) else 0.0
        if np.all(chunks == 1):
            chunk_piece = None
            middle = np.empty((len(length), 2), dtype=np.float64)
            middle[:, 0] = x0 + 0.5 * dx
            middle[:, 1] = y0 + 0.5 * dy
        else:
            chunk_piece = np.repeat(np.arange(len(length), dtype=np.int32), chunks)
            rank = np.arange(len(chunk_piece)) - (np.cumsum(chunks) - chunks)[chunk_piece]
            share = (rank + 0.5) / chunks[chunk_piece]
            middle = np.empty((len(chunk_piece), 2), dtype=np.float64)
            middle[:, 0] = x0[chunk_piece] + share * dx[chunk_piece]
            middle[:, 1] = y0[chunk_piece] + share * dy[chunk_piece]
            del rank, share
        del length, chunks, x0, y0, dx, dy
        tree = cKDTree(middle, leafsize=KD_LEAF_SIZE, balanced_tree=False)
        return cls(
            node_x=edges.node_x_m,
            node_y=edges.node_y_m,
            u=edges.u_index,
            v=edges.v_index,
            segments=targets,
            drawn=drawn,
            tree=tree,
            chunk_piece=chunk_piece,
            half_chunk=half_chunk,
        )

    @property
    def straight(self) -> bool:
        """Whether the pieces are the segments' straight lines (nothing stored per piece)."""
        return self.drawn is None

    @property
    def count(self) -> int:
        """Number of pieces."""
        return len(self.segments) if self.drawn is None else len(self.drawn.x0)

    @property
    def length(self) -> FloatArray:
        """Length of every piece (computed)."""
        _, _, dx, dy = self._ends(np.arange(self.count))
        return np.hypot(dx, dy)

    def nbytes(self) -> int:
        """Bytes of the stored arrays and of the k-d tree (its points, order and nodes)."""
        total = 0 if self.drawn is None else self.drawn.nbytes()
        if self.chunk_piece is not None:
            total += self.chunk_piece.nbytes
        tree = self.tree
        total += tree.data.nbytes + tree.indices.nbytes + KD_NODE_BYTES * int(tree.size)
        return int(total)

    def locate(self, piece: IntArray, t: FloatArray) -> tuple[IntArray, FloatArray]:
        """Segment row (in ``segments``) and fraction along its line of positions on pieces."""
        drawn = self.drawn
        if drawn is None:
            return piece, t
        target = drawn.target[piece].astype(np.int64)
        _, _, dx, dy = self._ends(piece)
        along = drawn.along[piece] + t * np.hypot(dx, dy)
        total = drawn.line_length[target]
        fraction = np.divide(along, total, out=np.zeros_like(along), where=total > 0)
        return target, np.clip(fraction, 0.0, 1.0)

    def _ends(self, piece: IntArray) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
        """Start and vector of pieces."""
        drawn = self.drawn
        if drawn is None:
            edge = self.segments[piece]
            u, v = self.u[edge], self.v[edge]
            x0, y0 = self.node_x[u], self.node_y[u]
            return x0, y0, self.node_x[v] - x0, self.node_y[v] - y0
        return drawn.x0[piece], drawn.y0[piece], drawn.dx[piece], drawn.dy[piece]

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
        piece_row = (
            chunk_row if self.chunk_piece is None else self.chunk_piece[chunk_row].astype(np.int64)
        )
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
        x0, y0, dx, dy = self._ends(piece)
        squared = dx * dx + dy * dy
        dot = (x - x0) * dx + (y - y0) * dy
        t = np.divide(dot, squared, out=np.zeros_like(dot), where=squared > 0)
        t = np.clip(t, 0.0, 1.0)
        px, py = x0 + t * dx, y0 + t * dy
        return t, px, py, np.hypot(x - px, y - py)
