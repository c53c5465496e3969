# SPDX-License-Identifier: MIT
"""A share of nobody is unknown, not 0 %: the coverage result says why and how to fix it."""

from __future__ import annotations

import numpy as np

from mobility.assets import Layer
from mobility.coverage.analysis import CoverageResult, ZoneCoverage, population_missing_reason
from mobility.coverage.filters import AssetFilter
from mobility.coverage.threshold import make_threshold


def _result(population: list[float], covered: list[bool], reason: str | None) -> CoverageResult:
    count = len(population)
    return CoverageResult(
        commune="75110",
        threshold=make_threshold("walk", within_m=300),
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
        assets_used=1,
        assets_off_network=0,
        lon=np.full(count, 2.36),
        lat=np.full(count, 48.875),
        population=np.array(population, dtype=np.float64),
        zone=np.array(["751100001"] * count),
        distance_m=np.full(count, 100.0),
        cost=np.full(count, 100.0),
        off_network=np.zeros(count, dtype=bool),
        covered=np.array(covered, dtype=bool),
        method={},
        population_reason=reason,
    )


def test_the_reason_names_the_commune_and_the_command() -> None:
    absent = population_missing_reason("92048", layer_loaded=False)
    assert absent.startswith("commune 92048 has no population data, so no share")
    assert "mobility commune add 92048" in absent and "--population" in absent
    assert "mobility commune load MANIFEST --replace" in absent
    empty = population_missing_reason("92048", layer_loaded=True)
    assert "its population layer counts no inhabitants" in empty


def test_no_inhabitants_gives_a_null_share_and_the_reason() -> None:
    reason = population_missing_reason("75110", layer_loaded=False)
    result = _result([], [], reason)
    summary = result.summary()
    assert result.share is None and summary["share"] is None
    assert summary["share_unavailable_reason"] == reason
    zeros = _result([0.0, 0.0], [False, True], None)
    assert zeros.share is None
    assert "counts no inhabitants" in str(zeros.summary()["share_unavailable_reason"])


def test_inhabitants_give_a_share_and_no_reason() -> None:
    result = _result([30.0, 10.0], [True, False], None)
    assert result.summary()["share"] == 0.75  # 30 of 40, by hand
    assert result.summary()["share_unavailable_reason"] is None


def test_a_zone_without_inhabitants_has_no_share() -> None:
    assert ZoneCoverage("751100001", 0.0, 0.0).to_dict()["share"] is None
    assert ZoneCoverage("751100002", 8.0, 2.0).to_dict()["share"] == 0.25
