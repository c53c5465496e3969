# SPDX-License-Identifier: MIT
"""The assets a filter keeps from a stored layer, found on its columns and kept with its view.

Checked against the general way (every asset validated afresh, :meth:`AssetFilter.apply`, a
fresh snap onto the streets): the same assets, the same snapped positions, the same coverage;
a scenario (which goes the general way) that changes nothing gives the same answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

import numpy as np
import pytest

from mobility.assets import Asset, Layer
from mobility.commune import Mode
from mobility.coverage.analysis import snap_assets
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.layers import KeptAssets, read_kept
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.network.snapping import SnappedPoints, snap_points
from mobility.store import AssetQuery, SqlStore

FILTERS = [
    AssetFilter(Layer.CHARGING_POINTS),
    AssetFilter(Layer.CHARGING_POINTS, min_power_kw=22.0),
    AssetFilter(Layer.CHARGING_POINTS, min_power_kw=7.0, pmr_only=True),
    AssetFilter(Layer.PARKING, kind="car"),
    AssetFilter(Layer.HUBS, mode="metro"),
]


class NoChange:
    """A scenario that changes nothing: its layer goes the general way."""

    def apply(self, layer: Layer, base: Iterable[Asset]) -> list[Asset]:
        return list(base)

    def describe(self) -> dict[str, Any]:
        return {"name": "no change"}


def fresh_kept(store: SqlStore, rule: AssetFilter) -> list[Asset]:
    """The assets the filter keeps, every one read and validated afresh."""
    query = AssetQuery(rule.layer, commune="75110", surroundings=True)
    return rule.apply(store.iter_assets(query))


def assert_same_snap(left: SnappedPoints, right: SnappedPoints) -> None:
    for field in fields(SnappedPoints):
        np.testing.assert_array_equal(getattr(left, field.name), getattr(right, field.name))


@pytest.mark.parametrize("rule", FILTERS, ids=lambda rule: rule.describe())
@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_kept_assets_and_their_snap_equal_a_fresh_read_and_snap(
    paris_context: CommuneContext, paris_store: SqlStore, rule: AssetFilter, mode: Mode
) -> None:
    kept = read_kept(paris_store, "75110", rule)
    assert isinstance(kept, KeptAssets)
    assert read_kept(paris_store, "75110", rule) is kept  # kept with the view
    fresh = fresh_kept(paris_store, rule)
    assert 0 < len(kept) == len(fresh)
    np.testing.assert_array_equal(kept.lon, [asset.lon for asset in fresh])
    np.testing.assert_array_equal(kept.lat, [asset.lat for asset in fresh])
    assert list(kept) == fresh
    snapped = snap_assets(paris_context, mode, kept)
    assert snap_assets(paris_context, mode, kept) is snapped  # the warm request's snap
    edges = paris_context.engine(mode).edges
    lon = [asset.lon for asset in fresh]
    lat = [asset.lat for asset in fresh]
    assert_same_snap(snapped, snap_points(edges, lon, lat, max_snap_m=paris_context.max_snap_m))


@pytest.mark.parametrize("rule", FILTERS[:3], ids=lambda rule: rule.describe())
def test_a_scenario_that_changes_nothing_gives_the_same_coverage(
    paris_context: CommuneContext, paris_store: SqlStore, rule: AssetFilter
) -> None:
    question = CoverageQuestion(make_threshold("walk", within_m=300), rule)
    fast = run_coverage(paris_context, paris_store, question)
    general = run_coverage(paris_context, paris_store, question, NoChange())
    assert fast.assets_used == general.assets_used > 0
    np.testing.assert_array_equal(fast.distance_m, general.distance_m)
    np.testing.assert_array_equal(fast.covered, general.covered)
    general.method.pop("scenario")
    for method in (fast.method, general.method):
        method.pop("computed_at")
    assert fast.method == general.method
    assert fast.summary() == general.summary()
