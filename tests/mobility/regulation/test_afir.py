# SPDX-License-Identifier: MIT
"""AFIR arithmetic written down by hand: target, gap, points to close it, shared supply."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from mobility.regulation.afir import (
    FleetFigures,
    afir_check,
    points_to_close,
    required_power_kw,
    shared_supply,
)
from mobility.regulation.points import distinct_points
from mobility.regulation.power_classes import PowerClass
from tests.mobility.regulation.builders import point

FLEET = FleetFigures(100, 50, "SDES, vehicle register", date(2025, 1, 1), "stored")


def test_the_target_is_exact() -> None:
    assert required_power_kw(1000, 500) == Decimal("1700.0")
    assert required_power_kw(3, 0) == Decimal("3.9")  # 1.3 * 3 is 3.9000000000000004 in floats
    assert required_power_kw(0, 0) == 0
    with pytest.raises(ValueError, match="negative"):
        required_power_kw(-1, 0)


def test_points_to_close_a_gap_round_up_per_class() -> None:
    # 100 kW: 100 / 7.4 = 13.5 -> 14; 100 / 22 = 4.5 -> 5; 100 / 50 = 2; 100 / 150 = 0.67 -> 1
    assert points_to_close(Decimal(100)) == {
        PowerClass.UP_TO_7_4: 14,
        PowerClass.UP_TO_22: 5,
        PowerClass.UP_TO_150: 2,
        PowerClass.FROM_150: 1,
    }
    assert points_to_close(Decimal(0)) == dict.fromkeys(PowerClass, 0)
    assert points_to_close(Decimal(44))[PowerClass.UP_TO_22] == 2


def test_check_against_a_hand_computed_case() -> None:
    assets = [point("a", 7.4), point("b", 22.0), point("c", 150.0, station="FRV75PTEST02")]
    check = afir_check(
        commune="75110",
        assets=assets,
        fleet=FleetFigures(200, 100, "register", date(2025, 1, 1), "stored"),
    )
    # installed 7.4 + 22 + 150 = 179.4; required 1.3 * 200 + 0.8 * 100 = 340; gap 160.6
    assert check.installed_kw == 179.4
    assert check.required_kw == 340.0
    assert check.gap_kw == 160.6
    assert check.target_met is False
    assert check.points_to_close_gap == {
        PowerClass.UP_TO_7_4: 22,  # 160.6 / 7.4 = 21.7
        PowerClass.UP_TO_22: 8,  # 7.3
        PowerClass.UP_TO_150: 4,  # 3.2
        PowerClass.FROM_150: 2,  # 1.07
    }
    body = check.to_dict()
    assert body["installed"]["by_class"]["intervalle_2"] == {"points": 1, "power_kw": 22.0}
    assert body["fleet"]["source"] == "register" and body["fleet"]["as_of"] == "2025-01-01"


def test_no_gap_when_the_target_is_met_and_no_target_without_fleet() -> None:
    assets = [point("a", 300.0)]
    met = afir_check(commune="75110", assets=assets, fleet=FLEET)  # 1.3 * 100 + 0.8 * 50 = 170
    assert met.required_kw == 170.0 and met.gap_kw == 0.0 and met.target_met is True
    unknown = afir_check(commune="75110", assets=assets, fleet=None)
    assert unknown.required_kw is None and unknown.gap_kw is None
    assert unknown.target_met is None and unknown.points_to_close_gap is None
    assert any("no registered fleet" in note for note in unknown.notes)
    assert unknown.installed_kw == 300.0


def test_duplicates_are_not_counted_twice_in_the_installed_power() -> None:
    row = point("a-1", 22.0, id_pdc_itinerance="FRV75EX1")
    copy = point("a-2", 22.0, id_pdc_itinerance="FRV75EX1")
    check = afir_check(commune="75110", assets=[row, copy], fleet=None)
    assert check.installed_kw == 22.0 and check.duplicate_rows == 1


def test_shared_delivery_points_are_reported_within_a_station_only() -> None:
    assets = [
        point("a", 22.0, num_pdl="111"),
        point("b", 22.0, num_pdl="111"),
        point("c", 7.0, num_pdl="111", station="FRV75PTEST02"),  # same PDL, other station
        point("d", 7.0, num_pdl="00000000000000"),
        point("e", 7.0, num_pdl="00000000000000"),
        point("f", 50.0),
    ]
    supply = shared_supply(distinct_points(assets).points)
    assert (supply.delivery_points, supply.points, supply.power_kw) == (1, 2, 44.0)
    assert supply.points_with_known_delivery_point == 3
    check = afir_check(commune="75110", assets=assets, fleet=None)
    assert check.installed_kw == 115.0  # every point at its nominal power: no cap invented
