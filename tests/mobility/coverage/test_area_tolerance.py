# SPDX-License-Identifier: MIT
"""The drawing tolerance of service areas: few segments per round end, stated and bounded."""

from __future__ import annotations

import math

import pytest

from mobility.assets import Layer
from mobility.coverage.analysis import snap_assets
from mobility.coverage.areas import BAND_QUAD_SEGS, compute_service_areas, inner_band_m
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import make_threshold
from mobility.scenarios import base_assets
from mobility.store import SqlStore
from tests.mobility.coverage.test_areas import BAND_M, reference_area

FINE_QUAD_SEGS = 8
"""shapely's default segments per quarter circle: the drawing the tolerance is stated against."""

AREA_SHORTFALL = 0.02
"""Share of the area (drawn with 8 segments) an area may lack: 0.9 % on average on Paris 10e."""

NOISE = 1e-6
"""Share of the area allowed past a bound (floating-point noise of the unions)."""


def test_the_inner_width_is_the_middle_of_the_longest_chord() -> None:
    longest = 1.5 * math.pi / 2 / BAND_QUAD_SEGS  # a join's chord: 67.5 degrees with 2 segments
    assert inner_band_m(25.0) == pytest.approx(25.0 * math.cos(longest / 2))
    assert 20.7 < inner_band_m(25.0) < 25.0


def test_areas_lie_between_the_inner_and_the_full_band(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    """Every area covers the band of its inner width, stays within the full width, and lacks
    at most :data:`AREA_SHORTFALL` of the area drawn with shapely's default 8 segments."""
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)[:12]
    threshold = make_threshold("walk", within_m=500)
    engine = paris_context.engine("walk")
    snapped = snap_assets(paris_context, "walk", assets)
    areas = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=False)
    fine_step = math.cos(math.pi / (4 * FINE_QUAD_SEGS))  # inscribed: radius at a chord's middle
    shortfalls = []
    for index, area in enumerate(areas):
        reach = engine.reach(snapped.take([index]), threshold.cutoff, weight=threshold.weight)
        got = area.geometry_metric
        fine = reference_area(engine, reach, quad_segs=FINE_QUAD_SEGS)
        inner = reference_area(engine, reach, inner_band_m(BAND_M), FINE_QUAD_SEGS)
        outer = reference_area(engine, reach, BAND_M / fine_step, FINE_QUAD_SEGS)
        assert inner.difference(got).area <= NOISE * fine.area  # covers the inner band
        assert got.difference(outer).area <= NOISE * fine.area  # never past the full width
        assert got.difference(fine).area <= NOISE * fine.area  # inside the finer drawing
        shortfalls.append(1.0 - got.area / fine.area)
    assert max(shortfalls) < AREA_SHORTFALL
    assert min(shortfalls) > 0.0  # the tolerance is real: fewer segments, a little less area
