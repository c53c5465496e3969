# SPDX-License-Identifier: MIT
"""The mode vocabulary: which asset gives which mode, how hubs are named, how reach is set."""

from __future__ import annotations

import pytest

from mobility.assets import Hub
from mobility.errors import InvalidInputError
from mobility.intermodality.modes import (
    EXPECTED_MODES,
    Reach,
    asset_modes,
    hub_label,
    main_mode,
    score_formula,
)
from tests.support import builders


def test_each_asset_gives_its_modes() -> None:
    assert asset_modes(builders.hub(modes=["rer", "metro"])) == {"rer", "metro"}
    assert asset_modes(builders.hub(modes=["bike_share"])) == {"bike_share"}
    assert asset_modes(builders.charging_point()) == {"charging"}
    assert asset_modes(builders.parking(kind="car")) == {"car_parking"}
    assert asset_modes(builders.parking(kind="motorcycle")) == frozenset()


@pytest.mark.parametrize(
    ("covered", "access", "secure"),
    [
        (True, "customers", True),
        (True, "private", True),
        (True, "public", False),
        (True, None, False),
        (False, "customers", False),
        (None, "customers", False),
    ],
)
def test_bike_parking_is_secure_only_when_the_data_says_so(
    covered: bool | None, access: str | None, secure: bool
) -> None:
    asset = builders.parking(kind="bicycle", covered=covered, access=access)
    expected = {"bike_parking", "secure_bike_parking"} if secure else {"bike_parking"}
    assert asset_modes(asset) == expected


def test_a_hub_is_named_by_its_heaviest_mode() -> None:
    def hub(*modes: str) -> Hub:
        attributes = builders.hub(modes=list(modes)).attributes
        assert isinstance(attributes, Hub)
        return attributes

    assert main_mode(hub("metro", "rer")) == "rer"
    assert hub_label(hub("metro", "rer", "rail")) == "train station"
    assert hub_label(hub("rer")) == "RER station"
    assert hub_label(hub("bike_share")) == "bike share station"
    assert hub_label(hub("bus", "tram")) == "tram stop"


def test_reach_applies_one_distance_with_per_mode_overrides() -> None:
    reach = Reach.build(400, {"bike_parking": 150, "charging": None})
    assert reach.to_dict() == {
        "public_transport": 400,
        "bike_share": 400,
        "bike_parking": 150,
        "charging": 400,
        "car_share": 400,
        "car_parking": 400,
    }
    assert reach.of("secure_bike_parking") == 150
    assert reach.of("rer") == 400
    assert Reach.build().to_dict() == dict.fromkeys(EXPECTED_MODES, 300.0)


def test_reach_out_of_range_names_every_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Reach.build(5, {"charging": 6000, "bike_share": 200})
    fields = {problem.field for problem in caught.value.problems}
    assert fields == {"within_m", "charging_within_m"}


def test_the_formula_states_the_expected_set() -> None:
    formula = score_formula()
    assert "/ 6 expected modes" in formula
    for label in ("public transport", "bike share", "bike parking", "charging", "car share"):
        assert label in formula
