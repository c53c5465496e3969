# SPDX-License-Identifier: MIT
"""Service areas against a slow, independent drawing: every piece cut out, buffered, unioned."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import shapely
from shapely.ops import substring

from mobility.assets import Layer
from mobility.coverage.analysis import snap_assets
from mobility.coverage.areas import (
    band_cache,
    clear_band_cache,
    compute_service_areas,
    draw_reaches,
)
from mobility.coverage.context import CommuneContext
from mobility.coverage.street_cuts import cut_lines
from mobility.coverage.threshold import make_threshold
from mobility.scenarios import base_assets
from mobility.store import SqlStore
from tests.support.bands import pieces_band

BAND_M = 25.0
AREA_TOLERANCE = 1e-6
"""Symmetric difference allowed, as a share of the reference area (floating-point noise)."""

WHOLE_STREET_TOLERANCE = 1e-4
"""The same, for plain unions, where a whole street is buffered in one piece rather than slab
by slab (GEOS simplifies a long line's bends a little differently)."""


def assert_same_area(
    got: shapely.Geometry, expected: shapely.Geometry, tolerance: float = AREA_TOLERANCE
) -> None:
    assert got.is_valid, shapely.is_valid_reason(got)
    if expected.is_empty:
        assert got.is_empty
        return
    assert got.symmetric_difference(expected).area <= tolerance * expected.area


def test_cut_lines_match_shapely_substring(paris_context: CommuneContext) -> None:
    table = paris_context.engine("walk").edges
    rng = np.random.default_rng(4)
    edge = rng.choice(table.segment_edges, 300)
    length = table.length_m[edge]
    ends = np.sort(rng.uniform(0.0, 1.0, (300, 2)), axis=1) * length[:, None]
    ends[:40, 0] = 0.0  # from the u end
    ends[40:80, 1] = length[40:80]  # to the v end
    ends[80:100, 1] = ends[80:100, 0]  # no length: a point
    cuts = cut_lines(table, edge, ends[:, 0], ends[:, 1])
    lines = table.geometry_metric
    for index in range(len(edge)):
        expected = substring(
            lines[edge[index]],
            ends[index, 0] / length[index],
            ends[index, 1] / length[index],
            normalized=True,
        )
        got = cuts[index]
        assert shapely.hausdorff_distance(got, expected) < 1e-6
        assert got.length == pytest.approx(expected.length, abs=1e-6)


def test_per_asset_areas_match_the_reference(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    threshold = make_threshold("walk", within_m=500)
    engine = paris_context.engine("walk")
    clear_band_cache(engine)
    snapped = snap_assets(paris_context, "walk", assets)
    first = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=False)
    assert band_cache(engine, BAND_M).faces is not None  # drawn from the arrangement
    again = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=False)
    assert [area.asset_id for area in first] == [asset.id for asset in assets]
    for index, (area, kept) in enumerate(zip(first, again, strict=True)):
        reach = engine.reach(snapped.take([index]), threshold.cutoff, weight=threshold.weight)
        assert area.reached_street_m == pytest.approx(reach.total_m)
        assert_same_area(area.geometry_metric, pieces_band(engine, reach, BAND_M))
        assert kept.geometry_metric.equals(area.geometry_metric)
    assert len(band_cache(engine, BAND_M).areas) > 0


@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_the_arrangement_and_plain_unions_draw_the_same(
    paris_context: CommuneContext, paris_store: SqlStore, mode: str
) -> None:
    """Drive reaches run along one-way streets, both ways of two-way ones apart."""
    assets = base_assets(paris_store, "75110", Layer.HUBS)[:40]
    engine = paris_context.engine(mode)  # type: ignore[arg-type]
    threshold = make_threshold(mode, within_m=350)  # type: ignore[arg-type]
    snapped = snap_assets(paris_context, mode, assets)  # type: ignore[arg-type]
    reaches = engine.reach_each(snapped, threshold.cutoff, weight=threshold.weight)
    clear_band_cache(engine)
    plain = draw_reaches(engine, reaches, BAND_M, build=False)
    assert band_cache(engine, BAND_M).faces is None
    clear_band_cache(engine)
    arranged = draw_reaches(engine, reaches, BAND_M)
    assert band_cache(engine, BAND_M).faces is not None
    for reach, one, other in zip(reaches, plain, arranged, strict=True):
        expected = pieces_band(engine, reach, BAND_M)
        assert_same_area(one, expected, WHOLE_STREET_TOLERANCE)
        assert_same_area(other, expected)


def test_dissolved_area_matches_the_reference(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.HUBS)
    threshold = make_threshold("drive", within_min=1)
    engine = paris_context.engine("drive")
    [area] = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=True)
    reach = engine.reach(
        snap_assets(paris_context, "drive", assets), threshold.cutoff, weight=threshold.weight
    )
    assert_same_area(
        area.geometry_metric, pieces_band(engine, reach, BAND_M), WHOLE_STREET_TOLERANCE
    )


def test_a_dissolved_area_has_no_hairline_holes(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    """Pieces meeting along nearly the same line leave no zero-area hole between them."""
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    threshold = make_threshold("walk", within_m=500)
    [area] = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=True)
    parts = shapely.get_parts(area.geometry_metric)
    holes = [shapely.Polygon(ring).area for part in parts for ring in part.interiors]
    assert len(holes) > 50  # the blocks inside the reached streets
    assert min(holes) > 1e-6


def test_an_arrangement_grows_with_the_streets_requests_cover(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    threshold = make_threshold("walk", within_m=200)
    engine = paris_context.engine("walk")
    clear_band_cache(engine)
    cache = band_cache(engine, BAND_M)
    compute_service_areas(paris_context, assets[:3], threshold=threshold, dissolve=False)
    assert cache.faces is not None
    small = len(cache.faces.drawn)
    assert small < cache.pieces.whole_first  # only the streets these three reach
    snapped = snap_assets(paris_context, "walk", assets[:3])
    reaches = engine.reach_each(snapped, threshold.cutoff, weight=threshold.weight)
    compute_service_areas(paris_context, assets[3:40], threshold=threshold, dissolve=False)
    assert len(cache.faces.drawn) > small
    for pieces in cache.pieces.of_reaches(engine.edges, reaches):
        assert cache.faces.holds(pieces)  # the first streets were kept in


def test_no_asset_and_an_asset_off_the_streets(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    threshold = make_threshold("walk", within_m=300)
    assert compute_service_areas(paris_context, [], threshold=threshold, dissolve=False) == []
    [area] = compute_service_areas(paris_context, [], threshold=threshold, dissolve=True)
    assert area.geometry_metric.is_empty
    asset = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)[0]
    far = dataclasses.replace(asset, id="far", lon=asset.lon + 0.2)
    clear_band_cache(paris_context.engine("walk"))  # nothing arranged yet, nothing to arrange
    [alone] = compute_service_areas(paris_context, [far], threshold=threshold, dissolve=False)
    assert alone.geometry_metric.is_empty and alone.reached_street_m == 0
    [none] = compute_service_areas(paris_context, [far], threshold=threshold, dissolve=True)
    assert none.geometry_metric.is_empty


def test_kept_pieces_arrangement_and_areas_are_counted_in_the_engine_memory(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    engine = paris_context.engine("walk")
    clear_band_cache(engine)
    before = engine.stats.memory_bytes
    assets = base_assets(paris_store, "75110", Layer.HUBS)[:5]
    compute_service_areas(
        paris_context, assets, threshold=make_threshold("walk", within_m=300), dissolve=False
    )
    kept = band_cache(engine, BAND_M)
    assert kept.faces is not None
    assert kept.nbytes() > kept.pieces.nbytes() + kept.faces.nbytes()
    assert engine.stats.memory_bytes >= before + kept.nbytes()
