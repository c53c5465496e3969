# SPDX-License-Identifier: MIT
"""The domain rule: a charging point's asset id is its roaming id (else ``local-`` + local id)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mobility.assets import ChargingPoint, Layer, PlannedChargingPoint, natural_id_problem
from mobility.errors import InvalidInputError
from mobility.features import CommuneLocator, asset_from_feature
from mobility.formats.geojson_native import native_from_features
from mobility.loading import load_asset_file
from mobility.store import AssetQuery, SqlStore
from tests.support import builders


def test_the_rule_names_the_field_that_disagrees() -> None:
    point = builders.charging_point("FRV75EONE01")
    assert natural_id_problem("FRV75EONE01", point.attributes) is None
    problem = natural_id_problem("other", point.attributes)
    assert problem is not None and problem[0] == "id_pdc_itinerance"
    assert "'FRV75EONE01'" in problem[1] and "'other'" in problem[1]
    local = ChargingPoint.model_validate(
        builders.charging_point_properties(id_pdc_itinerance="Non concerné", id_pdc_local="L9")
    )
    assert natural_id_problem("local-L9", local) is None
    local_problem = natural_id_problem("L9", local)
    assert local_problem is not None and local_problem[0] == "id_pdc_local"


def test_planned_points_and_other_layers_have_no_natural_id() -> None:
    assert natural_id_problem("plan-1", PlannedChargingPoint(puissance_nominale=22)) is None
    with_roaming = PlannedChargingPoint(puissance_nominale=22, id_pdc_itinerance="FRV75EONE01")
    assert natural_id_problem("plan-1", with_roaming) is not None
    assert natural_id_problem("anything", builders.parking("p-9").attributes) is None
    assert natural_id_problem("anything", builders.hub("h-9").attributes) is None


def _feature(roaming: str, feature_id: str | None) -> dict[str, Any]:
    properties = builders.charging_point_properties(id_pdc_itinerance=roaming)
    return builders.feature(properties, feature_id=feature_id)


def test_features_refuse_a_mismatch_and_a_body_id_other_than_the_path() -> None:
    locator = CommuneLocator([builders.commune_record()])
    with pytest.raises(InvalidInputError) as refused:
        asset_from_feature(Layer.CHARGING_POINTS, _feature("FRV75EONE01", "x"), locator=locator)
    assert [p.field for p in refused.value.problems] == ["properties.id_pdc_itinerance"]
    with pytest.raises(InvalidInputError) as moved:
        asset_from_feature(
            Layer.PARKING,
            builders.feature({"kind": "car"}, feature_id="p-2"),
            locator=locator,
            feature_id="p-1",
        )
    assert [p.field for p in moved.value.problems] == ["id"]
    kept = asset_from_feature(
        Layer.PARKING, builders.feature({"kind": "car"}), locator=locator, feature_id="p-1"
    )
    assert kept.id == "p-1"


def test_readers_refuse_the_row_under_another_id() -> None:
    report = native_from_features(
        [_feature("FRV75EONE01", "FRV75EONE01"), _feature("FRV75EONE01", "FRV75EONE01-bis")],
        layer=Layer.CHARGING_POINTS,
    )
    assert [asset.id for asset in report.assets] == ["FRV75EONE01"]
    assert [(r.line, r.id, r.field) for r in report.rejected] == [
        (2, "FRV75EONE01-bis", "id_pdc_itinerance")
    ]


def test_a_refused_file_leaves_the_store_unchanged(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.charging_point("FRV75EONE01")])
    data = json.dumps(
        {
            "type": "FeatureCollection",
            "features": [_feature("FRV75ETWO01", "FRV75ETWO01"), _feature("FRV75EONE01", "b")],
        }
    ).encode()
    report = load_asset_file(store, "75110", data, layers=[Layer.CHARGING_POINTS])
    assert report.refused
    page = store.query_assets(AssetQuery(Layer.CHARGING_POINTS))
    assert [a.id for a in page.assets] == ["FRV75EONE01"]
