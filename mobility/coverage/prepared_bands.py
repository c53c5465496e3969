# SPDX-License-Identifier: MIT
"""The service areas' street bands in a prepared commune: pieces and arrangement as arrays.

Cutting a big city's street bands into pieces (Paris: 3 s) and arranging them (a minute and a
half, tile by tile) is request-independent: it is done once when the commune is prepared, and
the arrays travel in the prepared payload (:mod:`mobility.coverage.prepared_codec` calls the
two functions here). Sparse matrices travel as their index arrays (all of them are marks: their
data, all true, is not written), an arrangement's sides by their start (their ends are the
starts of their twins, the other half). Decoding gives back exactly the arrays that were
encoded, without the pieces' polygons: the tiles' arrangements hold every drawing, and building
193,000 GEOS polygons back (2.8 s on Paris at load 11, 19 MB of coordinates) would be paid by
every new worker for nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
import shapely

from mobility.coverage.band_cache import DEFAULT_BAND_M
from mobility.coverage.band_faces import BandFaces
from mobility.coverage.band_pieces import BandPieces, cut_band_pieces
from mobility.coverage.band_tiles import TiledFaces, arrange_tiles
from mobility.network.edge_table import EdgeTable

PIECE_ARRAYS = (
    "segment_of_edge",
    "against_segment",
    "segment_edge",
    "slab_first",
    "slab_count",
    "slab_key",
    "segment_key",
    "node_piece",
)
FACE_ARRAYS = ("pieces", "drawn", "half_from", "right_face", "origin", "vertex_xy")
FACE_MATRICES = ("parts", "piece_faces", "piece_outline")


class ArraySink(Protocol):
    """Where a payload's arrays are written, by name."""

    def __setitem__(self, name: str, array: npt.NDArray[Any]) -> None: ...


Arrays = dict[str, npt.NDArray[Any]]


@dataclass(frozen=True, eq=False)
class PreparedBands:
    """A mode's street bands cut into pieces for the default band width, and arranged."""

    pieces: BandPieces
    tiles: TiledFaces


def prepare_bands(edges: EdgeTable, band_m: float = DEFAULT_BAND_M) -> PreparedBands:
    """Cut the streets' bands into pieces and arrange them, tile by tile."""
    pieces = cut_band_pieces(edges, band_m)
    return PreparedBands(pieces=pieces, tiles=arrange_tiles(pieces, edges))


def encode_bands(bands: PreparedBands, prefix: str, arrays: ArraySink) -> dict[str, Any]:
    """Write the bands' arrays under ``prefix``; return what the payload's JSON keeps of them."""
    pieces = bands.pieces
    for name in PIECE_ARRAYS:
        arrays[f"{prefix}{name}"] = getattr(pieces, name)
    meta: dict[str, Any] = {
        "band_m": pieces.band_m,
        "parts": _encode_matrix(pieces.parts, f"{prefix}parts.", arrays),
        "tiles": len(bands.tiles.tiles),
    }
    arrays[f"{prefix}tile_of_piece"] = bands.tiles.tile_of_piece
    arrays[f"{prefix}local_of_piece"] = bands.tiles.local_of_piece
    meta["tile_shapes"] = [
        _encode_faces(faces, f"{prefix}tile{number}.", arrays)
        for number, faces in enumerate(bands.tiles.tiles)
    ]
    return meta


def decode_bands(meta: Any, prefix: str, arrays: Arrays) -> PreparedBands:
    """Read the bands written under ``prefix`` back (KeyError or ValueError when damaged)."""
    polygons = np.zeros(0, dtype=object)  # the tiles hold every drawing
    columns = {name: arrays[f"{prefix}{name}"] for name in PIECE_ARRAYS}
    parts = _decode_matrix(meta["parts"], f"{prefix}parts.", arrays)
    pieces = BandPieces(band_m=float(meta["band_m"]), polygons=polygons, parts=parts, **columns)
    tiles = TiledFaces(
        tile_of_piece=arrays[f"{prefix}tile_of_piece"],
        local_of_piece=arrays[f"{prefix}local_of_piece"],
        tiles=[
            _decode_faces(shapes, f"{prefix}tile{number}.", arrays)
            for number, shapes in enumerate(meta["tile_shapes"])
        ],
    )
    if len(tiles.tiles) != int(meta["tiles"]):
        raise ValueError("the bands' tiles are not all there")
    return PreparedBands(pieces=pieces, tiles=tiles)


def _encode_faces(faces: BandFaces, prefix: str, arrays: ArraySink) -> dict[str, Any]:
    for name in FACE_ARRAYS:
        arrays[f"{prefix}{name}"] = getattr(faces, name)
    return {
        name: _encode_matrix(getattr(faces, name), f"{prefix}{name}.", arrays)
        for name in FACE_MATRICES
    }


def _decode_faces(shapes: Any, prefix: str, arrays: Arrays) -> BandFaces:
    columns: dict[str, Any] = {name: arrays[f"{prefix}{name}"] for name in FACE_ARRAYS}
    half_from = columns["half_from"]  # every side twice, both ways: the ends swap halves
    columns["half_to"] = np.roll(half_from, len(half_from) // 2)
    for name in FACE_MATRICES:
        columns[name] = _decode_matrix(shapes[name], f"{prefix}{name}.", arrays)
    if {item.name for item in fields(BandFaces)} != set(columns):
        raise ValueError("the arrangement's arrays do not match")
    return BandFaces(**columns)


def _encode_matrix(matrix: sp.csr_matrix, prefix: str, arrays: ArraySink) -> dict[str, Any]:
    """Write a CSR matrix's arrays; a matrix of trues (every one here) without its data."""
    marks = matrix.data.dtype == np.bool_ and bool(matrix.data.all())
    if not marks:
        arrays[f"{prefix}data"] = matrix.data
    arrays[f"{prefix}indices"] = matrix.indices
    arrays[f"{prefix}indptr"] = matrix.indptr
    return {"shape": [int(size) for size in matrix.shape], "marks": marks}


def _decode_matrix(meta: Any, prefix: str, arrays: Arrays) -> sp.csr_matrix:
    indices, indptr = arrays[f"{prefix}indices"], arrays[f"{prefix}indptr"]
    data = np.ones(len(indices), dtype=bool) if meta["marks"] else arrays[f"{prefix}data"]
    return sp.csr_matrix((data, indices, indptr), shape=tuple(meta["shape"]), copy=False)


def prepare_modes_bands(tables: list[EdgeTable]) -> list[PreparedBands]:
    """Return the bands of every mode's table; tables of the same streets share theirs.

    A source without road classes gives walking and driving the same streets: they are cut and
    arranged once (and written once: the payload keeps equal arrays once).
    """
    made: list[tuple[EdgeTable, PreparedBands]] = []
    result: list[PreparedBands] = []
    for table in tables:
        bands = next((kept for seen, kept in made if _same_streets(seen, table)), None)
        if bands is None:
            bands = prepare_bands(table)
            made.append((table, bands))
        result.append(bands)
    return result


def _same_streets(first: EdgeTable, second: EdgeTable) -> bool:
    """Tell whether two tables draw the same bands (same nodes, edges and lines)."""
    names = ("node_x_m", "node_y_m", "u_index", "v_index", "length_m", "reverse_of")
    if not all(np.array_equal(getattr(first, n), getattr(second, n)) for n in names):
        return False
    mine, theirs = first.geometry_metric, second.geometry_metric
    return mine is theirs or bool(shapely.equals_exact(mine, theirs, tolerance=0.0).all())
