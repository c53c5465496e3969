# SPDX-License-Identifier: MIT
"""The drawing tolerance of service areas, against plain buffers of the reached stretches.

An area is drawn from slabs (at most 10 m, 25 m at a street's ends) and octagons: it must lie
within the full band of its stretches lengthened by a slab, and cover the inner band of its
stretches; against a buffer with round ends and 8 segments it lacks the round ends past the
reach.
"""

from __future__ import annotations

import math

import pytest

from mobility.assets import Layer
from mobility.coverage.analysis import snap_assets
from mobility.coverage.areas import compute_service_areas, describe_drawing
from mobility.coverage.band_pieces import BAND_QUAD_SEGS, SLAB_M, inner_band_m
from mobility.coverage.context import CommuneContext
from mobility.coverage.threshold import make_threshold
from mobility.scenarios import base_assets
from mobility.store import SqlStore
from tests.support.bands import stretches_band

BAND_M = 25.0
FINE_QUAD_SEGS = 8
"""shapely's default segments per quarter circle: the drawing the tolerance is stated against."""

AREA_SHORTFALL = 0.12
"""Share of the round-ended, 8-segment buffer's area an area may lack (on Paris 10e at 500 m,
150 random assets: 4.3 % on average, 2.2-8.0 %: the round ends past the reach and the coarser
rounds)."""

NOISE = 1e-6
"""Share of the area allowed past a bound (floating-point noise of the unions)."""


def test_the_inner_width_is_the_middle_of_the_longest_chord() -> None:
    longest = 1.5 * math.pi / 2 / BAND_QUAD_SEGS  # a join's chord: 67.5 degrees with 2 segments
    assert inner_band_m(25.0) == pytest.approx(25.0 * math.cos(longest / 2))
    assert 20.7 < inner_band_m(25.0) < 25.0


def test_the_method_states_the_tolerance() -> None:
    text = describe_drawing(BAND_M)
    assert f"at most {SLAB_M:g} m" in text and f"than {SLAB_M:g} m past" in text
    assert f"{inner_band_m(BAND_M):.1f} m" in text


@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_areas_lie_between_the_inner_and_the_full_band(
    paris_context: CommuneContext, paris_store: SqlStore, mode: str
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)[:12]
    threshold = make_threshold(mode, within_m=500)  # type: ignore[arg-type]
    engine = paris_context.engine(mode)  # type: ignore[arg-type]
    snapped = snap_assets(paris_context, mode, assets)  # type: ignore[arg-type]
    areas = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=False)
    circumscribed = BAND_M / math.cos(math.pi / (4 * FINE_QUAD_SEGS))
    shortfalls = []
    for index, area in enumerate(areas):
        reach = engine.reach(snapped.take([index]), threshold.cutoff, weight=threshold.weight)
        got = area.geometry_metric
        fine = stretches_band(engine, reach, BAND_M)
        outer = stretches_band(engine, reach, circumscribed, grow_m=max(SLAB_M, BAND_M))
        inner = stretches_band(engine, reach, inner_band_m(BAND_M), cap_style="flat")
        assert got.difference(outer).area <= NOISE * fine.area  # never past the full band
        assert inner.difference(got).area <= NOISE * fine.area  # covers the inner band
        shortfalls.append(1.0 - got.area / fine.area)
    assert max(shortfalls) < AREA_SHORTFALL
    assert min(shortfalls) > 0.0  # the tolerance is real: square ends, a little less area
