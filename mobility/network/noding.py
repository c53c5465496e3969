# SPDX-License-Identifier: MIT
"""Noding: cut street lines wherever they meet, so every junction becomes a graph node.

City street files often run one line through several junctions (a whole street from end to end)
and do not always put a vertex where two streets cross. Routing needs a node at every place where
one may turn, so a line is cut:

- at every vertex it shares with another line, or visits twice itself (the way OSM ways meet);
- where the file has no level information, at every point where two lines cross or one line ends
  on another without a shared vertex: the point is inserted into both lines;
- with level information, only where lines of the same level cross: a bridge passes over the
  street below it, and only shared vertices connect lines of different levels (a ramp's end);
- for a topological referential (``ends_only``: IGN's BD TOPO, where a section ends at every
  junction), only at the lines' ends: an inner vertex or a crossing is never a junction there.

Everything works on flat coordinate arrays in a metric CRS (Lambert-93), vectorised with numpy and
shapely's STRtree, so a city's file is noded in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

SNAP_M = 1e-3
"""A crossing point closer than this (1 mm) to a vertex of either line is taken as that vertex, so
floating-point noise never leaves a sliver of an edge next to a junction."""


@dataclass(frozen=True, slots=True)
class NodedLines:
    """Lines cut at their junctions: piece ``p`` is ``coords[offsets[p]:offsets[p + 1]]``.

    ``start_node``/``end_node`` number the pieces' end points (equal coordinates, equal number),
    ``line`` says which input line a piece comes from, ``crossings_split`` how many crossing
    points without a shared vertex were inserted, ``zero_length_lines`` how many input lines had
    no length at all (fewer than two distinct vertices) and were left out.
    """

    coords: FloatArray
    offsets: IntArray
    line: IntArray
    start_node: IntArray
    end_node: IntArray
    node_xy: FloatArray
    crossings_split: int
    zero_length_lines: int

    @property
    def piece_count(self) -> int:
        """Return how many pieces the lines were cut into."""
        return len(self.line)

    def lengths(self) -> FloatArray:
        """Return each piece's length in the units of the coordinates (metres in Lambert-93)."""
        steps = np.hypot(*np.diff(self.coords, axis=0).T)
        steps[self.offsets[1:-1] - 1] = 0.0  # the step from one piece's end to the next's start
        running = np.concatenate([[0.0], np.cumsum(steps)])
        return np.asarray(running[self.offsets[1:] - 1] - running[self.offsets[:-1]], float)

    def piece_coords(self, piece: int) -> FloatArray:
        """Return the vertices of one piece, in the drawing order of its line."""
        return self.coords[self.offsets[piece] : self.offsets[piece + 1]]

    def select(self, pieces: IntArray) -> NodedLines:
        """Return only the given pieces (in that order), the node numbering unchanged."""
        sizes = np.diff(self.offsets)[pieces]
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        starts = self.offsets[pieces]
        index = np.arange(offsets[-1]) - np.repeat(offsets[:-1], sizes) + np.repeat(starts, sizes)
        return NodedLines(
            coords=self.coords[index],
            offsets=offsets,
            line=self.line[pieces],
            start_node=self.start_node[pieces],
            end_node=self.end_node[pieces],
            node_xy=self.node_xy,
            crossings_split=self.crossings_split,
            zero_length_lines=self.zero_length_lines,
        )


def find_duplicate_pieces(
    noded: NodedLines, line_key: IntArray, two_way: npt.NDArray[np.bool_]
) -> npt.NDArray[np.bool_]:
    """Flag every piece that repeats an earlier one: same vertices and the same fields.

    Parameters
    ----------
    line_key
        Per input line, a number equal for lines whose fields are all equal.
    two_way
        Per input line, whether it may be travelled both ways: a two-way piece drawn backwards
        is still the same street; a one-way one is the other carriageway's direction.
    """
    seen: set[tuple[int, bytes]] = set()
    duplicate = np.zeros(noded.piece_count, dtype=bool)
    for piece in range(noded.piece_count):
        line = int(noded.line[piece])
        xy = noded.piece_coords(piece)
        shape = xy.tobytes()
        if two_way[line]:
            shape = min(shape, xy[::-1].tobytes())
        key = (int(line_key[line]), shape)
        duplicate[piece] = key in seen
        seen.add(key)
    return duplicate


def node_lines(
    coords: FloatArray,
    line_of: IntArray,
    *,
    line_count: int,
    levels: IntArray | None = None,
    ends_only: bool = False,
) -> NodedLines:
    """Cut lines at shared vertices and at crossings (same-level crossings with ``levels``).

    Parameters
    ----------
    coords
        Every vertex of every line, ``(n, 2)`` metres, line after line, each in drawing order.
    line_of
        The line (``0 .. line_count - 1``) each vertex belongs to, non-decreasing.
    line_count
        How many lines there are (lines without vertices count as zero-length).
    levels
        One level per line (0 ground, 1 bridge, -1 tunnel...), or ``None`` when the file says
        nothing of levels: then every crossing is a junction.
    ends_only
        Join lines only where their ends meet, leaving every line whole: the file is already
        topological (each line runs from one junction to the next), so a line passing over an
        inner vertex or across another line is a bridge, a tunnel or a mistake, never a turn.

    Returns
    -------
    NodedLines
        The pieces, in line order and along each line.
    """
    coords, line_of = _drop_repeated(np.asarray(coords, float), np.asarray(line_of, np.int64))
    sizes = np.bincount(line_of, minlength=line_count)
    zero_length = int(np.count_nonzero(sizes < 2))
    keep = sizes[line_of] >= 2
    coords, line_of = coords[keep], line_of[keep]
    if ends_only:
        return _cut(coords, line_of, 0, zero_length, ends_only=True)
    coords, line_of, crossings = _insert_crossings(coords, line_of, levels)
    return _cut(coords, line_of, crossings, zero_length)


def _drop_repeated(coords: FloatArray, line_of: IntArray) -> tuple[FloatArray, IntArray]:
    """Drop a vertex equal to the one before it on the same line (it adds no length)."""
    if len(coords) == 0:
        return coords, line_of
    same = np.zeros(len(coords), dtype=bool)
    same[1:] = (line_of[1:] == line_of[:-1]) & np.all(coords[1:] == coords[:-1], axis=1)
    return coords[~same], line_of[~same]


def _insert_crossings(
    coords: FloatArray, line_of: IntArray, levels: IntArray | None
) -> tuple[FloatArray, IntArray, int]:
    """Insert every crossing point (not already a vertex of both lines) into both lines."""
    starts = np.flatnonzero(line_of[:-1] == line_of[1:])
    if len(starts) == 0:
        return coords, line_of, 0
    first, second = coords[starts], coords[starts + 1]
    segments = shapely.linestrings(np.stack([first, second], axis=1))
    left, right = shapely.STRtree(segments).query(segments, predicate="intersects")
    keep = (left < right) & (starts[right] != starts[left] + 1)  # neighbours share a vertex
    if levels is not None:
        keep &= levels[line_of[starts[left]]] == levels[line_of[starts[right]]]
    left, right = left[keep], right[keep]
    left, right = _skip_plain_junctions(left, right, first, second)
    meeting = shapely.intersection(segments[left], segments[right])
    points, pair = shapely.get_coordinates(meeting, return_index=True)
    if len(points) == 0:
        return coords, line_of, 0
    left, right = left[pair], right[pair]
    points = _snap_to_ends(points, [first[left], second[left], first[right], second[right]])
    inserted_on: list[IntArray] = []
    inserted_at: list[FloatArray] = []
    inserted_xy: list[FloatArray] = []
    for segment in (left, right):
        a, b = first[segment], second[segment]
        interior = ~(np.all(points == a, axis=1) | np.all(points == b, axis=1))
        span = np.hypot(*(b - a)[interior].T)
        along = np.hypot(*(points[interior] - a[interior]).T) / span
        inserted_on.append(starts[segment[interior]])
        inserted_at.append(np.clip(along, 1e-12, 1.0 - 1e-12))
        inserted_xy.append(points[interior])
    new_xy = np.concatenate(inserted_xy)
    if len(new_xy) == 0:
        return coords, line_of, 0
    position = np.concatenate([np.arange(len(coords)), *inserted_on])
    fraction = np.concatenate([np.zeros(len(coords)), *inserted_at])
    order = np.lexsort((fraction, position))
    merged = np.concatenate([coords, new_xy])[order]
    merged_lines = line_of[position][order]
    merged, merged_lines = _drop_repeated(merged, merged_lines)
    crossings = len(np.unique(new_xy, axis=0))
    return merged, merged_lines, crossings


def _skip_plain_junctions(
    left: IntArray, right: IntArray, first: FloatArray, second: FloatArray
) -> tuple[IntArray, IntArray]:
    """Leave out pairs of segments that only meet at a shared end (most pairs, at junctions).

    Such a pair meets at a vertex of both lines, which already cuts them; only when the two
    segments also run along each other (parallel) may an end of one lie inside the other.
    """
    a, b, c, d = first[left], second[left], first[right], second[right]
    shared = (
        np.all(a == c, axis=1)
        | np.all(a == d, axis=1)
        | np.all(b == c, axis=1)
        | np.all(b == d, axis=1)
    )
    u, w = b - a, d - c
    cross = u[:, 0] * w[:, 1] - u[:, 1] * w[:, 0]
    parallel = np.abs(cross) <= 1e-9 * np.hypot(*u.T) * np.hypot(*w.T)
    keep = ~shared | parallel
    return left[keep], right[keep]


def _snap_to_ends(points: FloatArray, ends: list[FloatArray]) -> FloatArray:
    """Replace a crossing point by the nearest segment end within :data:`SNAP_M`."""
    gaps = np.stack([np.hypot(*(points - end).T) for end in ends], axis=1)
    nearest = np.argmin(gaps, axis=1)
    close = gaps[np.arange(len(points)), nearest] <= SNAP_M
    snapped = points.copy()
    for index, end in enumerate(ends):
        chosen = close & (nearest == index)
        snapped[chosen] = end[chosen]
    return snapped


def _cut(
    coords: FloatArray,
    line_of: IntArray,
    crossings: int,
    zero_length: int,
    *,
    ends_only: bool = False,
) -> NodedLines:
    """Cut each line at its ends and (unless ``ends_only``) at every vertex met more than once."""
    node_xy, vertex_node, occurrences = np.unique(
        coords, axis=0, return_inverse=True, return_counts=True
    )
    vertex_node = vertex_node.reshape(-1)
    cut = occurrences[vertex_node] > 1 if not ends_only else np.zeros(len(vertex_node), bool)
    if len(cut):
        cut[0] = cut[-1] = True
        boundary = np.flatnonzero(line_of[1:] != line_of[:-1])
        cut[boundary] = cut[boundary + 1] = True
    at = np.flatnonzero(cut)
    same_line = line_of[at[:-1]] == line_of[at[1:]]
    begin, end = at[:-1][same_line], at[1:][same_line]
    sizes = end - begin + 1
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    index = np.arange(offsets[-1]) - np.repeat(offsets[:-1], sizes) + np.repeat(begin, sizes)
    used, renumbered = np.unique(
        np.concatenate([vertex_node[begin], vertex_node[end]]), return_inverse=True
    )
    return NodedLines(
        coords=coords[index],
        offsets=offsets,
        line=line_of[begin],
        start_node=renumbered[: len(begin)].astype(np.int64),
        end_node=renumbered[len(begin) :].astype(np.int64),
        node_xy=node_xy[used],
        crossings_split=crossings,
        zero_length_lines=zero_length,
    )
