# SPDX-License-Identifier: MIT
"""The service areas' street bands in a prepared commune: pieces and arrangement as arrays.

Cutting a big city's street bands into pieces (Paris: 3 s) and arranging them (a minute and a
half, tile by tile) is request-independent: it is done once when the commune is prepared, and
the arrays travel in the prepared payload (:mod:`mobility.coverage.prepared_codec` calls the
two functions here). The pieces' polygons travel as shapely's ragged arrays (every piece as a
MultiPolygon, with a mask of those that were Polygons), sparse matrices as their three arrays;
decoding gives back exactly the objects that were encoded.
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
FACE_ARRAYS = ("pieces", "drawn", "half_from", "half_to", "right_face", "origin", "vertex_xy")
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
    polygons = pieces.polygons
    empty = shapely.is_empty(polygons)
    arrays[f"{prefix}empty"] = empty
    arrays[f"{prefix}single"] = shapely.get_type_id(polygons) == shapely.GeometryType.POLYGON
    kind, offsets = None, ()
    if (~empty).any():  # Polygons, or all as MultiPolygons when some are
        kind, coords, offsets = shapely.to_ragged_array(polygons[~empty])
        arrays[f"{prefix}coords"] = coords
        for depth, offset in enumerate(offsets):
            arrays[f"{prefix}offsets{depth}"] = offset
    for name in PIECE_ARRAYS:
        arrays[f"{prefix}{name}"] = getattr(pieces, name)
    meta: dict[str, Any] = {
        "band_m": pieces.band_m,
        "kind": None if kind is None else int(kind),
        "depth": len(offsets),
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
    empty, single = arrays[f"{prefix}empty"], arrays[f"{prefix}single"]
    polygons = np.empty(len(empty), dtype=object)
    polygons[empty] = shapely.Polygon()
    if meta["kind"] is not None:
        kind = shapely.GeometryType(meta["kind"])
        offsets = tuple(arrays[f"{prefix}offsets{depth}"] for depth in range(meta["depth"]))
        made = shapely.from_ragged_array(kind, arrays[f"{prefix}coords"], offsets)
        if kind == shapely.GeometryType.MULTIPOLYGON:  # the Polygons back out of theirs
            made = np.where(single[~empty], shapely.get_geometry(made, 0), made)
        polygons[~empty] = made
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
    for name in FACE_MATRICES:
        columns[name] = _decode_matrix(shapes[name], f"{prefix}{name}.", arrays)
    if {item.name for item in fields(BandFaces)} != set(columns):
        raise ValueError("the arrangement's arrays do not match")
    return BandFaces(**columns)


def _encode_matrix(matrix: sp.csr_matrix, prefix: str, arrays: ArraySink) -> list[int]:
    arrays[f"{prefix}data"] = matrix.data
    arrays[f"{prefix}indices"] = matrix.indices
    arrays[f"{prefix}indptr"] = matrix.indptr
    return [int(size) for size in matrix.shape]


def _decode_matrix(shape: Any, prefix: str, arrays: Arrays) -> sp.csr_matrix:
    data, indices = arrays[f"{prefix}data"], arrays[f"{prefix}indices"]
    indptr = arrays[f"{prefix}indptr"]
    return sp.csr_matrix((data, indices, indptr), shape=tuple(shape), copy=False)


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
