# SPDX-License-Identifier: MIT
"""The bounded search (cut at the threshold) against the whole-network search and networkx."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from mobility.coverage.measure import fastest_mps, measure
from mobility.coverage.threshold import Threshold, make_threshold
from mobility.network.snapping import SnappedPoints
from tests.mobility.network.test_engine import snap_xy
from tests.mobility.network.test_engine_properties import PROPERTY_SETTINGS, Instance, instances
from tests.support.reference import reference_distances

thresholds = st.one_of(
    st.builds(lambda m: make_threshold("drive", within_m=m), st.floats(20.0, 600.0)),
    st.builds(lambda minutes: make_threshold("drive", within_min=minutes), st.floats(0.02, 1.5)),
)


@PROPERTY_SETTINGS
@given(instance=instances(), threshold=thresholds)
def test_the_bounded_search_answers_as_the_whole_search(
    instance: Instance, threshold: Threshold
) -> None:
    engine = instance.engine()
    demand = snap_xy(engine, *instance.demand)
    assets = snap_xy(engine, *instance.assets) if instance.assets else SnappedPoints.empty()
    whole = measure(engine, demand, assets, threshold, bounded=False)
    bounded = measure(engine, demand, assets, threshold)
    covered = whole.cost <= threshold.cutoff
    np.testing.assert_array_equal(bounded.cost <= threshold.cutoff, covered)
    np.testing.assert_array_equal(bounded.cost[covered], whole.cost[covered])
    np.testing.assert_array_equal(bounded.distance_m[covered], whole.distance_m[covered])
    assert np.isinf(bounded.cost[~covered]).all()
    assert np.isinf(bounded.distance_m[~covered]).all()
    expected = reference_distances(
        instance.view, engine, demand, assets, weight=threshold.weight, cutoff=None
    )
    np.testing.assert_allclose(whole.cost, expected, rtol=0, atol=1e-6)


@PROPERTY_SETTINGS
@given(instance=instances(min_assets=1), threshold=thresholds)
def test_no_covered_point_is_farther_than_the_length_bound(
    instance: Instance, threshold: Threshold
) -> None:
    """The length search of a driving-time question is cut where no path in the time can go."""
    engine = instance.engine()
    demand = snap_xy(engine, *instance.demand)
    whole = measure(engine, demand, snap_xy(engine, *instance.assets), threshold, bounded=False)
    covered = whole.cost <= threshold.cutoff
    reach_m = threshold.cutoff
    if threshold.weight == "time":
        reach_m = threshold.cutoff * fastest_mps(engine)
    assert (whole.distance_m[covered] <= reach_m + 1e-6).all()
