# SPDX-License-Identifier: MIT
"""Scenarios and commune inputs in the store, on SQLite and on PostGIS alike."""

from __future__ import annotations

import pytest

from mobility.assets import Layer, PlannedChargingPoint
from mobility.errors import ConflictError, InvalidInputError, NotFoundError
from mobility.scenarios import AssetChange, commune_assets
from mobility.store import AssetQuery, SqlStore
from tests.support import builders


def _planned(asset_id: str = "plan-1", lon: float = 2.360, lat: float = 48.879) -> AssetChange:
    attributes = PlannedChargingPoint.model_validate({"puissance_nominale": 22})
    asset = builders.charging_point().__class__(
        Layer.CHARGING_POINTS, asset_id, "75110", lon, lat, attributes
    )
    return AssetChange("add", Layer.CHARGING_POINTS, asset_id, asset)


def _filled(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets(
        [builders.charging_point("FRV75EA1"), builders.charging_point("FRV75EA2", lon=2.359)]
    )


def test_inputs_round_trip_replace_and_delete(store: SqlStore) -> None:
    _filled(store)
    assert store.get_commune_input("75110", "fleet") is None
    store.put_commune_input("75110", "fleet", {"bev": 100, "source": "SDES"})
    store.put_commune_input("75110", "fleet", {"bev": 120, "source": "SDES"})
    stored = store.get_commune_input("75110", "fleet")
    assert stored is not None and stored.value == {"bev": 120, "source": "SDES"}
    assert stored.updated_at.tzinfo is not None
    store.delete_commune_input("75110", "fleet")
    assert store.get_commune_input("75110", "fleet") is None
    with pytest.raises(NotFoundError):
        store.delete_commune_input("75110", "fleet")
    with pytest.raises(NotFoundError):
        store.put_commune_input("69381", "fleet", {})


def test_a_scenario_changes_what_analyses_see_and_not_the_base(store: SqlStore) -> None:
    _filled(store)
    replacement = builders.charging_point("FRV75EA2", lon=2.361, puissance_nominale=150.0)
    scenario = store.create_scenario(
        "75110",
        "Plan A",
        [
            _planned(),
            AssetChange("change", Layer.CHARGING_POINTS, "FRV75EA2", replacement),
            AssetChange("remove", Layer.CHARGING_POINTS, "FRV75EA1"),
        ],
        description="two new points",
    )
    seen = commune_assets(store, "75110", Layer.CHARGING_POINTS, scenario.id)
    assert [a.id for a in seen] == ["FRV75EA2", "plan-1"]
    assert seen[0].lon == 2.361 and seen[0].attributes.puissance_nominale == 150.0  # type: ignore[union-attr]
    assert isinstance(seen[1].attributes, PlannedChargingPoint)
    base = commune_assets(store, "75110", Layer.CHARGING_POINTS)
    assert [a.id for a in base] == ["FRV75EA1", "FRV75EA2"]
    again = store.get_scenario(scenario.id)
    assert again.counts() == {"charging-points": {"add": 1, "change": 1, "remove": 1}}
    assert again.description == "two new points"
    assert [s.id for s in store.list_scenarios("75110")] == [scenario.id]
    assert store.list_scenarios("69381") == []


def test_rename_keeps_changes_and_delete_forgets(store: SqlStore) -> None:
    _filled(store)
    scenario = store.create_scenario("75110", "Plan A", [_planned()])
    renamed = store.update_scenario(scenario.id, name="Plan B")
    assert renamed.name == "Plan B" and len(renamed.changes) == 1
    assert renamed.revision == scenario.revision + 1
    store.delete_scenario(scenario.id)
    with pytest.raises(NotFoundError):
        store.get_scenario(scenario.id)
    with pytest.raises(NotFoundError):
        store.delete_scenario(scenario.id)


def test_promotion_needs_complete_records_and_writes_all_or_nothing(store: SqlStore) -> None:
    _filled(store)
    planned = store.create_scenario("75110", "Planned", [_planned()])
    with pytest.raises(InvalidInputError):
        store.promote_scenario(planned.id)
    assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 2

    complete = builders.charging_point("FRV75ENEW1", lon=2.362)
    scenario = store.create_scenario(
        "75110",
        "Complete",
        [
            AssetChange("add", Layer.CHARGING_POINTS, "FRV75ENEW1", complete),
            AssetChange("remove", Layer.CHARGING_POINTS, "FRV75EA1"),
        ],
    )
    revision = store.get_commune("75110").revision
    promoted = store.promote_scenario(scenario.id)
    assert promoted.promoted_at is not None
    ids = [a.id for a in store.query_assets(AssetQuery(Layer.CHARGING_POINTS)).assets]
    assert ids == ["FRV75EA2", "FRV75ENEW1"]
    assert store.get_commune("75110").revision == revision + 1
    with pytest.raises(ConflictError):
        store.promote_scenario(scenario.id)
    with pytest.raises(ConflictError):
        store.update_scenario(scenario.id, changes=[])


def test_promotion_refuses_a_base_that_moved_and_writes_nothing(store: SqlStore) -> None:
    _filled(store)
    scenario = store.create_scenario(
        "75110",
        "Stale",
        [
            AssetChange(
                "add",
                Layer.CHARGING_POINTS,
                "FRV75ENEW2",
                builders.charging_point("FRV75ENEW2", lon=2.362),
            ),
            AssetChange("remove", Layer.CHARGING_POINTS, "FRV75EA1"),
        ],
    )
    store.delete_asset(Layer.CHARGING_POINTS, "FRV75EA1")
    with pytest.raises(ConflictError, match="no longer in the base"):
        store.promote_scenario(scenario.id)
    ids = [a.id for a in store.query_assets(AssetQuery(Layer.CHARGING_POINTS)).assets]
    assert ids == ["FRV75EA2"]
    assert store.get_scenario(scenario.id).promoted_at is None


def test_deleting_the_commune_deletes_its_scenarios_and_inputs(store: SqlStore) -> None:
    _filled(store)
    scenario = store.create_scenario("75110", "Plan A", [_planned()])
    store.put_commune_input("75110", "fleet", {"bev": 1})
    store.delete_commune("75110")
    with pytest.raises(NotFoundError):
        store.get_scenario(scenario.id)
    store.save_commune(builders.commune_record(), [])
    assert store.get_commune_input("75110", "fleet") is None


def test_another_communes_scenario_is_refused(store: SqlStore) -> None:
    _filled(store)
    store.save_commune(builders.commune_record("69381", builders.SQUARE_69381), [])
    scenario = store.create_scenario("69381", "Lyon", [])
    with pytest.raises(InvalidInputError, match="about commune 69381"):
        commune_assets(store, "75110", Layer.CHARGING_POINTS, scenario.id)
    with pytest.raises(NotFoundError):
        commune_assets(store, "75110", Layer.CHARGING_POINTS, "nope")
