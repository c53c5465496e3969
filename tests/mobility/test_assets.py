# SPDX-License-Identifier: MIT
"""Built and planned charging points: two kinds of one base, told apart by type."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from mobility.assets import (
    NOT_CONCERNED,
    Asset,
    ChargingPoint,
    ChargingPointBase,
    Layer,
    PlannedChargingPoint,
    filter_columns,
    parse_planned_attributes,
)
from mobility.coverage.filters import AssetFilter
from mobility.intermodality.modes import asset_modes
from tests.support.builders import charging_point_properties
from tests.support.paths import DATA


def _required(model: type[ChargingPointBase]) -> set[str]:
    return {name for name, field in model.model_fields.items() if field.is_required()}


def test_a_built_point_requires_what_the_national_schema_requires() -> None:
    schema = json.loads((DATA / "schema-irve" / "schema-statique.json").read_text("utf-8"))
    required = {f["name"] for f in schema["fields"] if f.get("constraints", {}).get("required")}
    # The location is the feature's geometry, not an attribute.
    assert _required(ChargingPoint) == required - {"coordonneesXY"}


def test_a_planned_point_requires_only_its_power() -> None:
    assert _required(PlannedChargingPoint) == {"puissance_nominale"}
    planned = PlannedChargingPoint(puissance_nominale=22)
    assert planned.nbre_pdc == 1 and planned.accessibilite_pmr == "Accessibilité inconnue"
    assert planned.feature_id == "" and planned.connector_types == []
    with pytest.raises(ValidationError, match="id_pdc_local is required"):
        PlannedChargingPoint(puissance_nominale=22, id_pdc_itinerance=NOT_CONCERNED)


def test_both_kinds_keep_the_irve_column_order() -> None:
    assert list(PlannedChargingPoint.model_fields) == list(ChargingPoint.model_fields)


def test_a_plan_keeps_a_complete_record_and_marks_an_incomplete_one() -> None:
    complete = parse_planned_attributes(Layer.CHARGING_POINTS, charging_point_properties())
    assert type(complete) is ChargingPoint
    partial = parse_planned_attributes(Layer.CHARGING_POINTS, {"puissance_nominale": 50})
    assert type(partial) is PlannedChargingPoint
    assert not isinstance(partial, ChargingPoint)


def test_a_planned_point_is_filtered_and_placed_like_a_built_one() -> None:
    planned = Asset(
        Layer.CHARGING_POINTS,
        "p1",
        "75110",
        2.36,
        48.875,
        PlannedChargingPoint(puissance_nominale=50),
    )
    assert AssetFilter(Layer.CHARGING_POINTS, min_power_kw=50).keeps(planned)
    assert not AssetFilter(Layer.CHARGING_POINTS, min_power_kw=50.5).keeps(planned)
    assert not AssetFilter(Layer.CHARGING_POINTS, free_only=True).keeps(planned)
    assert asset_modes(planned) == frozenset({"charging"})
    assert filter_columns(Layer.CHARGING_POINTS, planned.attributes)["power_kw"] == 50
