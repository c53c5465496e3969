# SPDX-License-Identifier: MIT
"""SDIRVE indicators from small hand-made cases: classes, IRIS, planned points, CSV rows."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mobility.errors import ConflictError
from mobility.regulation import SdirveInputs, sdirve_indicators, sdirve_rows, write_sdirve_csv
from mobility.regulation.sdirve_schema import required_fields, sdirve_fields
from tests.mobility.regulation.builders import IN_EAST, IN_WEST, planned, point, zones

TODAY = date(2025, 6, 1)
COUNTS = {"intervalle_1": 4, "intervalle_2": 3, "intervalle_3": 2, "intervalle_4": 1}
USAGE = {
    "nb_moyen_recharges": 5.3,
    "duree_moyenne_recharges": 120,
    "taux_disponibilite_moyen": 97.5,
    "period": {"start": "2023-08-01", "end": "2025-05-31"},
    "source": "operator report",
}
FORECAST = {"bev": 900, "phev": 300, "horizon": "2028-01-01", "source": "commune study"}
BASE = [
    point("a", 7.4, at=IN_WEST),
    point("b", 22.0, at=IN_WEST),
    point("c", 22.000001, at=IN_EAST, station="FRV75PTEST02"),
    point("d", 150.0, at=IN_EAST, station="FRV75PTEST02"),
]


def _inputs(**extra: Any) -> SdirveInputs:
    return SdirveInputs.model_validate(
        {
            "date_realisation_diagnostic": "2025-05-31",
            "date_adoption_sdirve": "2025-06-01",
            "date_objectifs": "2028-01-01",
            "usage": USAGE,
            "forecast_fleet": FORECAST,
            "objectives": COUNTS,
            **extra,
        },
        context={"today": TODAY},
    )


def test_existing_points_by_class_for_the_commune_and_each_iris() -> None:
    result = sdirve_indicators(commune="75110", base_assets=BASE, today=TODAY, zones=zones())
    values = result.commune_level.values
    assert [values[f"existant_nb_pdc_intervalle_{n}"] for n in range(1, 5)] == [1, 1, 1, 1]
    assert result.iris is not None
    west, east = result.iris
    assert west.code_iris_insee == "751100001" and east.code_iris_insee == "751100002"
    assert [west.values[f"existant_nb_pdc_intervalle_{n}"] for n in range(1, 5)] == [1, 1, 0, 0]
    assert [east.values[f"existant_nb_pdc_intervalle_{n}"] for n in range(1, 5)] == [0, 0, 1, 1]
    assert values["date_realisation_diagnostic"] == TODAY
    assert result.commune_level.provenance["date_realisation_diagnostic"] == "answer_date"
    assert result.existing["stations"] == 2


def test_nothing_supplied_is_left_empty_and_listed() -> None:
    result = sdirve_indicators(commune="75110", base_assets=BASE, today=TODAY, zones=zones())
    values = result.commune_level.values
    missing = {entry.field: entry for entry in result.commune_level.missing}
    for name in (
        "existant_nb_moyen_recharges",
        "existant_duree_moyenne_recharges",
        "existant_taux_disponibilite_moyen",
        "estimation_vehicules_particuliers_electriques",
        "objectifs_nb_pdc_intervalle_1",
        "evaluation_developpement_nb_pdc_intervalle_1",
    ):
        assert values[name] is None and missing[name].required
    assert missing["existant_nb_moyen_recharges"].input == "usage.nb_moyen_recharges"
    assert missing["evaluation_developpement_nb_pdc_intervalle_4"].query == "scenario"
    assert not missing["url_sdirve"].required
    with pytest.raises(ConflictError) as caught:
        sdirve_rows(result)
    assert {p.field for p in caught.value.problems} == set(missing_required(result))


def missing_required(result: Any) -> list[str]:
    return [e.field for e in result.commune_level.missing if e.required]


def test_planned_points_are_those_the_scenario_adds() -> None:
    scenario = [*BASE[1:], planned("p-1", 7.0), planned("p-2", 50.0), planned("p-3", 50.0)]
    result = sdirve_indicators(
        commune="75110",
        base_assets=BASE,
        scenario_assets=scenario,
        scenario_id="s1",
        today=TODAY,
        zones=zones(),
        inputs=_inputs(),
    )
    values = result.commune_level.values
    assert [values[f"evaluation_developpement_nb_pdc_intervalle_{n}"] for n in range(1, 5)] == [
        1,
        0,
        2,
        0,
    ]
    # stations of the scenario: the two of the base it keeps, plus one per planned point
    assert values["objectifs_nb_total_stations"] == 5
    assert result.commune_level.provenance["objectifs_nb_total_stations"] == "scenario_stations"
    assert result.planned is not None and result.planned["points_removed"] == 1
    assert any("removes 1 existing points" in note for note in result.notes)
    assert result.iris is not None
    assert result.iris[1].values["evaluation_developpement_nb_pdc_intervalle_3"] == 2


def test_complete_commune_row_in_schema_order() -> None:
    result = sdirve_indicators(
        commune="75110",
        base_assets=BASE,
        scenario_assets=BASE,
        scenario_id="empty",
        today=TODAY,
        zones=zones(),
        inputs=_inputs(url_sdirve="https://example.fr/sdirve"),
    )
    (row,) = sdirve_rows(result)
    assert list(row) == [f.name for f in sdirve_fields()]
    assert row["date_realisation_diagnostic"] == "2025-05-31"
    assert row["code_iris_insee"] == ""
    assert row["existant_nb_moyen_recharges"] == "5.3"
    assert row["existant_duree_moyenne_recharges"] == "120"
    assert row["evaluation_developpement_nb_pdc_intervalle_2"] == "0"
    assert row["objectifs_nb_total_stations"] == "2"
    assert row["url_sdirve"] == "https://example.fr/sdirve"
    assert all(row[name] for name in required_fields())
    text = write_sdirve_csv([row])
    assert text.splitlines()[0].split(",")[:3] == [
        "date_realisation_diagnostic",
        "date_adoption_sdirve",
        "date_objectifs",
    ]
    assert result.sources["usage"].date == date(2025, 5, 31)
    assert result.notes == ()


def test_inconsistent_dates_are_noted() -> None:
    inputs = _inputs(
        forecast_fleet={**FORECAST, "horizon": "2027-01-01"},
        usage={**USAGE, "period": {"start": "2023-08-01", "end": "2025-06-01"}},
    )
    result = sdirve_indicators(commune="75110", base_assets=BASE, today=TODAY, inputs=inputs)
    assert any("forecast fleet is for 2027-01-01" in note for note in result.notes)
    assert any("usage period ends after the diagnostic" in note for note in result.notes)


def test_iris_rows_need_per_iris_figures() -> None:
    common = {
        "commune": "75110",
        "base_assets": BASE,
        "scenario_assets": BASE,
        "scenario_id": "empty",
        "today": TODAY,
        "zones": zones(),
    }
    partial = sdirve_indicators(**common, inputs=_inputs(iris={"751100001": {"usage": USAGE}}))
    with pytest.raises(ConflictError) as caught:
        sdirve_rows(partial, "iris")
    problems = {p.field: p.message for p in caught.value.problems}
    assert "existant_nb_moyen_recharges" in problems
    assert "751100002" in problems["existant_nb_moyen_recharges"]
    assert "751100001" not in problems["existant_nb_moyen_recharges"]
    figures = {"usage": USAGE, "forecast_fleet": FORECAST, "objectives": COUNTS}
    full = sdirve_indicators(
        **common, inputs=_inputs(iris={"751100001": figures, "751100002": figures})
    )
    rows = sdirve_rows(full, "iris")
    assert [r["code_iris_insee"] for r in rows] == ["751100001", "751100002"]
    assert sum(int(r["existant_nb_pdc_intervalle_4"]) for r in rows) == 1


def test_a_commune_without_iris_codes_has_no_iris_level() -> None:
    unnamed = zones().assign(zone=["0", "1"])
    result = sdirve_indicators(commune="75110", base_assets=BASE, today=TODAY, zones=unnamed)
    assert result.iris is None
    assert any("no IRIS zones" in note for note in result.notes)
    with pytest.raises(ConflictError):
        sdirve_rows(result, "iris")
