# SPDX-License-Identifier: MIT
"""A whole commune's band pieces arranged tile by tile, so that a big city's can be kept.

Arranging every drawn piece of Paris at once (168,655 pieces, a million faces) took 153 s and
5 GB at its peak, to keep 214 MB: out of reach of an import, let alone a worker. Square tiles of
:data:`TILE_M` bound what is noded at once. A street segment's slabs and its whole go to the
tile of the segment's middle, a crossing's polygon to the tile of the crossing, so every piece
is held by exactly one tile's arrangement, numbered there afresh (a tile's matrices are as long
as its own pieces, not the commune's). A union is drawn tile by tile from the arrangements; the
parts of an area that straddles tiles are then united by GEOS: a few large polygons instead of
thousands of pieces (Paris's 300 m walk round its charging points, dissolved: 33 tile parts,
52,000 vertices, united in 0.35 s; 1.05 s snapped to the arrangements' grid, for no visible
difference: the parts' vertices lie on it already, and they meet by crossing, not along
shared sides, since a street's slabs are all in one tile).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from mobility.arrays import ranges
from mobility.coverage.band_faces import BandFaces, arrange
from mobility.coverage.band_pieces import BandPieces
from mobility.network.edge_table import EdgeTable, IntArray

TILE_M = 2_000.0
"""Side of a tile: a few thousand drawn pieces of a dense city, arranged in a second or two
each, with a peak of a hundred or so MB; a 300 m walk's area seldom straddles more than two."""


@dataclass(frozen=True, eq=False)
class TiledFaces:
    """Every piece of a commune's bands, each in the arrangement of its tile.

    Attributes
    ----------
    tile_of_piece, local_of_piece
        Per piece (wholes included): its tile, and its number in that tile's arrangement.
    tiles
        The arrangement of every tile, over its own pieces numbered from 0.
    """

    tile_of_piece: IntArray
    local_of_piece: IntArray
    tiles: list[BandFaces]

    def nbytes(self) -> int:
        """Bytes held by the arrays of every tile."""
        own = self.tile_of_piece.nbytes + self.local_of_piece.nbytes
        return own + sum(tile.nbytes() for tile in self.tiles)

    def holds(self, pieces: IntArray) -> bool:
        """Tell whether the union of ``pieces`` can be drawn (every piece has its tile)."""
        return bool(np.all(self.tile_of_piece[pieces] >= 0))

    def unions(self, selections: list[IntArray]) -> list[BaseGeometry]:
        """Return the union of each set of pieces: tile by tile, then the tiles' parts united."""
        owner = np.repeat(np.arange(len(selections)), [len(s) for s in selections])
        pieces = np.concatenate([np.zeros(0, dtype=np.int64), *selections])
        tile = self.tile_of_piece[pieces]
        order = np.lexsort((owner, tile))
        tile, owner, local = tile[order], owner[order], self.local_of_piece[pieces[order]]
        parts: list[list[BaseGeometry]] = [[] for _ in selections]
        tile_bounds = np.flatnonzero(np.r_[True, tile[1:] != tile[:-1], True])
        for low, high in pairwise(tile_bounds.tolist()):
            owners = owner[low:high]
            cuts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1], True])
            chosen = [local[low + a : low + b] for a, b in pairwise(cuts.tolist())]
            drawn = self.tiles[int(tile[low])].unions(chosen)
            for at, geometry in zip(owners[cuts[:-1]].tolist(), drawn, strict=True):
                if not geometry.is_empty:
                    parts[at].append(geometry)
        return [_merge(found) for found in parts]


def _merge(parts: list[BaseGeometry]) -> BaseGeometry:
    """Unite an area's parts from several tiles (one part is the area itself)."""
    if not parts:
        return shapely.Polygon()
    if len(parts) == 1:
        return parts[0]
    return shapely.union_all(parts)


def tile_pieces(pieces: BandPieces, edges: EdgeTable, *, tile_m: float = TILE_M) -> IntArray:
    """Return the tile of every piece: a segment's slabs and whole go with its middle."""
    segment = pieces.segment_edge
    u, v = edges.u_index[segment], edges.v_index[segment]
    nodes = np.flatnonzero(pieces.node_piece >= 0)
    x = np.r_[(edges.node_x_m[u] + edges.node_x_m[v]) / 2, edges.node_x_m[nodes]]
    y = np.r_[(edges.node_y_m[u] + edges.node_y_m[v]) / 2, edges.node_y_m[nodes]]
    cell = np.floor(np.column_stack([x, y]) / tile_m).astype(np.int64)
    _, tile = np.unique(cell, axis=0, return_inverse=True)
    tile = tile.reshape(-1)
    segment_tile, node_tile = tile[: len(segment)], tile[len(segment) :]
    result = np.full(pieces.count, -1, dtype=np.int64)
    result[ranges(pieces.slab_first, pieces.slab_count)] = np.repeat(
        segment_tile, pieces.slab_count
    )
    result[pieces.node_piece[nodes]] = node_tile
    result[pieces.whole_first + np.arange(len(segment))] = segment_tile
    return result


def arrange_tiles(pieces: BandPieces, edges: EdgeTable, *, tile_m: float = TILE_M) -> TiledFaces:
    """Arrange every piece of a commune's bands, one tile at a time."""
    tile_of_piece = tile_pieces(pieces, edges, tile_m=tile_m)
    local_of_piece = np.full(pieces.count, -1, dtype=np.int64)
    order = np.argsort(tile_of_piece, kind="stable")
    bounds = np.searchsorted(tile_of_piece[order], np.arange(int(tile_of_piece.max()) + 2))
    tiles: list[BandFaces] = []
    for low, high in pairwise(bounds.tolist()):
        rows = order[low:high]  # sorted: the drawn pieces first, then the wholes
        local_of_piece[rows] = np.arange(len(rows))
        drawn = rows[rows < pieces.whole_first]
        parts = pieces.parts[rows][:, drawn].tocsr()
        tiles.append(arrange(pieces.polygons[drawn], parts, np.arange(len(drawn))))
    return TiledFaces(tile_of_piece=tile_of_piece, local_of_piece=local_of_piece, tiles=tiles)
