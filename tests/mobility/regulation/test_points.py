# SPDX-License-Identifier: MIT
"""Each distinct point once: duplicates dropped, stations and delivery points identified."""

from __future__ import annotations

from mobility.regulation.points import distinct_points, supply_point
from mobility.regulation.power_classes import PowerClass
from tests.mobility.regulation.builders import planned, point


def test_rows_of_one_point_are_counted_once_keeping_the_latest() -> None:
    older = point("a-1", 7.0, id_pdc_itinerance="FRV75EX1", date_maj="2024-01-01")
    newer = point("a-2", 22.0, id_pdc_itinerance="FRV75EX1", date_maj="2025-01-01")
    other = point("b", 150.0)
    points = distinct_points([older, newer, other])
    assert len(points.points) == 2
    assert points.duplicate_rows == 1
    kept = next(p for p in points.points if p.key == "itinerance:FRV75EX1")
    assert kept.power_kw == 22.0 and kept.asset_id == "a-2"
    assert points.counts_by_class() == {
        PowerClass.UP_TO_7_4: 0,
        PowerClass.UP_TO_22: 1,
        PowerClass.UP_TO_150: 0,
        PowerClass.FROM_150: 1,
    }


def test_points_outside_roaming_are_identified_by_their_local_id() -> None:
    first = point("x-1", 7.0, id_pdc_itinerance="Non concerné", id_pdc_local="L-9")
    again = point("x-2", 7.0, id_pdc_itinerance="Non concerné", id_pdc_local="L-9")
    points = distinct_points([first, again])
    assert [p.key for p in points.points] == ["local:L-9"]
    assert points.duplicate_rows == 1


def test_a_planned_point_without_ids_is_its_own_station() -> None:
    points = distinct_points([planned("p-1", 22.0), planned("p-2", 22.0), point("a", 7.0)])
    assert len(points.points) == 3
    assert points.stations() == {"itinerance:FRV75PTEST01", "point:asset:p-1", "point:asset:p-2"}


def test_a_delivery_point_of_zeros_is_unknown() -> None:
    assert supply_point("00000000000000") is None
    assert supply_point("  ") is None
    assert supply_point(None) is None
    assert supply_point(" 07136902963076 ") == "07136902963076"
