# SPDX-License-Identifier: MIT
"""Service areas over a loop: reached from both ends of it, drawn as the slab-by-slab band."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from mobility.coverage.areas import draw_reaches
from mobility.network.engine import DistanceEngine
from mobility.network.engine_reach import Reach
from tests.support.bands import pieces_band
from tests.support.loop_streets import (
    LOOP,
    ORIGIN,
    ROAD_M,
    STORED,
    Position,
    Stored,
    build_engine,
    loop_layout,
    points_lonlat,
)

LOOP_M = 400.0
BAND_M = 25.0
TWO_WAY = [stored for stored in STORED if stored != "one-way"]
MODES = ["walk", "drive"]


def engine_for(stored: Stored, mode: str) -> DistanceEngine:
    return build_engine(loop_layout(stored), mode)[1]


def standing(engine: DistanceEngine) -> tuple[int, int, bool]:
    """The road's and the loop's standing edges, and whether the loop's runs as drawn."""
    table = engine.edges
    segments = table.segment_edges
    loop = int(segments[table.u_index[segments] == table.v_index[segments]][0])
    road = int(segments[table.u_index[segments] != table.v_index[segments]][0])
    line = table.geometry_metric[loop]
    return road, loop, bool(abs(line.coords[1][0] - line.coords[0][0]) < 1e-6)


def loop_stretches(reach: Reach, loop: int, drawn_way: bool) -> list[tuple[float, float]]:
    """The reached stretches of the loop, as offsets along its drawing."""
    mine = reach.edge_index == loop
    pairs = zip(reach.start_m[mine].tolist(), reach.end_m[mine].tolist(), strict=True)
    if drawn_way:
        return sorted((round(a, 6), round(b, 6)) for a, b in pairs)
    return sorted((round(LOOP_M - b, 6), round(LOOP_M - a, 6)) for a, b in pairs)


def loop_points(offsets: np.ndarray) -> list[shapely.Point]:
    line = shapely.LineString(LOOP)
    return [
        shapely.Point(ORIGIN[0] + p.x, ORIGIN[1] + p.y)
        for p in (line.interpolate(float(at)) for at in offsets)
    ]


def assert_band_of(engine: DistanceEngine, reach: Reach, expected: Reach) -> shapely.Geometry:
    """The drawn area equals the band of the stretches written by hand, piece by piece."""
    [area] = draw_reaches(engine, [reach], BAND_M)
    reference = pieces_band(engine, expected, BAND_M)
    assert area.is_valid
    assert area.symmetric_difference(reference).area <= 1e-6 * reference.area
    return area


def hand_reach(
    road: tuple[int, float, float] | None,
    loop: int,
    drawn_way: bool,
    spans: list[tuple[float, float]],
) -> Reach:
    """A reach from stretches written along the road and along the loop's drawing."""
    edges = [] if road is None else [road]
    for low, high in spans:
        edges.append((loop, low, high) if drawn_way else (loop, LOOP_M - high, LOOP_M - low))
    edges.sort()
    return Reach(
        np.array([e[0] for e in edges], dtype=np.int64),
        np.array([e[1] for e in edges]),
        np.array([e[2] for e in edges]),
        True,
    )


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stored", TWO_WAY)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_a_loop_is_reached_from_both_ends(stored: str, mode: str, direction: str) -> None:
    engine = engine_for(stored, mode)
    road, loop, drawn_way = standing(engine)
    # the asset stands on the road 150 m from crossing 1: 80 m left of a 230 m reach, each way
    assets = engine.snap(*points_lonlat(loop_layout(stored), [Position(0, 150.0)]))
    reach = engine.reach(assets, 230.0, direction=direction)  # type: ignore[arg-type]
    assert loop_stretches(reach, loop, drawn_way) == [(0.0, 80.0), (320.0, 400.0)]
    assert reach.total_m == pytest.approx(ROAD_M + 160.0)
    [each] = engine.reach_each(assets, 230.0, direction=direction)  # type: ignore[arg-type]
    assert loop_stretches(each, loop, drawn_way) == [(0.0, 80.0), (320.0, 400.0)]
    expected = hand_reach((road, 0.0, ROAD_M), loop, drawn_way, [(0.0, 80.0), (320.0, 400.0)])
    area = assert_band_of(engine, reach, expected)
    reached = loop_points(np.r_[np.linspace(1.0, 79.0, 9), np.linspace(321.0, 399.0, 9)])
    assert all(area.contains(point) for point in reached)
    far = loop_points(np.linspace(150.0, 250.0, 11))
    assert not any(area.contains(point) for point in far)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stored", TWO_WAY)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_an_asset_on_a_loop_reaches_both_ways_round(stored: str, mode: str, direction: str) -> None:
    engine = engine_for(stored, mode)
    _, loop, drawn_way = standing(engine)
    assets = engine.snap(*points_lonlat(loop_layout(stored), [Position(1, 210.0)]))
    reach = engine.reach(assets, 100.0, direction=direction)  # type: ignore[arg-type]
    assert loop_stretches(reach, loop, drawn_way) == [(110.0, 310.0)]
    assert reach.count == 1  # crossing 1 is 190 m round either way: nothing else
    area = assert_band_of(engine, reach, hand_reach(None, loop, drawn_way, [(110.0, 310.0)]))
    assert all(area.contains(point) for point in loop_points(np.linspace(111.0, 309.0, 12)))


@pytest.mark.parametrize(
    ("mode", "direction", "spans"),
    [
        ("drive", "to_assets", [(320.0, 400.0)]),  # cars leave the loop at its end only
        ("drive", "from_assets", [(0.0, 80.0)]),  # and enter it at its start
        ("walk", "to_assets", [(0.0, 80.0), (320.0, 400.0)]),
        ("walk", "from_assets", [(0.0, 80.0), (320.0, 400.0)]),
    ],
)
def test_a_one_way_loop_is_reached_the_way_cars_go_round(
    mode: str, direction: str, spans: list[tuple[float, float]]
) -> None:
    engine = engine_for("one-way", mode)
    road, loop, drawn_way = standing(engine)
    assets = engine.snap(*points_lonlat(loop_layout("one-way"), [Position(0, 150.0)]))
    reach = engine.reach(assets, 230.0, direction=direction)  # type: ignore[arg-type]
    assert loop_stretches(reach, loop, drawn_way) == spans
    assert_band_of(engine, reach, hand_reach((road, 0.0, ROAD_M), loop, drawn_way, spans))
