# SPDX-License-Identifier: MIT
"""What a commune supplies is validated, each refusal naming its field."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from mobility.errors import InvalidInputError
from mobility.regulation.inputs import (
    Fleet,
    SdirveInputs,
    add_years,
    check_iris_codes,
    parse_inputs,
)

TODAY = date(2025, 6, 1)
USAGE = {
    "nb_moyen_recharges": 5.3,
    "duree_moyenne_recharges": 126.34,
    "taux_disponibilite_moyen": 97.5,
    "period": {"start": "2023-08-01", "end": "2025-05-31"},
    "source": "Belib' operator report",
}


def _fields(raw: dict[str, Any], model: Any = SdirveInputs) -> list[str]:
    with pytest.raises(InvalidInputError) as caught:
        parse_inputs(model, raw)
    return [problem.field for problem in caught.value.problems]


def test_complete_inputs_are_accepted() -> None:
    inputs = SdirveInputs.model_validate(
        {
            "date_realisation_diagnostic": "2025-03-01",
            "date_adoption_sdirve": "2025-05-01",
            "date_objectifs": "2028-03-01",
            "usage": USAGE,
            "forecast_fleet": {"bev": 9000, "phev": 3000, "horizon": "2028-03-01", "source": "x"},
            "objectives": {
                "intervalle_1": 300,
                "intervalle_2": 60,
                "intervalle_3": 10,
                "intervalle_4": 8,
                "by_use": {
                    "residentiel": dict.fromkeys(
                        ("intervalle_1", "intervalle_2", "intervalle_3", "intervalle_4"), 1
                    )
                },
            },
            "url_sdirve": "https://www.paris.fr/sdirve",
            "iris": {"751103701": {"usage": USAGE}},
        },
        context={"today": TODAY},
    )
    assert inputs.diagnostic_date(TODAY) == date(2025, 3, 1)
    assert SdirveInputs().diagnostic_date(TODAY) == TODAY


def test_objectives_at_most_three_years_after_the_diagnostic() -> None:
    base = {"date_realisation_diagnostic": "2024-02-29"}
    ok = SdirveInputs.model_validate({**base, "date_objectifs": "2027-02-28"})
    assert ok.date_objectifs == date(2027, 2, 28) == add_years(date(2024, 2, 29), 3)
    assert _fields({**base, "date_objectifs": "2027-03-01"}) == ["date_objectifs"]
    assert _fields({**base, "date_objectifs": "2024-02-28"}) == ["date_objectifs"]


def test_objectives_dated_from_today_when_the_diagnostic_is_not_given() -> None:
    context = {"today": TODAY}
    SdirveInputs.model_validate({"date_objectifs": "2028-06-01"}, context=context)
    with pytest.raises(ValueError, match="at most 3 years"):
        SdirveInputs.model_validate({"date_objectifs": "2028-06-02"}, context=context)


def test_stored_inputs_stay_readable_as_time_passes() -> None:
    stored = {"date_objectifs": "2020-01-01", "date_realisation_diagnostic": None}
    inputs = parse_inputs(SdirveInputs, stored, stored=True)
    assert inputs.date_objectifs == date(2020, 1, 1)


def test_a_diagnostic_or_a_fleet_count_in_the_future_is_refused() -> None:
    assert _fields({"date_realisation_diagnostic": "2999-01-01"}) == ["date_realisation_diagnostic"]
    assert _fields({"bev": 1, "phev": 1, "as_of": "2999-01-01", "source": "x"}, Fleet) == ["as_of"]


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"usage": {**USAGE, "taux_disponibilite_moyen": 100.5}}, "usage.taux_disponibilite_moyen"),
        ({"usage": {**USAGE, "nb_moyen_recharges": -1}}, "usage.nb_moyen_recharges"),
        (
            {"usage": {**USAGE, "period": {"start": "2025-01-01", "end": "2024-01-01"}}},
            "usage.period",
        ),
        ({"usage": {**USAGE, "source": " "}}, "usage.source"),
        (
            {"forecast_fleet": {"bev": -5, "phev": 0, "horizon": "2028-01-01", "source": "x"}},
            "forecast_fleet.bev",
        ),
        ({"iris": {"7511037": {}}}, "iris.7511037.[key]"),
        ({"date_adoption_sdirve": "2025-13-01"}, "date_adoption_sdirve"),
        ({"url_sdirve": "not a url"}, "url_sdirve"),
        ({"surprise": 1}, "surprise"),
    ],
)
def test_bad_inputs_name_their_field(raw: dict[str, Any], field: str) -> None:
    assert _fields(raw) == [field]


def test_uses_cannot_exceed_the_class_objective() -> None:
    counts = {"intervalle_1": 10, "intervalle_2": 0, "intervalle_3": 0, "intervalle_4": 0}
    objectives = {
        **counts,
        "by_use": {
            "residentiel": {**counts, "intervalle_1": 6},
            "professionnel": {**counts, "intervalle_1": 5},
        },
    }
    assert _fields({"objectives": objectives}) == ["objectives"]


def test_negative_or_missing_fleet_is_refused() -> None:
    assert _fields({"bev": -1, "phev": 0, "as_of": "2025-01-01", "source": "x"}, Fleet) == ["bev"]
    assert _fields({"bev": 1, "as_of": "2025-01-01", "source": "x"}, Fleet) == ["phev"]


def test_per_iris_figures_must_name_iris_of_the_commune() -> None:
    inputs = SdirveInputs.model_validate({"iris": {"751103701": {}, "751109999": {}}})
    with pytest.raises(InvalidInputError) as caught:
        check_iris_codes(inputs, {"751103701"}, commune="75110")
    assert [p.field for p in caught.value.problems] == ["iris.751109999"]
