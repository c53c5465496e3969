# SPDX-License-Identifier: MIT
"""Which gap each uncovered home lies in: the bulk query equals testing every gap in turn."""

from __future__ import annotations

import numpy as np
import shapely

from mobility.assets import Layer
from mobility.coverage.analysis import compute_coverage
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import find_gaps, gap_membership
from mobility.coverage.threshold import make_threshold
from mobility.geo import metric_transformer
from mobility.scenarios import base_assets
from mobility.store import SqlStore


def test_membership_equals_every_gap_tested_in_turn(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    before = compute_coverage(
        paris_context,
        assets,
        threshold=make_threshold("walk", within_m=150),
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
        bounded=False,
    )
    gaps = find_gaps(before, paris_context.record.boundary, spacing_m=20.0)
    x, y = metric_transformer().transform(before.lon, before.lat)
    points = shapely.points(np.asarray(x), np.asarray(y))
    expected = np.zeros(len(before.population), dtype=np.int64)
    for gap in gaps:
        inside = shapely.covers(gap.geometry_metric, points) & ~before.covered
        expected[inside & (expected == 0)] = gap.rank
    assert len(set(expected.tolist()) - {0}) >= 3
    np.testing.assert_array_equal(gap_membership(before, gaps), expected)
