# SPDX-License-Identifier: MIT
"""AFIR installed power: reserved-access points apart by default, counted only when asked."""

from __future__ import annotations

from datetime import date

from mobility.assets import Asset
from mobility.regulation.afir import FleetFigures, afir_check
from mobility.regulation.power_classes import PowerClass
from tests.mobility.regulation.builders import planned, point

FLEET = FleetFigures(100, 0, "register", date(2025, 1, 1), "stored")  # 130 kW required


def _assets() -> list[Asset]:
    return [
        point("a", 22.0),
        point("b", 50.0, station="FRV75PTEST02"),
        point("c", 150.0, condition_acces="Accès réservé", station="FRV75PTEST03"),
        planned("p", 7.4),  # a planned point states no access condition: public
    ]


def test_reserved_points_are_left_out_by_default_and_reported_apart() -> None:
    check = afir_check(commune="75110", assets=_assets(), fleet=FLEET)
    # public: 22 + 50 + 7.4 = 79.4 kW over 3 points; gap 130 - 79.4 = 50.6
    assert check.installed_kw == 79.4 and check.points == 3 and check.stations == 3
    assert check.gap_kw == 50.6 and check.target_met is False
    assert (check.reserved.points, check.reserved.power_kw, check.reserved.counted) == (
        1,
        150.0,
        False,
    )
    assert check.installed_by_class[PowerClass.UP_TO_7_4] == (1, 7.4)
    assert check.installed_by_class[PowerClass.FROM_150] == (0, 0.0)
    body = check.to_dict()
    assert body["reserved_access"] == {"points": 1, "power_kw": 150.0, "counted": False}
    assert "publicly accessible points only" in body["method"]["installed"]


def test_include_reserved_counts_them_and_says_so() -> None:
    check = afir_check(commune="75110", assets=_assets(), fleet=FLEET, include_reserved=True)
    # all: 79.4 + 150 = 229.4 kW over 4 points; the target of 130 kW is met
    assert check.installed_kw == 229.4 and check.points == 4
    assert check.gap_kw == 0.0 and check.target_met is True
    assert check.reserved.counted is True
    assert "include_reserved=true asked" in check.to_dict()["method"]["installed"]
    assert any("counted in the installed power as asked" in note for note in check.notes)


def test_no_reserved_points_no_note() -> None:
    check = afir_check(commune="75110", assets=[point("a", 22.0)], fleet=None)
    assert (check.reserved.points, check.reserved.power_kw) == (0, 0.0)
    assert not any("reserved access" in note for note in check.notes)
