# SPDX-License-Identifier: MIT
"""Service areas against a slow, independent drawing: every stretch cut out and buffered."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely.geometry import GeometryCollection
from shapely.ops import substring

from mobility.assets import Layer
from mobility.coverage.analysis import snap_assets
from mobility.coverage.areas import (
    BAND_QUAD_SEGS,
    asset_band,
    band_cache,
    clear_band_cache,
    compute_service_areas,
    cut_lines,
)
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import make_threshold
from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach
from mobility.scenarios import base_assets
from mobility.store import SqlStore

BAND_M = 25.0
AREA_TOLERANCE = 1e-6
"""Symmetric difference allowed, as a share of the reference area (unions in another order)."""


def reference_area(
    engine: DistanceEngine,
    reach: Reach,
    band_m: float = BAND_M,
    quad_segs: int = BAND_QUAD_SEGS,
) -> shapely.Geometry:
    """Cut every stretch with shapely's substring and buffer them all in one GEOS call.

    With the module's own segments per quarter circle by default, so that the comparison is
    strict; other widths and segment counts bound the drawing tolerance.
    """
    lines, lengths = engine.edges.geometry_metric, engine.edges.length_m
    cut = [
        substring(lines[e], s / lengths[e], t / lengths[e], normalized=True)
        for e, s, t in zip(reach.edge_index, reach.start_m, reach.end_m, strict=True)
    ]
    return shapely.buffer(GeometryCollection(cut), band_m, quad_segs=quad_segs)


def assert_same_area(got: shapely.Geometry, expected: shapely.Geometry) -> None:
    assert got.is_valid
    if expected.is_empty:
        assert got.is_empty
        return
    assert got.symmetric_difference(expected).area <= AREA_TOLERANCE * expected.area


def test_cut_lines_match_shapely_substring(paris_context: CommuneContext) -> None:
    engine = paris_context.engine("walk")
    table = engine.edges
    rng = np.random.default_rng(4)
    edge = rng.choice(table.segment_edges, 300)
    length = table.length_m[edge]
    ends = np.sort(rng.uniform(0.0, 1.0, (300, 2)), axis=1) * length[:, None]
    ends[:40, 0] = 0.0  # from the u end
    ends[40:80, 1] = length[40:80]  # to the v end
    ends[80:100, 1] = ends[80:100, 0]  # no length: a point
    cuts = cut_lines(engine, edge, ends[:, 0], ends[:, 1])
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
    again = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=False)
    assert [area.asset_id for area in first] == [asset.id for asset in assets]
    for index, (area, kept) in enumerate(zip(first, again, strict=True)):
        reach = engine.reach(snapped.take([index]), threshold.cutoff, weight=threshold.weight)
        assert area.reached_street_m == pytest.approx(reach.total_m)
        assert_same_area(area.geometry_metric, reference_area(engine, reach))
        assert kept.geometry_metric.equals(area.geometry_metric)
    assert len(band_cache(engine, BAND_M).areas) > 0


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
    assert_same_area(area.geometry_metric, reference_area(engine, reach))


def test_a_band_is_the_same_from_cold_and_from_kept_pieces(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.HUBS)[:8]
    engine = paris_context.engine("walk")
    snapped = snap_assets(paris_context, "walk", assets)
    reaches = engine.reach_each(snapped, 350.0)
    clear_band_cache(engine)
    cold = [asset_band(engine, reach, BAND_M) for reach in reaches]
    band_cache(engine, BAND_M).areas.clear()  # kept cluster unions, areas drawn again
    warm = [asset_band(engine, reach, BAND_M) for reach in reaches]
    for reach, one, other in zip(reaches, cold, warm, strict=True):
        expected = reference_area(engine, reach)
        assert_same_area(one, expected)
        assert_same_area(other, expected)


def test_no_asset_and_an_asset_off_the_streets(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    import dataclasses

    threshold = make_threshold("walk", within_m=300)
    assert compute_service_areas(paris_context, [], threshold=threshold, dissolve=False) == []
    [area] = compute_service_areas(paris_context, [], threshold=threshold, dissolve=True)
    assert area.geometry_metric.is_empty
    asset = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)[0]
    far = dataclasses.replace(asset, id="far", lon=asset.lon + 0.2)
    [alone] = compute_service_areas(paris_context, [far], threshold=threshold, dissolve=False)
    assert alone.geometry_metric.is_empty and alone.reached_street_m == 0


def test_kept_bands_and_areas_are_counted_in_the_engine_memory(
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
    assert kept.nbytes() > kept.bands.nbytes
    assert engine.stats.memory_bytes >= before + kept.nbytes()
