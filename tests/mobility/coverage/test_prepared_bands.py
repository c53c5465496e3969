# SPDX-License-Identifier: MIT
"""The street bands kept with the prepared commune draw exactly what a fresh build draws.

On both stores: the pieces and their tiled arrangement read back from the payload equal, array
for array and polygon for polygon, those a fresh preparation builds; service areas drawn from
them are the fresh build's to the byte, and within floating-point noise of the plain GEOS union
of their pieces. A stale payload, or one a request kept without bands, is built again with them.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
import shapely
from shapely.geometry import mapping

from mobility.assets import Layer
from mobility.coverage.analysis import snap_assets
from mobility.coverage.areas import band_cache, clear_band_cache, draw_reaches, wire_mapping
from mobility.coverage.band_pieces import cut_band_pieces
from mobility.coverage.band_tiles import arrange_tiles, tile_pieces
from mobility.coverage.context import CommuneContext, ContextCache, prepare_commune, stored_model
from mobility.coverage.filters import AssetFilter
from mobility.coverage.prepared import build_key, read_prepared
from mobility.coverage.prepared_bands import PIECE_ARRAYS, PreparedBands
from mobility.coverage.run import CoverageQuestion, run_service_areas
from mobility.coverage.threshold import make_threshold
from mobility.geo import to_wire
from mobility.network.snapping import DEFAULT_MAX_SNAP_M
from mobility.scenarios import base_assets
from mobility.store import SqlStore

CODE = "75110"
BAND_M = 25.0
WALK = CoverageQuestion(make_threshold("walk", within_m=300.0), AssetFilter(Layer.CHARGING_POINTS))
UNION_TOLERANCE = 1e-4
"""Symmetric difference allowed against a plain GEOS union of the pieces, as a share of its
area (the arrangement snaps to a micrometre grid and drops vertices on straight runs)."""


def key_of(store: SqlStore) -> str:
    return build_key(store.get_commune(CODE), max_snap_m=DEFAULT_MAX_SNAP_M)


def fresh_prepared(store: SqlStore) -> CommuneContext:
    """The commune built from its files and prepared here, bands included, nothing decoded."""
    context = CommuneContext(stored_model(store, store.get_commune(CODE)))
    context.prepare(key_of(store))
    return context


def plain(collection: Any) -> Any:
    body = json.loads(json.dumps(collection.to_geojson()))
    body["method"].pop("computed_at", None)
    return body


def assert_same_matrix(mine: Any, theirs: Any) -> None:
    assert mine.shape == theirs.shape
    for name in ("data", "indices", "indptr"):
        np.testing.assert_array_equal(getattr(mine, name), getattr(theirs, name))


def assert_same_bands(mine: PreparedBands, theirs: PreparedBands) -> None:
    assert mine.pieces.band_m == theirs.pieces.band_m
    for name in PIECE_ARRAYS:
        np.testing.assert_array_equal(getattr(mine.pieces, name), getattr(theirs.pieces, name))
    assert len(mine.pieces.polygons) == 0  # not kept: the tiles hold every drawing
    assert_same_matrix(mine.pieces.parts, theirs.pieces.parts)
    np.testing.assert_array_equal(mine.tiles.tile_of_piece, theirs.tiles.tile_of_piece)
    np.testing.assert_array_equal(mine.tiles.local_of_piece, theirs.tiles.local_of_piece)
    assert len(mine.tiles.tiles) == len(theirs.tiles.tiles)
    for faces, fresh in zip(mine.tiles.tiles, theirs.tiles.tiles, strict=True):
        for name in ("pieces", "drawn", "half_from", "half_to", "right_face"):
            np.testing.assert_array_equal(getattr(faces, name), getattr(fresh, name))
        np.testing.assert_array_equal(faces.origin, fresh.origin)
        np.testing.assert_array_equal(faces.vertex_xy, fresh.vertex_xy)
        for name in ("parts", "piece_faces", "piece_outline"):
            assert_same_matrix(getattr(faces, name), getattr(fresh, name))


def test_the_bands_read_back_equal_a_fresh_preparation(sample_store: SqlStore) -> None:
    prepare_commune(sample_store, CODE)
    kept = read_prepared(sample_store, CODE, key_of(sample_store))
    assert kept is not None
    fresh = CommuneContext(stored_model(sample_store, sample_store.get_commune(CODE))).prepare(
        key_of(sample_store)
    )
    for mode in ("walk", "drive"):
        mine, theirs = kept.modes[mode].bands, fresh.modes[mode].bands
        assert mine is not None and theirs is not None
        assert_same_bands(mine, theirs)
    # the shipped commune's two modes draw the same streets: one set of bands, decoded once
    assert kept.modes["walk"].bands is kept.modes["drive"].bands


def test_service_areas_from_the_payload_are_a_fresh_builds(sample_store: SqlStore) -> None:
    prepare_commune(sample_store, CODE)
    kept = ContextCache().get(sample_store, CODE)
    assert kept.prepared is not None
    cache = band_cache(kept.engine("walk"), BAND_M)
    assert cache.tiles is not None  # nothing cut or arranged by the request
    fresh = fresh_prepared(sample_store)
    for dissolve in (True, False):
        assert plain(run_service_areas(kept, sample_store, WALK, dissolve=dissolve)) == plain(
            run_service_areas(fresh, sample_store, WALK, dissolve=dissolve)
        )
    assert cache.faces is None


def test_tiled_unions_match_a_plain_union_of_the_pieces(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    """Small tiles: most areas straddle several, and each is checked against GEOS alone."""
    engine = paris_context.engine("walk")
    clear_band_cache(engine)
    pieces = band_cache(engine, BAND_M).pieces
    tile_m = 400.0
    tiles = arrange_tiles(pieces, engine.edges, tile_m=tile_m)
    clear_band_cache(engine)
    assert len(tiles.tiles) > 4
    # a street's slabs share the tile of its whole, so every piece is held by one tile
    wholes = pieces.parts[pieces.whole_first :].tocoo()
    owner = tiles.tile_of_piece[pieces.whole_first + wholes.row]
    np.testing.assert_array_equal(tiles.tile_of_piece[wholes.col], owner)
    np.testing.assert_array_equal(
        tiles.tile_of_piece, tile_pieces(pieces, engine.edges, tile_m=tile_m)
    )
    assets = base_assets(paris_store, CODE, Layer.CHARGING_POINTS)
    snapped = snap_assets(paris_context, "walk", assets)
    threshold = make_threshold("walk", within_m=300)
    reaches = engine.reach_each(snapped, threshold.cutoff, weight=threshold.weight)
    reaches.append(engine.reach(snapped, threshold.cutoff, weight=threshold.weight))
    selections = pieces.of_reaches(engine.edges, reaches)
    straddling = 0
    for selection, area in zip(selections, tiles.unions(selections), strict=True):
        expected = shapely.union_all(pieces.polygons[selection], grid_size=1e-6)
        assert area.is_valid, shapely.is_valid_reason(area)
        assert area.symmetric_difference(expected).area <= UNION_TOLERANCE * expected.area
        straddling += len(np.unique(tiles.tile_of_piece[selection])) > 1
    assert straddling > 10


def test_a_stale_payload_or_one_without_bands_is_prepared_again(sample_store: SqlStore) -> None:
    key = key_of(sample_store)
    prepare_commune(sample_store, CODE)
    good = sample_store.get_prepared(CODE)
    assert good is not None
    sample_store.put_prepared(CODE, "stale" + key[5:], good.payload)  # built under another key
    context = ContextCache().get(sample_store, CODE)
    assert context.prepared is None  # built from the sources, kept without its bands
    bare = read_prepared(sample_store, CODE, key)
    assert bare is not None and all(mode.bands is None for mode in bare.modes.values())
    assert prepare_commune(sample_store, CODE)  # the import's preparation brings them back
    again = read_prepared(sample_store, CODE, key)
    assert again is not None and all(mode.bands is not None for mode in again.modes.values())
    assert not prepare_commune(sample_store, CODE)  # kept whole now: nothing to do
    reader = ContextCache().get(sample_store, CODE)
    assert plain(run_service_areas(reader, sample_store, WALK, dissolve=False)) == plain(
        run_service_areas(fresh_prepared(sample_store), sample_store, WALK, dissolve=False)
    )


@pytest.mark.parametrize(
    "geometry",
    [
        shapely.Point(652_000, 6_862_000).buffer(100),
        shapely.Point(652_000, 6_862_000).buffer(100) - shapely.Point(652_000, 6_862_000).buffer(9),
        shapely.MultiPolygon(
            [
                shapely.Point(652_000, 6_862_000).buffer(100),
                shapely.Point(653_000, 6_862_000).buffer(50)
                - shapely.Point(653_000, 6_862_000).buffer(5),
            ]
        ),
        shapely.Polygon(),
    ],
)
def test_wire_mapping_is_shapelys_mapping(geometry: shapely.Geometry) -> None:
    assert json.dumps(wire_mapping(geometry)) == json.dumps(mapping(to_wire(geometry)))


def test_draw_reaches_from_kept_tiles_matches_the_plain_union(
    paris_store: SqlStore,
) -> None:
    context = ContextCache().get(paris_store, CODE)  # a new worker's, read from the payload
    engine = context.engine("walk")
    assert band_cache(engine, BAND_M).tiles is not None  # the shipped store is prepared
    threshold = make_threshold("walk", within_m=500)
    assets = base_assets(paris_store, CODE, Layer.CHARGING_POINTS)
    snapped = snap_assets(context, "walk", assets)
    reach = engine.reach(snapped, threshold.cutoff, weight=threshold.weight)
    [area] = draw_reaches(engine, [reach], BAND_M, build=False)
    [selection] = band_cache(engine, BAND_M).pieces.of_reaches(engine.edges, [reach])
    polygons = cut_band_pieces(engine.edges, BAND_M).polygons  # cut afresh, apart
    expected = shapely.union_all(polygons[selection], grid_size=1e-6)
    assert area.symmetric_difference(expected).area <= UNION_TOLERANCE * expected.area
