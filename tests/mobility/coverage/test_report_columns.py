# SPDX-License-Identifier: MIT
"""The fast paths of a coverage answer give exactly what the plain computations give.

The demand columns made once per commune equal the GeoDataFrame's; zones grouped by the kept
grouping equal ``np.unique``'s; the quantiles from one sort of the reached distances equal a
full stable sort per quantile (random cases with ties, unreached points and empty weights);
the demand points written as text parse to the same collection as encoding their dicts.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import numpy as np
import pytest

from mobility.assets import Layer
from mobility.coverage.analysis import CoverageResult, weighted_quantiles
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.report import demand_collection, demand_collection_json
from mobility.coverage.run import CoverageQuestion, run_coverage
from mobility.coverage.threshold import make_threshold
from mobility.store import SqlStore

QUESTIONS = (
    CoverageQuestion(make_threshold("walk", within_m=300.0), AssetFilter(Layer.CHARGING_POINTS)),
    CoverageQuestion(make_threshold("drive", within_min=0.25), AssetFilter(Layer.HUBS)),
)


def reference_quantile(values: np.ndarray, weights: np.ndarray, q: float) -> float | None:
    """The quantile as it was computed before: a full stable sort for each quantile."""
    order = np.argsort(values, kind="stable")
    cumulative = np.cumsum(weights[order])
    index = int(np.searchsorted(cumulative, q * cumulative[-1], side="left"))
    value = float(values[order][min(index, len(order) - 1)])
    return round(value, 2) if np.isfinite(value) else None


def _answers(paris_context: CommuneContext, paris_store: SqlStore) -> list[CoverageResult]:
    return [run_coverage(paris_context, paris_store, question) for question in QUESTIONS]


def test_demand_columns_equal_the_demand_points(paris_context: CommuneContext) -> None:
    columns = paris_context.demand_columns
    points = paris_context.demand.points  # type: ignore[union-attr]
    np.testing.assert_array_equal(columns.lon, points.geometry.x.to_numpy())
    np.testing.assert_array_equal(columns.lat, points.geometry.y.to_numpy())
    np.testing.assert_array_equal(columns.population, points["population"].to_numpy())
    np.testing.assert_array_equal(columns.zone, points["zone"].astype(str).to_numpy())
    names, index = np.unique(columns.zone, return_inverse=True)
    np.testing.assert_array_equal(columns.zone_names, names)
    np.testing.assert_array_equal(columns.zone_index, index)
    assert not columns.lon.flags.writeable and not columns.zone_index.flags.writeable


def test_zones_from_the_kept_grouping_equal_a_fresh_grouping(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    for result in _answers(paris_context, paris_store):
        assert result.zone_groups is not None
        assert result.zones() == replace(result, zone_groups=None).zones()
        assert len(result.zones()) > 5


@pytest.mark.parametrize("seed", range(40))
def test_quantiles_equal_a_full_sort_per_quantile(seed: int) -> None:
    rng = np.random.default_rng(seed)
    size = int(rng.integers(1, 400))
    values = np.round(rng.gamma(2.0, 150.0, size), int(rng.integers(0, 3)))  # ties
    values[rng.random(size) < rng.random()] = np.inf  # some, many or all unreached
    weights = rng.choice([0.0, 0.5, 1.0, 7.25, 120.0], size)
    if weights.sum() == 0:
        weights[0] = 1.0
    quantiles = (0.0, 0.1, 0.5, 0.9, 1.0)
    expected = [reference_quantile(values, weights, q) for q in quantiles]
    assert weighted_quantiles(values, weights, quantiles) == expected


def test_quantiles_with_nan_fall_back_to_the_full_sort() -> None:
    values = np.array([5.0, np.nan, np.inf, 1.0, 3.0])
    weights = np.array([1.0, 1.0, 1.0, 1.0, 1.0])
    quantiles = (0.2, 0.5, 0.7, 0.9)
    expected = [reference_quantile(values, weights, q) for q in quantiles]
    assert weighted_quantiles(values, weights, quantiles) == expected


def _parsed(body: bytes | str) -> Any:
    value = json.loads(body)
    value["method"].pop("computed_at")
    return value


def test_demand_points_written_as_text_equal_their_dicts_encoded(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    for result in _answers(paris_context, paris_store):
        for variant in (result, replace(result, zone_groups=None)):
            expected = json.dumps(demand_collection(variant).to_geojson())
            assert _parsed(demand_collection_json(variant)) == _parsed(expected)
    drive = _answers(paris_context, paris_store)[1]
    features = _parsed(demand_collection_json(drive))["features"]
    assert any(f["properties"]["time_min"] is None for f in features)
    assert any(isinstance(f["properties"]["time_min"], float) for f in features)
    assert any(f["properties"]["distance_m"] is None for f in features)
