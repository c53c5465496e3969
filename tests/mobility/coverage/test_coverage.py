# SPDX-License-Identifier: MIT
"""Coverage on the shipped commune, checked against a plain networkx Dijkstra and by hand."""

from __future__ import annotations

import numpy as np
import pytest

from mobility.assets import Layer
from mobility.coverage.analysis import compute_coverage
from mobility.coverage.areas import compute_service_areas
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import find_gaps
from mobility.coverage.threshold import make_threshold
from mobility.errors import InvalidInputError
from mobility.geo import to_metric
from mobility.scenarios import base_assets
from mobility.store import SqlStore
from tests.support import builders
from tests.support.reference import reference_distances


@pytest.mark.parametrize("bounded", [True, False])
@pytest.mark.parametrize("mode", ["walk", "drive"])
def test_covered_population_matches_a_networkx_reference(
    paris_context: CommuneContext, paris_store: SqlStore, mode: str, bounded: bool
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    threshold = make_threshold(mode, within_m=300)  # type: ignore[arg-type]
    result = compute_coverage(
        paris_context,
        assets,
        threshold=threshold,
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
        bounded=bounded,
    )
    engine = paris_context.engine(mode)  # type: ignore[arg-type]
    demand = paris_context.snapped_demand(mode)  # type: ignore[arg-type]
    snapped = engine.snap([a.lon for a in assets], [a.lat for a in assets])
    view, _ = paris_context.model.mode_view(mode)  # type: ignore[arg-type]
    expected = reference_distances(view, engine, demand, snapped)
    if bounded:  # beyond the threshold, not searched
        expected = np.where(expected <= 300, expected, np.inf)
    assert np.isinf(expected).any() == bounded
    assert np.allclose(result.distance_m, expected, atol=0.01, rtol=0, equal_nan=False)
    covered_by_hand = float(result.population[expected <= 300].sum())
    assert result.population_covered == pytest.approx(covered_by_hand)
    assert result.population_total == pytest.approx(79_550)
    assert 0 < result.share < 1


def test_zone_rows_add_up_to_the_commune(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    result = compute_coverage(
        paris_context,
        base_assets(paris_store, "75110", Layer.HUBS),
        threshold=make_threshold("walk", within_m=400),
        asset_filter=AssetFilter(Layer.HUBS),
    )
    zones = result.zones()
    assert len(zones) == 39  # 42 IRIS, 3 without population
    assert sum(z.population for z in zones) == pytest.approx(result.population_total)
    assert sum(z.population_covered for z in zones) == pytest.approx(result.population_covered)
    assert all(0 <= z.share <= 1 for z in zones)


def test_adding_an_asset_never_lowers_coverage(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)[:10]
    threshold = make_threshold("walk", within_m=250)
    rule = AssetFilter(Layer.CHARGING_POINTS)
    before = compute_coverage(paris_context, assets, threshold=threshold, asset_filter=rule)
    extra = builders.charging_point("FRV75EXTRA1", 2.3645, 48.8745)
    after = compute_coverage(
        paris_context, [*assets, extra], threshold=threshold, asset_filter=rule
    )
    assert np.all(after.distance_m <= before.distance_m + 1e-9)
    assert after.population_covered > before.population_covered


def test_walking_minutes_are_metres_at_walking_pace(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.HUBS)
    rule = AssetFilter(Layer.HUBS, mode="metro")
    metro = rule.apply(assets)
    by_minutes = compute_coverage(
        paris_context, metro, threshold=make_threshold("walk", within_min=5), asset_filter=rule
    )
    by_metres = compute_coverage(
        paris_context, metro, threshold=make_threshold("walk", within_m=400), asset_filter=rule
    )
    assert by_minutes.population_covered == pytest.approx(by_metres.population_covered)


def test_driving_minutes_use_street_speeds(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    rule = AssetFilter(Layer.CHARGING_POINTS)
    result = compute_coverage(
        paris_context, assets, threshold=make_threshold("drive", within_min=1), asset_filter=rule
    )
    # a classless source drives at 30 km/h: one minute is 500 m of street, plus walked legs
    assert result.method["threshold"]["compared"] == "travel time (s)"
    finite = np.isfinite(result.cost)
    assert np.all(result.cost[finite] >= result.distance_m[finite] / (30 / 3.6) - 1e-6)


def test_filters_choose_the_assets(paris_store: SqlStore) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    fast = AssetFilter(Layer.CHARGING_POINTS, min_power_kw=50).apply(assets)
    assert 0 < len(fast) < len(assets)
    powers = {a.id: a.attributes.puissance_nominale for a in assets}  # type: ignore[union-attr]
    assert [a.id for a in fast] == [key for key, power in powers.items() if power >= 50]
    with pytest.raises(InvalidInputError) as error:
        AssetFilter(Layer.PARKING, min_power_kw=22)
    assert error.value.problems[0].field == "min_power_kw"


def test_no_asset_means_nobody_covered_with_an_explanation(paris_context: CommuneContext) -> None:
    result = compute_coverage(
        paris_context,
        [],
        threshold=make_threshold("walk", within_m=300),
        asset_filter=AssetFilter(Layer.PARKING, kind="car"),
    )
    assert result.population_covered == 0 and result.share == 0
    assert any("no parking for cars" in note for note in result.notes)
    assert result.distribution()["p50_m"] is None


def test_gaps_hold_every_uncovered_inhabitant_ranked(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    result = compute_coverage(
        paris_context,
        base_assets(paris_store, "75110", Layer.CHARGING_POINTS),
        threshold=make_threshold("walk", within_m=300),
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
    )
    gaps = find_gaps(result, paris_context.record.boundary)
    unserved = result.population_total - result.population_covered
    assert sum(g.population_unserved for g in gaps) == pytest.approx(unserved, rel=1e-6)
    populations = [g.population_unserved for g in gaps]
    assert populations == sorted(populations, reverse=True)
    assert [g.rank for g in gaps] == list(range(1, len(gaps) + 1))
    assert all(g.nearest_asset_m is None or g.nearest_asset_m > 300 for g in gaps)
    big = find_gaps(result, paris_context.record.boundary, min_population=1000)
    assert [g.population_unserved for g in big] == [p for p in populations if p >= 1000]
    assert 0 < len(big) < len(gaps)


def test_service_area_holds_the_covered_homes(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    assets = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    threshold = make_threshold("walk", within_m=300)
    result = compute_coverage(
        paris_context, assets, threshold=threshold, asset_filter=AssetFilter(Layer.CHARGING_POINTS)
    )
    [area] = compute_service_areas(paris_context, assets, threshold=threshold, dissolve=True)
    demand = paris_context.snapped_demand("walk")
    from shapely.geometry import Point

    inside = [
        area.geometry_metric.buffer(0.5).contains(
            to_metric(Point(demand.snapped_lon[i], demand.snapped_lat[i]))
        )
        for i in np.flatnonzero(result.covered)
    ]
    assert all(inside)
    per_asset = compute_service_areas(
        paris_context, assets[:5], threshold=threshold, dissolve=False
    )
    assert [a.asset_id for a in per_asset] == [a.id for a in assets[:5]]
    assert all(a.reached_street_m > 0 for a in per_asset)


def test_zone_rows_equal_a_zone_by_zone_sum(
    paris_context: CommuneContext, paris_store: SqlStore
) -> None:
    result = compute_coverage(
        paris_context,
        base_assets(paris_store, "75110", Layer.CHARGING_POINTS),
        threshold=make_threshold("walk", within_m=250),
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
    )
    rows = result.zones()
    names = sorted(set(result.zone.tolist()))
    assert [row.zone for row in rows] == names
    for row, name in zip(rows, names, strict=True):
        inside = result.zone == name
        assert row.population == pytest.approx(float(result.population[inside].sum()))
        expected = float(result.population[inside & result.covered].sum())
        assert row.population_covered == pytest.approx(expected)
    assert any(0 < row.population_covered < row.population for row in rows)
