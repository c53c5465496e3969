# SPDX-License-Identifier: MIT
"""Hubs on a hand-made street, every figure written down by hand.

One straight two-way street, 500 m long, along the x axis (Lambert-93, central Paris):

    A metro (x=0)   charging (x=120, 10 m off)   B Vélib' (x=250)   bicycle parking (x=400)
    ------------------------------------------------------------------------------------- y=0
                                                                         C bus (x=300, 400 m off)

A: metro 0, bike share 250, charging 120 + 10 = 130, bike parking 400 (beyond 300): 3/6.
B: bike share 0, metro 250, charging 130 + 10 = 140, bike parking 150: 4/6.
C stands 400 m off the street (beyond the 250 m snapping limit): only its own bus counts.
"""

from __future__ import annotations

import numpy as np
import pytest

from mobility.assets import Asset
from mobility.geo import wire_transformer
from mobility.intermodality.assessment import Assessment, assess_hubs, rank_additions, rank_hubs
from mobility.intermodality.modes import Reach
from mobility.network.engine import DistanceEngine
from tests.support import builders

X0, Y0 = 652_000.0, 6_862_000.0


def at(x: float, y: float = 0.0) -> tuple[float, float]:
    lon, lat = wire_transformer().transform(X0 + x, Y0 + y)
    return float(lon), float(lat)


@pytest.fixture(scope="module")
def engine() -> DistanceEngine:
    xs = np.arange(6) * 100.0
    lon, lat = wire_transformer().transform(X0 + xs, np.full(6, Y0))
    u = np.concatenate([np.arange(5), np.arange(1, 6)])
    v = np.concatenate([np.arange(1, 6), np.arange(5)])
    return DistanceEngine.from_arrays(lon, lat, u, v, np.full(10, 100.0), 5.0, mode="walk")


def hubs() -> list[Asset]:
    return [
        builders.hub("A", *at(0), name="A", modes=["metro"]),
        builders.hub("B", *at(250), name="B", modes=["bike_share"]),
        builders.hub("C", *at(300, -400), name="C", modes=["bus"]),
    ]


def others() -> list[Asset]:
    return [
        builders.charging_point("FRV75ETEST011", *at(120, 10)),
        builders.parking("bike", *at(400), kind="bicycle", covered=False),
        builders.parking("moto", *at(10), kind="motorcycle"),
    ]


def assess(engine: DistanceEngine, reach: Reach | None = None) -> Assessment:
    return assess_hubs(engine, hubs(), others(), reach or Reach.build(300))


def test_nearest_distances_and_presence(engine: DistanceEngine) -> None:
    a, b, c = assess(engine).hubs
    assert a.nearest_m["metro"] == 0
    assert a.nearest_m["bike_share"] == pytest.approx(250, abs=0.01)
    assert a.nearest_m["charging"] == pytest.approx(130, abs=0.01)
    assert a.nearest_m["bike_parking"] == pytest.approx(400, abs=0.01)
    assert a.nearest_m["car_parking"] == np.inf
    assert a.present == ("metro", "bike_share", "charging")
    assert a.expected_present == ("public_transport", "bike_share", "charging")
    assert a.completeness == pytest.approx(3 / 6)
    assert b.nearest_m["metro"] == pytest.approx(250, abs=0.01)
    assert b.nearest_m["charging"] == pytest.approx(140, abs=0.01)
    assert b.nearest_m["bike_parking"] == pytest.approx(150, abs=0.01)
    assert b.expected_present == (
        "public_transport",
        "bike_share",
        "bike_parking",
        "charging",
    )
    assert c.off_network
    assert c.present == ("bus",)
    assert all(np.isinf(v) for m, v in c.nearest_m.items() if m != "bus")


def test_missing_modes_are_said_in_words(engine: DistanceEngine) -> None:
    a = assess(engine, Reach.build(300, {"bike_parking": 150})).hubs[0]
    messages = {m.mode: m.message for m in a.missing}
    assert messages == {
        "bike_parking": "metro station without bike parking within 150 m",
        "car_share": "metro station without car share within 300 m",
        "car_parking": "metro station without car parking within 300 m",
    }
    assert a.missing[0].nearest_m == pytest.approx(400, abs=0.01)


def test_gains_count_the_hubs_within_reach_that_lack_the_mode(engine: DistanceEngine) -> None:
    result = assess(engine)
    assert result.gains["car_parking"] == [("A", "B"), ("A", "B"), ("C",)]
    assert result.gains["bike_parking"] == [("A",), (), ("C",)]
    assert result.gains["bike_share"] == [(), (), ("C",)]
    narrow = assess(engine, Reach.build(300, {"car_parking": 200}))
    assert narrow.gains["car_parking"] == [("A",), ("B",), ("C",)]


def test_additions_rank_by_gain_then_least_complete(engine: DistanceEngine) -> None:
    result = assess(engine)
    ranked = rank_additions(result)
    # A and B both serve 2 hubs; car share comes before car parking in the addable order
    assert [(x.assessment.hub.id, x.mode, x.hubs_gaining) for x in ranked] == [
        ("A", "car_share", 2),
        ("B", "car_share", 2),
        ("C", "bike_share", 1),
    ]
    assert ranked[0].options == {"bike_parking": 1, "car_share": 2, "car_parking": 2}
    by_mode = rank_additions(result, mode="bike_parking")
    assert [(x.assessment.hub.id, x.hubs_gaining) for x in by_mode] == [("C", 1), ("A", 1)]
    assert [h.hub.id for h in rank_hubs(result.hubs)] == ["C", "A", "B"]


def test_no_hub_and_no_asset(engine: DistanceEngine) -> None:
    empty = assess_hubs(engine, [], others(), Reach.build())
    assert empty.hubs == [] and rank_additions(empty) == []
    alone = assess_hubs(engine, hubs()[:1], [], Reach.build())
    assert alone.hubs[0].expected_present == ("public_transport",)
    assert alone.assets_used == 1
