# SPDX-License-Identifier: MIT
"""The band along every street, cut once into pieces that any reach is drawn from.

A service area is the band along the reached street length. Cutting each street's band into
short slabs (flat ends, at most :data:`SLAB_M` long) plus one polygon round every crossing
turns every area into a *union of pieces known in advance*: a reach picks the slabs it
touches and the crossings it reaches, nothing is buffered or cut per request, and the union
of the pieces can be put together from their kept arrangement
(:mod:`mobility.coverage.band_faces`) without any polygon overlay.

What that draws, against buffering the reached stretches one by one: the same band along the
streets and round every reached crossing, holding every reached position; a reach that stops
inside a street ends square, less than a slab past where it stops, where a buffer would have
drawn a round end reaching ``band_m`` further along the unreached street.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import shapely

from mobility.coverage.street_cuts import cut_lines
from mobility.network.edge_table import (
    GEOMETRY_OVERHEAD_BYTES,
    BoolArray,
    EdgeTable,
    IntArray,
    ObjectArray,
    csr_nbytes,
)
from mobility.network.engine_reach import Reach

SLAB_M = 10.0
"""Longest slab along a street: a reach's end is drawn to within half of it."""

BAND_QUAD_SEGS = 2
"""Segments per quarter circle of the polygons round the crossings and of the bends' joins.

Few: a band is a sketch. The polygons are inscribed in their circles, so the band never
reaches past ``band_m`` from its street and always covers :func:`inner_band_m` round it.
"""


def inner_band_m(band_m: float) -> float:
    """Half-width every band is sure to cover, its rounds drawn with few chords.

    A crossing's polygon has chords of a quarter circle over :data:`BAND_QUAD_SEGS`; a bend's
    join up to one and a half times that (GEOS rounds the number of chords of a join to the
    nearest): the band reaches at least the distance of such a chord's middle from the street.
    """
    return band_m * math.cos(1.5 * (math.pi / 2 / BAND_QUAD_SEGS) / 2)


@dataclass(frozen=True, eq=False)
class BandPieces:
    """Every street's band cut into slabs, a polygon round every street end, and wholes.

    Pieces are numbered: the slabs (street segment by street segment, from its u end), then
    one polygon per node that ends a street segment (these two kinds are drawn: the
    :attr:`polygons`), then one *whole* per street segment, standing for all its slabs (a
    street reached from end to end draws one piece instead of a dozen).

    Attributes
    ----------
    polygons
        Every piece, Lambert-93 (a whole is its street's band with flat ends, the union of its
        slabs).
    parts
        Pieces × drawn pieces: what each piece stands for (itself, or a street's slabs).
    segment_of_edge, against_segment
        The street segment of every directed edge, and whether the edge runs v→u on it.
    segment_edge, slab_first, slab_count
        Per segment: its standing edge, its first slab's number and how many slabs it has.
    node_piece
        Per node: the number of its polygon, -1 for a node that ends no street segment.
    """

    band_m: float
    polygons: ObjectArray
    parts: sp.csr_matrix
    segment_of_edge: IntArray
    against_segment: BoolArray
    segment_edge: IntArray
    slab_first: IntArray
    slab_count: IntArray
    node_piece: IntArray

    @property
    def count(self) -> int:
        """Number of pieces, wholes included."""
        return int(self.parts.shape[0])

    @property
    def whole_first(self) -> int:
        """Number of the first street segment's whole (the number of drawn pieces)."""
        return int(self.parts.shape[1])

    def nbytes(self) -> int:
        """Bytes of the arrays (the polygons counted by their coordinates)."""
        arrays = (
            self.segment_of_edge,
            self.against_segment,
            self.segment_edge,
            self.slab_first,
            self.slab_count,
            self.node_piece,
        )
        coords = int(shapely.get_num_coordinates(self.polygons).sum()) * 16
        return (
            sum(array.nbytes for array in arrays)
            + csr_nbytes(self.parts)
            + coords
            + GEOMETRY_OVERHEAD_BYTES * self.count
        )

    def of_reaches(self, edges: EdgeTable, reaches: list[Reach]) -> list[IntArray]:
        """Return the pieces each reach draws (sorted, unique), all reaches at once.

        A stretch draws the slabs of its street it touches (the street's whole when it covers
        it end to end) and the polygon of each street end it reaches: the drawing holds every
        reached position and goes at most a slab past the end of a reach.
        """
        owner = np.repeat(np.arange(len(reaches)), [reach.count for reach in reaches])
        edge = np.concatenate([np.zeros(0, dtype=np.int64), *(r.edge_index for r in reaches)])
        start = np.concatenate([np.zeros(0), *(r.start_m for r in reaches)])
        end = np.concatenate([np.zeros(0), *(r.end_m for r in reaches)])
        segment = self.segment_of_edge[edge]
        length = edges.length_m[edge]
        against = self.against_segment[edge]
        low = np.where(against, length - end, start)
        high = np.where(against, length - start, end)
        at_u, at_v = low <= 0.0, high >= length
        whole = at_u & at_v
        count = self.slab_count[segment]
        scale = np.divide(count, length, out=np.zeros(len(length)), where=length > 0)
        first = np.clip(np.floor(low * scale).astype(np.int64), 0, count - 1)
        last = np.clip(np.ceil(high * scale).astype(np.int64) - 1, first, count - 1)
        last = np.where(whole, first - 1, last)
        span = last - first + 1
        slabs = np.repeat(self.slab_first[segment] + first - np.cumsum(span) + span, span)
        slabs += np.arange(int(span.sum()))
        standing = self.segment_edge[segment]
        ends = self.node_piece[np.r_[edges.u_index[standing[at_u]], edges.v_index[standing[at_v]]]]
        ends_owner = np.r_[owner[at_u], owner[at_v]]
        piece = np.r_[slabs, ends[ends >= 0], self.whole_first + segment[whole]]
        piece_owner = np.r_[np.repeat(owner, span), ends_owner[ends >= 0], owner[whole]]
        held_by, piece = np.divmod(sorted_unique(piece_owner * self.count + piece), self.count)
        bounds = np.searchsorted(held_by, np.arange(len(reaches) + 1))
        return [piece[low:high] for low, high in zip(bounds[:-1], bounds[1:], strict=True)]


def cut_band_pieces(edges: EdgeTable, band_m: float) -> BandPieces:
    """Cut every street segment's band into slabs and draw the polygon round every street end.

    A segment of length L has ceil(L / :data:`SLAB_M`) slabs of equal length. Each slab is its
    stretch buffered with flat ends (round joins at its bends); neighbouring slabs meet along
    their common cut, square to the street.
    """
    segment_edge = edges.segment_edges
    segment_of_edge = np.full(edges.n_edges, -1, dtype=np.int64)
    segment_of_edge[segment_edge] = np.arange(len(segment_edge))
    against = segment_of_edge < 0
    segment_of_edge[against] = segment_of_edge[edges.reverse_of[against]]
    length = edges.length_m[segment_edge]
    slab_count = np.maximum(1, np.ceil(length / SLAB_M)).astype(np.int64)
    slab_first = np.cumsum(slab_count) - slab_count
    owner = np.repeat(np.arange(len(segment_edge)), slab_count)
    rank = np.arange(len(owner)) - slab_first[owner]
    step = length[owner] / slab_count[owner]
    stretches = cut_lines(edges, segment_edge[owner], rank * step, (rank + 1) * step)
    slabs = shapely.buffer(stretches, band_m, quad_segs=BAND_QUAD_SEGS, cap_style="flat")
    ends = np.unique(np.concatenate([edges.u_index[segment_edge], edges.v_index[segment_edge]]))
    node_piece = np.full(edges.n_nodes, -1, dtype=np.int64)
    node_piece[ends] = len(slabs) + np.arange(len(ends))
    rounds = shapely.buffer(
        shapely.points(edges.node_x_m[ends], edges.node_y_m[ends]),
        band_m,
        quad_segs=BAND_QUAD_SEGS,
    )
    streets = shapely.buffer(
        edges.geometry_metric[segment_edge], band_m, quad_segs=BAND_QUAD_SEGS, cap_style="flat"
    )
    drawn = len(slabs) + len(ends)
    stands_for = np.r_[np.arange(drawn), drawn + owner]
    parts = sp.csr_matrix(
        (
            np.ones(len(stands_for), dtype=bool),
            (stands_for, np.r_[np.arange(drawn), np.arange(len(slabs))]),
        ),
        shape=(drawn + len(segment_edge), drawn),
    )
    return BandPieces(
        band_m=band_m,
        polygons=np.asarray(np.concatenate([slabs, rounds, streets]), dtype=object),
        parts=parts,
        segment_of_edge=segment_of_edge,
        against_segment=against,
        segment_edge=segment_edge,
        slab_first=slab_first,
        slab_count=slab_count,
        node_piece=node_piece,
    )


def sorted_unique(values: IntArray) -> IntArray:
    """Return the distinct values, sorted.

    A sort and a mask: numpy's hashing unique is slower on the large integer keys used here.
    """
    ordered = np.sort(values)
    result: IntArray = ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(values) else ordered
    return result
