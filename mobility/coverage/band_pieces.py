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
inside a street ends square, less than a slab past where it stops (10 m; ``band_m`` near a
crossing, whose polygon reaches that far anyway), where a buffer would have drawn a round end
reaching ``band_m`` further along the unreached street.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.sparse as sp
import shapely

from mobility.arrays import ranges, sorted_unique
from mobility.coverage.street_cuts import cut_lines
from mobility.network.edge_table import (
    GEOMETRY_OVERHEAD_BYTES,
    BoolArray,
    EdgeTable,
    FloatArray,
    IntArray,
    ObjectArray,
    csr_nbytes,
)
from mobility.network.engine_reach import Reach

SLAB_M = 10.0
"""Longest slab along a street away from its ends: a reach stopping there is drawn less than
this past where it stops (less than ``band_m`` within ``band_m`` of a crossing)."""

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
        slabs); none when the pieces come with a whole arrangement that holds every drawing
        (kept with the store, see :mod:`mobility.coverage.prepared_bands`).
    parts
        Pieces × drawn pieces: what each piece stands for (itself, or a street's slabs).
    segment_of_edge, against_segment
        The street segment of every directed edge, and whether the edge runs v→u on it.
    segment_edge, slab_first, slab_count
        Per segment: its standing edge, its first slab's number and how many slabs it has.
    slab_key, segment_key
        Where each slab starts, as ``segment_key`` of its segment plus its offset along it:
        one sorted array to find the slabs a stretch touches.
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
    slab_key: FloatArray
    segment_key: FloatArray
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
            self.slab_key,
            self.segment_key,
            self.node_piece,
        )
        coords = int(shapely.get_num_coordinates(self.polygons).sum()) * 16
        return (
            sum(array.nbytes for array in arrays)
            + csr_nbytes(self.parts)
            + coords
            + GEOMETRY_OVERHEAD_BYTES * len(self.polygons)
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
        base = self.segment_key[segment]
        top = self.slab_first[segment] + self.slab_count[segment] - 1
        first = np.searchsorted(self.slab_key, base + low, side="right") - 1
        first = np.clip(first, self.slab_first[segment], top)
        last = np.searchsorted(self.slab_key, base + high, side="left") - 1
        last = np.where(whole, first - 1, np.clip(last, first, top))
        span = last - first + 1
        slabs = ranges(first, span)
        standing = self.segment_edge[segment]
        ends = self.node_piece[np.r_[edges.u_index[standing[at_u]], edges.v_index[standing[at_v]]]]
        ends_owner = np.r_[owner[at_u], owner[at_v]]
        piece = np.r_[slabs, ends[ends >= 0], self.whole_first + segment[whole]]
        piece_owner = np.r_[np.repeat(owner, span), ends_owner[ends >= 0], owner[whole]]
        held_by, piece = np.divmod(sorted_unique(piece_owner * self.count + piece), self.count)
        bounds = np.searchsorted(held_by, np.arange(len(reaches) + 1))
        return [piece[low:high] for low, high in pairwise(bounds)]


def cut_band_pieces(edges: EdgeTable, band_m: float) -> BandPieces:
    """Cut every street segment's band into slabs and draw the polygon round every street end.

    The first and last ``band_m`` of a segment (half of it when shorter) are a slab each: the
    polygon round the crossing draws most of their band already, and fewer cuts there keep
    the arrangement small where streets meet. The rest is cut in equal slabs of at most
    :data:`SLAB_M`. Each slab is its stretch buffered with flat ends (round joins at its
    bends); neighbouring slabs meet along their common cut, square to the street.
    """
    segment_edge = edges.segment_edges
    segment_of_edge = np.full(edges.n_edges, -1, dtype=np.int64)
    segment_of_edge[segment_edge] = np.arange(len(segment_edge))
    against = segment_of_edge < 0
    segment_of_edge[against] = segment_of_edge[edges.reverse_of[against]]
    length = edges.length_m[segment_edge]
    end_m = np.minimum(band_m, length / 2)  # the end slabs, under the crossings' polygons
    middle = np.ceil(np.maximum(length - 2 * end_m, 0.0) / SLAB_M - 1e-9).astype(np.int64)
    slab_count = np.where(length > 0, 2 + middle, 1)
    slab_first = np.cumsum(slab_count) - slab_count
    owner = np.repeat(np.arange(len(segment_edge)), slab_count)
    rank = np.arange(len(owner)) - slab_first[owner]
    step = np.divide(length - 2 * end_m, middle, out=np.zeros(len(length)), where=middle > 0)[owner]
    start = np.where(rank == 0, 0.0, end_m[owner] + (rank - 1) * step)
    finish = np.where(rank == slab_count[owner] - 1, length[owner], end_m[owner] + rank * step)
    segment_key = np.cumsum(length + 1.0) - (length + 1.0)
    stretches = cut_lines(edges, segment_edge[owner], start, finish)
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
        slab_key=segment_key[owner] + start,
        segment_key=segment_key,
        node_piece=node_piece,
    )
