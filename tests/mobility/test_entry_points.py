# SPDX-License-Identifier: MIT
"""The analyses' entry points: the layer read once with the scenario, the method naming it.

Expected values come from the lower-level functions called by hand on the same inputs, so
these tests pin what the entry points add: reading the layer, applying the scenario and the
filter, and stating both in the method.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pytest

from mobility.assets import Asset, Layer
from mobility.commune_list import boxes_intersect, select_communes
from mobility.coverage.analysis import compute_coverage
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.layers import read_layer
from mobility.coverage.run import CoverageQuestion, run_coverage, run_gaps
from mobility.coverage.threshold import make_threshold
from mobility.intermodality import Reach
from mobility.intermodality.run import HubsQuestion, candidate_collection, run_intermodality
from mobility.ocpi_locations import MAX_PAGE, find_location, page_locations, read_locations
from mobility.siting.run import CandidateChoice, gather_candidates
from mobility.store import SqlStore

CODE = "75110"


@dataclass
class KeepFirst:
    """A scenario that keeps only the first ``count`` assets of every layer."""

    count: int
    applied: int = 0

    def apply(self, layer: Layer, base: Iterable[Asset]) -> list[Asset]:
        self.applied += 1
        return list(base)[: self.count]

    def describe(self) -> dict[str, Any]:
        return {"id": "keep-first", "count": self.count}


def test_read_layer_is_every_stored_asset_of_the_commune(paris_store: SqlStore) -> None:
    for layer in Layer:
        assets = read_layer(paris_store, CODE, layer)
        assert len(assets) == paris_store.count_assets(layer, CODE)
        assert [a.id for a in assets] == sorted(a.id for a in assets)


def test_coverage_on_a_scenario_is_coverage_of_its_assets(
    paris_store: SqlStore, paris_context: CommuneContext
) -> None:
    rule = AssetFilter(Layer.CHARGING_POINTS)
    threshold = make_threshold("walk", within_m=250)
    scenario = KeepFirst(3)
    result = run_coverage(paris_context, paris_store, CoverageQuestion(threshold, rule), scenario)
    kept = read_layer(paris_store, CODE, Layer.CHARGING_POINTS)[:3]
    expected = compute_coverage(paris_context, kept, threshold=threshold, asset_filter=rule)
    assert result.population_covered == pytest.approx(expected.population_covered)
    assert (
        result.population_covered
        < run_coverage(
            paris_context, paris_store, CoverageQuestion(threshold, rule)
        ).population_covered
    )
    assert result.method["scenario"] == {"id": "keep-first", "count": 3}
    assert scenario.applied == 1


def test_gaps_hold_the_uncovered_population(
    paris_store: SqlStore, paris_context: CommuneContext
) -> None:
    question = CoverageQuestion(make_threshold("walk", within_m=150), AssetFilter(Layer.HUBS))
    gaps = run_gaps(paris_context, paris_store, question, KeepFirst(2))
    # the gaps search the whole network, to tell how far their nearest asset is
    coverage = run_coverage(paris_context, paris_store, question, KeepFirst(2), bounded=False)
    unserved = sum(f["properties"]["population_unserved"] for f in gaps.features)
    total = coverage.population_total - coverage.population_covered
    assert unserved == pytest.approx(total, rel=0.01)
    assert gaps.summary == coverage.summary()
    bounded = run_coverage(paris_context, paris_store, question, KeepFirst(2)).summary()
    assert bounded | {"distance": None} == coverage.summary() | {"distance": None}
    assert "scenario" in gaps.method and "gaps" in gaps.method
    assert gaps.to_geojson()["type"] == "FeatureCollection"


def test_intermodality_reads_each_layer_through_the_scenario_once(
    paris_store: SqlStore, paris_context: CommuneContext
) -> None:
    scenario = KeepFirst(5)
    question = HubsQuestion(Reach.build(300.0, {}))
    result = run_intermodality(paris_context, paris_store, question, scenario)
    assert scenario.applied == 3
    assert len(result.hubs) == 5
    assert result.method["scenario"]["id"] == "keep-first"
    candidates = candidate_collection(result)
    assert [f["properties"]["rank"] for f in candidates.features] == list(
        range(1, len(candidates.features) + 1)
    )


def test_candidates_come_from_the_chosen_source(
    paris_store: SqlStore, paris_context: CommuneContext
) -> None:
    engine = paris_context.engine("walk")
    parking = read_layer(paris_store, CODE, Layer.PARKING)
    from_parking = gather_candidates(CandidateChoice("parking"), engine, paris_store, CODE)
    assert {c.id for c in from_parking} == {a.id for a in parking}
    kept = gather_candidates(CandidateChoice("hubs"), engine, paris_store, CODE, KeepFirst(4))
    assert len(kept) == 4
    custom = CandidateChoice(
        "custom",
        features={
            "type": "FeatureCollection",
            "features": [
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [2.36, 48.875]},
                    "properties": {"id": "here"},
                }
            ],
        },
    )
    assert [c.id for c in gather_candidates(custom, engine, paris_store, CODE)] == ["here"]


@pytest.mark.parametrize(
    ("box", "meets"),
    [
        ((0.0, 0.0, 2.0, 2.0), True),  # overlapping
        ((1.0, 1.0, 1.5, 1.5), True),  # inside
        ((2.0, 2.0, 3.0, 3.0), True),  # touching at a corner
        ((2.1, 0.0, 3.0, 2.0), False),  # east of it
        ((0.0, -2.0, 2.0, -0.1), False),  # south of it
    ],
)
def test_boxes_intersect(box: tuple[float, float, float, float], meets: bool) -> None:
    assert boxes_intersect((-1.0, -0.05, 2.0, 2.0), box) is meets
    assert boxes_intersect(box, (-1.0, -0.05, 2.0, 2.0)) is meets


def test_select_communes_by_box_and_code(paris_store: SqlStore) -> None:
    west, south, east, north = paris_store.get_commune(CODE).bbox
    assert [r.code for r in select_communes(paris_store)] == [CODE]
    assert [r.code for r in select_communes(paris_store, bbox=(west, south, west, south))] == [CODE]
    assert select_communes(paris_store, bbox=(east + 0.01, south, east + 0.02, north)) == []
    assert select_communes(paris_store, code="92048") == []


def test_location_pages_and_lookup(paris_store: SqlStore) -> None:
    everything = read_locations(paris_store)
    first = page_locations(paris_store, limit=5)
    assert first.total == len(everything) and first.locations == everything[:5]
    assert first.next_offset == 5
    last = page_locations(paris_store, offset=len(everything) - 2, limit=5)
    assert last.locations == everything[-2:] and last.next_offset is None
    assert page_locations(paris_store, limit=MAX_PAGE + 1).limit == MAX_PAGE
    assert find_location(paris_store, everything[3]["id"]) == everything[3]
    assert find_location(paris_store, "NO-SUCH-STATION") is None
