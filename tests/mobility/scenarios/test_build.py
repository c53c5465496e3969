# SPDX-License-Identifier: MIT
"""Checking a scenario's changes against the base: ids, places, planned records."""

from __future__ import annotations

import pytest

from mobility.assets import ChargingPoint, Layer, PlannedChargingPoint
from mobility.errors import InvalidInputError
from mobility.scenarios import Scenario
from mobility.scenarios.build import AddGroup, ChangeRequest, RemoveGroup, build_changes
from tests.support import builders

RECORD = builders.commune_record()


def _site(rank: int, candidate: str, street: str | None) -> dict[str, object]:
    return builders.feature(
        {"rank": rank, "candidate_id": candidate, "street": street, "population_gained": 12.5},
        2.357 + rank / 1000,
        48.876,
    )


def test_siting_sites_become_planned_points_named_after_their_street() -> None:
    group = AddGroup(
        Layer.CHARGING_POINTS,
        [_site(1, "node 42", "Rue de Test"), _site(2, "node-7", None)],
        {"puissance_nominale": 22},
        "siting",
    )
    changes = build_changes(RECORD, {}, ChangeRequest(add=[group]))
    assert [c.asset_id for c in changes] == ["site-node-42", "site-node-7"]
    first = changes[0].asset
    assert first is not None and isinstance(first.attributes, PlannedChargingPoint)
    assert first.attributes.adresse_station == "Rue de Test"
    assert first.attributes.puissance_nominale == 22
    assert changes[0].planned


def test_a_complete_record_stays_a_charging_point_with_its_roaming_id() -> None:
    properties = builders.charging_point_properties(id_pdc_itinerance="FRV75ENEW9")
    group = AddGroup(Layer.CHARGING_POINTS, [builders.feature(properties)])
    (change,) = build_changes(RECORD, {}, ChangeRequest(add=[group]))
    assert change.asset_id == "FRV75ENEW9" and not change.planned
    assert type(change.asset.attributes) is ChargingPoint  # type: ignore[union-attr]


def test_every_problem_is_reported_with_its_path() -> None:
    request = ChangeRequest(
        add=[
            AddGroup(
                Layer.PARKING,
                [
                    builders.feature({"kind": "car"}, feature_id="p1"),
                    builders.feature({"kind": "car"}, feature_id="p1"),
                    builders.feature({"kind": "boat"}, feature_id="p2"),
                    builders.feature({"kind": "car"}, 4.83, 45.76, feature_id="p3"),
                ],
            )
        ],
        remove=[RemoveGroup(Layer.HUBS, ["h-unknown"])],
    )
    with pytest.raises(InvalidInputError) as caught:
        build_changes(RECORD, {Layer.HUBS: {"h-1"}}, request)
    fields = {p.field for p in caught.value.problems}
    assert fields == {
        "add[0].features[1].id",
        "add[0].features[2].properties.kind",
        "add[0].features[3].geometry",
        "remove[0].ids[0]",
    }


def test_apply_keeps_base_order_then_additions() -> None:
    base = [builders.parking("a"), builders.parking("b"), builders.parking("c")]
    changes = build_changes(
        RECORD,
        {Layer.PARKING: {"a", "b", "c"}},
        ChangeRequest(
            add=[AddGroup(Layer.PARKING, [builders.feature({"kind": "bicycle"}, feature_id="z")])],
            remove=[RemoveGroup(Layer.PARKING, ["b"])],
        ),
    )
    scenario = Scenario(id="s", commune="75110", name="n", changes=tuple(changes))
    assert [a.id for a in scenario.apply(Layer.PARKING, base)] == ["a", "c", "z"]
    assert [a.id for a in scenario.apply(Layer.HUBS, [builders.hub()])] == ["h-1"]
    assert scenario.counts() == {"parking": {"add": 1, "change": 0, "remove": 1}}
