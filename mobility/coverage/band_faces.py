# SPDX-License-Identifier: MIT
"""The faces the band pieces' outlines cut the plane into: unions of pieces without overlay.

Overlaying polygons (a GEOS union) nodes every outline against every other, each time: for
hundreds of service areas drawn from the same street bands, that is the whole bill. Here the
outlines of all the pieces are noded *once* and cut the plane into faces, each wholly inside
or wholly outside every piece. The union of any set of pieces is the set of faces inside one
of them; its outline is made of the face sides with a chosen face on their left and an
unchosen face (or none) on their right: array lookups, then a walk round the rings
(:mod:`mobility.coverage.ring_walk`), for many unions at once.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.arrays import ranges, sorted_unique
from mobility.coverage.ring_walk import next_clockwise, ring_areas, ring_order
from mobility.network.edge_table import FloatArray, IntArray, ObjectArray, csr_nbytes

GRID_M = 1e-6
"""Grid the outlines are noded on: snap-rounding leaves no two vertices a hair apart (plain
floating-point noding can, and the faces between them have no trustworthy orientation)."""

STRAIGHT_SINE = 1e-6
"""An outline vertex turning by less than this (sine of the angle) is dropped: a straight run
of band cut where other outlines crossed it, its crossings snapped a micrometre off the line.
Dropped one after another, such vertices move the outline by less than a millionth of the
run's length. (A test on the distance to the neighbours' chord would also drop the two
vertices of a corner snapped a micrometre apart, and cut the corner.)"""

Int32Array = npt.NDArray[np.int32]
"""Vertex and face numbers of an arrangement: 32 bits, half the bytes of a kept one."""

UNIONS_PER_PASS = 64
"""Unions drawn together in one pass over the arrays (bounds the chosen-faces mask)."""

UNION_THREADS = min(4, os.cpu_count() or 1)
"""Threads drawing passes of unions at once."""


@dataclass(frozen=True, eq=False)
class BandFaces:
    """The arrangement of a set of pieces: its faces, and its half-edges with the face on each side.

    Attributes
    ----------
    pieces
        The pieces (numbers in :class:`~mobility.coverage.band_pieces.BandPieces`) whose
        faces are known, sorted: any set of them can be united.
    drawn
        The drawn pieces whose outlines were noded, sorted.
    parts
        Pieces × drawn pieces: what each piece stands for.
    piece_faces
        Pieces × faces, true where the face lies inside the piece.
    piece_outline
        Pieces × half-edges, true for the half-edges round the piece, the piece on their left:
        the outline of a union is drawn from the outlines of its pieces.
    half_from, half_to
        Vertex at each half-edge's start and end.
    right_face
        The face on each half-edge's right, -1 where none (outside every piece).
    origin, vertex_xy
        Lambert-93 coordinates of every vertex, as offsets from ``origin`` (small numbers:
        ring areas and turning angles are summed precisely).
    """

    pieces: IntArray
    drawn: IntArray
    parts: sp.csr_matrix
    piece_faces: sp.csr_matrix
    piece_outline: sp.csr_matrix
    half_from: Int32Array
    half_to: Int32Array
    right_face: Int32Array
    origin: FloatArray
    vertex_xy: FloatArray

    @property
    def face_count(self) -> int:
        """Number of faces."""
        return int(self.piece_faces.shape[1])

    def nbytes(self) -> int:
        """Bytes held by the arrays."""
        arrays = (self.pieces, self.drawn, self.half_from, self.half_to, self.right_face)
        matrices = (self.parts, self.piece_faces, self.piece_outline)
        return (
            sum(array.nbytes for array in arrays)
            + self.vertex_xy.nbytes
            + sum(csr_nbytes(matrix) for matrix in matrices)
        )

    def holds(self, pieces: IntArray) -> bool:
        """Tell whether every one of ``pieces`` was noded here (so their union can be drawn)."""
        if len(pieces) == 0:
            return True
        if len(self.pieces) == 0:
            return False
        slot = np.minimum(np.searchsorted(self.pieces, pieces), len(self.pieces) - 1)
        return bool(np.all(self.pieces[slot] == pieces))

    def unions(self, selections: list[IntArray]) -> list[BaseGeometry]:
        """Return the union of each set of pieces (every piece :meth:`held <holds>`).

        Passes of :data:`UNIONS_PER_PASS` unions run in threads: numpy's sorts and arithmetic
        release the GIL.
        """
        passes = [
            selections[low : low + UNIONS_PER_PASS]
            for low in range(0, len(selections), UNIONS_PER_PASS)
        ]
        if len(passes) <= 1:
            return [union for chunk in passes for union in self._unions(chunk)]
        with ThreadPoolExecutor(max_workers=min(UNION_THREADS, len(passes))) as pool:
            return [union for done in pool.map(self._unions, passes) for union in done]

    def _unions(self, selections: list[IntArray]) -> list[BaseGeometry]:
        """One pass: mark each union's faces, keep its pieces' sides with an unmarked right."""
        owner = np.repeat(np.arange(len(selections)), [len(s) for s in selections])
        pieces = np.concatenate([np.zeros(0, dtype=np.int64), *selections])
        faces, face_owner = _rows(self.piece_faces, pieces, owner)
        chosen = np.zeros(len(selections) * self.face_count, dtype=bool)
        chosen[face_owner * self.face_count + faces] = True
        half, half_owner = _rows(self.piece_outline, pieces, owner)
        right = self.right_face[half].astype(np.int64)
        outline = (right < 0) | ~chosen[half_owner * self.face_count + np.maximum(right, 0)]
        # a side on the outlines of two chosen pieces comes twice: keep it once
        key = sorted_unique(half_owner[outline] * len(self.half_from) + half[outline])
        half_owner, half = np.divmod(key, len(self.half_from))
        start = self.half_from[half].astype(np.int64)
        end = self.half_to[half].astype(np.int64)
        ring, order = ring_order(next_clockwise(half_owner, start, end, self.vertex_xy))
        owner, ring, vertex = _split_pinched(half_owner[order], ring[order], start[order])
        return _assemble(len(selections), owner, ring, self.vertex_xy[vertex], self.origin)


def _rows(matrix: sp.csr_matrix, rows: IntArray, owner: IntArray) -> tuple[IntArray, IntArray]:
    """Return the column indices of ``matrix[rows]`` one after another, and their owners."""
    indptr = matrix.indptr
    count = indptr[rows + 1] - indptr[rows]
    columns: IntArray = matrix.indices[ranges(indptr[rows], count)].astype(np.int64)
    return columns, np.repeat(owner, count)


def _split_pinched(
    owner: IntArray, ring: IntArray, vertex: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """Split every walked ring that passes a vertex twice into rings that pass it once.

    Where a hole touches its shell at a point, the walk goes round both in one ring; a valid
    polygon wants them apart (the loop closed at the vertex is the hole). Arrays are the
    ring-ordered vertices, returned in the same form with rings numbered afresh.
    """
    stride = int(vertex.max(initial=0)) + 1
    ordered = np.sort(ring * stride + vertex)
    twice = np.unique(ordered[1:][ordered[1:] == ordered[:-1]] // stride)
    if len(twice) == 0:
        return owner, ring, vertex
    pinched = np.isin(ring, twice)
    pieces: list[IntArray] = [np.flatnonzero(~pinched)]
    labels: list[IntArray] = [ring[~pinched]]
    fresh = int(ring.max()) + 1
    for number in twice.tolist():
        for loop in _loops(np.flatnonzero(ring == number), vertex):
            pieces.append(loop)
            labels.append(np.full(len(loop), fresh, dtype=np.int64))
            fresh += 1
    at = np.concatenate(pieces)
    label = np.concatenate(labels)
    order = np.argsort(label, kind="stable")
    at = at[order]
    return owner[at], label[order], vertex[at]


def _loops(positions: IntArray, vertex: IntArray) -> list[IntArray]:
    """Cut a closed walk into simple loops, each closed where the walk comes back to a vertex."""
    loops: list[IntArray] = []
    stack: list[int] = []
    seen: dict[int, int] = {}
    for position in positions.tolist():
        at = int(vertex[position])
        if at in seen:
            begin = seen[at]
            loops.append(np.array(stack[begin:], dtype=np.int64))
            for dropped in stack[begin + 1 :]:
                del seen[int(vertex[dropped])]
            del stack[begin:]
        seen[at] = len(stack)
        stack.append(position)
    if stack:
        loops.append(np.array(stack, dtype=np.int64))
    return loops


def _assemble(
    total: int, owner: IntArray, ring: IntArray, xy: FloatArray, origin: FloatArray
) -> list[BaseGeometry]:
    """Turn walked rings (vertices in order, ring by ring) into one (Multi)Polygon per owner.

    Rings running anticlockwise are shells, clockwise ones holes; a hole belongs to the
    smallest shell round it. Vertices on a straight line between their neighbours go, and
    with them the rings left with fewer than three (slivers between pieces' outlines).
    """
    result: list[BaseGeometry] = [shapely.Polygon() for _ in range(total)]
    if len(ring) == 0:
        return result
    begins = np.r_[True, ring[1:] != ring[:-1]]
    ring_start = np.flatnonzero(begins)
    ring_end = np.r_[ring_start[1:], len(ring)]
    number = np.cumsum(begins) - 1
    index = np.arange(len(ring))
    following = np.where(index + 1 == ring_end[number], ring_start[number], index + 1)
    before = np.where(index == ring_start[number], ring_end[number] - 1, index - 1)
    area = ring_areas(number, xy, xy[following])
    incoming = xy - xy[before]
    outgoing = xy[following] - xy
    turn = np.abs(incoming[:, 0] * outgoing[:, 1] - incoming[:, 1] * outgoing[:, 0])
    size = np.hypot(incoming[:, 0], incoming[:, 1]) * np.hypot(outgoing[:, 0], outgoing[:, 1])
    keep = turn > STRAIGHT_SINE * size
    sound = np.bincount(number[keep], minlength=len(ring_start)) >= 3  # else a sliver: gone
    keep &= sound[number]
    if not keep.any():
        return result
    dense = np.cumsum(sound) - 1
    rings = shapely.linearrings(xy[keep] + origin, indices=dense[number[keep]])
    ring_owner = owner[ring_start[sound]]
    shell = area[sound] > 0
    shells_of = np.bincount(ring_owner[shell], minlength=total)
    single = shells_of[ring_owner] == 1
    order = np.lexsort((~shell, ring_owner))
    order = order[single[order]]
    if len(order):
        owners, dense = np.unique(ring_owner[order], return_inverse=True)
        polygons = shapely.polygons(rings[order], indices=dense)
        for at, polygon in zip(owners.tolist(), polygons, strict=True):
            result[at] = polygon
    for at in np.flatnonzero(shells_of > 1).tolist():
        mine = np.flatnonzero(ring_owner == at)
        result[at] = _nest(rings[mine[shell[mine]]], rings[mine[~shell[mine]]])
    return result


def _nest(shells: ObjectArray, holes: ObjectArray) -> BaseGeometry:
    """Put each hole in the smallest shell round it: a MultiPolygon."""
    outlines = shapely.polygons(shells)
    size = shapely.area(outlines)
    owned: list[list[BaseGeometry]] = [[] for _ in shells]
    for hole in holes:
        x, y = shapely.get_coordinates(hole)[:2].mean(axis=0)  # a side's middle: off the shells
        inside = np.flatnonzero(shapely.contains_xy(outlines, x, y))
        if len(inside):
            owned[int(inside[np.argmin(size[inside])])].append(hole)
    return shapely.MultiPolygon(
        [shapely.Polygon(shell, inner) for shell, inner in zip(shells, owned, strict=True)]
    )


def arrange(polygons: ObjectArray, parts: sp.csr_matrix, drawn: IntArray) -> BandFaces:
    """Node the outlines of the drawn pieces ``polygons[drawn]`` once and build their faces.

    ``parts`` (pieces × drawn pieces) says what every piece stands for: the faces of a piece
    are those of its parts, and it can be united when all its parts are among ``drawn``.
    """
    noded = np.unique(drawn)
    chosen = polygons[noded]
    origin = shapely.total_bounds(chosen)[:2].copy()
    lines = shapely.get_parts(shapely.union_all(shapely.boundary(chosen), grid_size=GRID_M))
    coords, line_of = shapely.get_coordinates(lines, return_index=True)
    tail = np.flatnonzero(line_of[1:] == line_of[:-1])
    ends = np.concatenate([coords[tail], coords[tail + 1]]) - origin
    flat, vertex = np.unique(ends[:, 0] + 1j * ends[:, 1], return_inverse=True)
    vertex_xy = np.column_stack([flat.real, flat.imag])
    side_from, side_to = vertex[: len(tail)], vertex[len(tail) :]
    pairs = np.unique(
        np.column_stack([np.minimum(side_from, side_to), np.maximum(side_from, side_to)]), axis=0
    )
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    half_from = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(np.int64)
    half_to = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(np.int64)
    twin = np.r_[np.arange(len(pairs)) + len(pairs), np.arange(len(pairs))]
    group = np.zeros(len(half_from), dtype=np.int64)
    ring, order = ring_order(next_clockwise(group, half_from, half_to, vertex_xy))
    area = ring_areas(ring, vertex_xy[half_from], vertex_xy[half_to])
    face_of_ring = np.full(len(area), -1, dtype=np.int64)
    face_rings = np.flatnonzero(area > 0)
    face_of_ring[face_rings] = np.arange(len(face_rings))
    walked = order[area[ring[order]] > 0]
    shells = shapely.linearrings(
        vertex_xy[half_from[walked]] + origin, indices=face_of_ring[ring[walked]]
    )
    faces = np.asarray(shapely.polygons(shells), dtype=object)
    _add_holes(faces, area, ring, order, half_from, vertex_xy, origin, face_of_ring)
    # each piece, prepared once, tests the faces' inner points it may hold
    local, face_of = shapely.STRtree(shapely.point_on_surface(faces)).query(
        chosen, predicate="contains"
    )
    left = face_of_ring[ring]
    right = left[twin]
    drawn_faces = sp.csr_matrix(
        (np.ones(len(face_of), dtype=np.int32), (noded[local], face_of)),
        shape=(parts.shape[1], len(faces)),
    )
    is_noded = np.zeros(parts.shape[1], dtype=np.int32)
    is_noded[noded] = 1
    counts = parts.astype(np.int32)
    held = np.flatnonzero(counts @ is_noded == np.diff(parts.indptr))
    keep = sp.csr_matrix(
        (np.ones(len(held), dtype=np.int32), (held, held)), shape=(parts.shape[0],) * 2
    )
    piece_faces = (keep @ counts @ drawn_faces).astype(bool).tocsr()
    return BandFaces(
        pieces=held,
        drawn=noded,
        parts=parts,
        piece_faces=piece_faces,
        piece_outline=_piece_outlines(piece_faces, left, right, np.flatnonzero(left >= 0)),
        half_from=half_from.astype(np.int32),
        half_to=half_to.astype(np.int32),
        right_face=right.astype(np.int32),
        origin=origin,
        vertex_xy=vertex_xy,
    )


def _piece_outlines(
    piece_faces: sp.csr_matrix, left: IntArray, right: IntArray, on_face: IntArray
) -> sp.csr_matrix:
    """Pieces × half-edges: the sides of a piece's faces whose right face is not in the piece."""
    by_face = on_face[np.argsort(left[on_face], kind="stable")]
    face_first = np.searchsorted(left[by_face], np.arange(piece_faces.shape[1] + 1))
    inside = piece_faces.tocoo()
    piece, face = inside.row.astype(np.int64), inside.col.astype(np.int64)
    count = face_first[face + 1] - face_first[face]
    half = by_face[ranges(face_first[face], count)]
    piece = np.repeat(piece, count)
    faces = piece_faces.shape[1]
    member = np.sort(inside.row.astype(np.int64) * faces + inside.col)
    beyond = right[half]
    key = piece * faces + np.maximum(beyond, 0)
    slot = np.minimum(np.searchsorted(member, key), len(member) - 1)
    edge = (beyond < 0) | (member[slot] != key)
    return sp.csr_matrix(
        (np.ones(int(edge.sum()), dtype=bool), (piece[edge], half[edge])),
        shape=(piece_faces.shape[0], len(left)),
    )


def _add_holes(
    faces: ObjectArray,
    area: FloatArray,
    ring: IntArray,
    order: IntArray,
    half_from: IntArray,
    vertex_xy: FloatArray,
    origin: FloatArray,
    face_of_ring: IntArray,
) -> None:
    """Give the faces their holes: the outer rings of the pieces of outline lying inside them.

    A clockwise ring is the outside of a connected piece of the outlines; the face round it is
    the smallest one holding a point just left of its leftmost vertex (none: it lies in the
    open). The ring's half-edges then border that face (``face_of_ring`` is filled in).
    """
    outer = np.flatnonzero(area < 0)
    if len(outer) == 0:
        return
    walked = order[area[ring[order]] < 0]
    xy = vertex_xy[half_from[walked]]
    labels = ring[walked]
    leftmost = np.lexsort((xy[:, 1], xy[:, 0], labels))
    firsts = leftmost[np.r_[True, labels[leftmost][1:] != labels[leftmost][:-1]]]
    probe = xy[firsts] + origin - np.array([1e-6, 0.0])
    inside, candidate = shapely.STRtree(faces).query(shapely.points(probe), predicate="within")
    size = shapely.area(faces)
    around = np.full(len(firsts), -1, dtype=np.int64)
    best = np.full(len(firsts), np.inf)
    for probe_at, face in zip(inside.tolist(), candidate.tolist(), strict=True):
        if size[face] < best[probe_at]:
            best[probe_at], around[probe_at] = size[face], face
    outer_labels = labels[firsts]
    face_of_ring[outer_labels] = around
    rings = shapely.linearrings(xy + origin, indices=np.searchsorted(outer_labels, labels))
    for at, face in enumerate(around.tolist()):
        if face >= 0:
            polygon = faces[face]
            faces[face] = shapely.Polygon(polygon.exterior, [*polygon.interiors, rings[at]])
