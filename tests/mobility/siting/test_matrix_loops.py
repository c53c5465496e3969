# SPDX-License-Identifier: MIT
"""Coverage rows over streets with loops, against plain networkx Dijkstra on the drawn streets."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mobility.siting import coverage_matrix
from tests.support.loop_streets import (
    LOOP,
    ON_LOOP,
    ROAD,
    STORED,
    LoopGrid,
    Position,
    Street,
    build_engine,
    loop_grids,
    points_lonlat,
    reference_costs,
)

TIE_M = 1e-6
"""Reference costs this close to the cutoff are left out: rounding may put them either side."""


def covered(
    streets: list[Street],
    mode: str,
    demand: list[Position],
    candidates: list[Position],
    cutoff: float,
    *,
    weight: str = "length",
    direction: str = "to_assets",
) -> np.ndarray:
    """The matrix as booleans, each row checked against the reference's costs to its site."""
    _, engine = build_engine(streets, mode)
    matrix = coverage_matrix(
        engine,
        engine.snap(*points_lonlat(streets, demand)),
        engine.snap(*points_lonlat(streets, candidates)),
        cutoff=cutoff,
        weight=weight,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
    )
    got = matrix.toarray().astype(bool)
    for row, site in enumerate(candidates):
        cost = reference_costs(streets, mode, demand, [site], weight=weight, direction=direction)
        clear = np.abs(cost - cutoff) > TIE_M
        np.testing.assert_array_equal(got[row][clear], (cost <= cutoff)[clear])
    return got


@pytest.mark.parametrize("mode", ["walk", "drive"])
@pytest.mark.parametrize("stored", [stored for stored in STORED if stored != "one-way"])
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_rows_reach_round_a_loop_by_its_nearer_end(stored: str, mode: str, direction: str) -> None:
    streets = [Street(1, 2, ((0.0, 0.0), (200.0, 0.0))), Street(1, 1, LOOP, stored)]  # type: ignore[arg-type]
    homes = [
        Position(ON_LOOP, 25.0, 3.0),  # 3 + 25 to crossing 1
        Position(ON_LOOP, 175.0, 3.0),  # 3 + 175 (225 the other way)
        Position(ON_LOOP, 330.0, 3.0),  # 3 + 70
        Position(ROAD, 60.0, 2.0),  # 2 + 60
    ]
    sites = [
        Position(ROAD, 100.0, 2.0),  # 2 + 100 from crossing 1
        Position(ON_LOOP, 250.0, 3.0),  # 3 + 150 from crossing 1, 3 + 80 from the home at 330
    ]
    got = covered(streets, mode, homes, sites, 200.0, direction=direction)
    # from the road site: 130, 280, 175, 44; from the loop site: 181, 81, 86, 215
    expected = [[True, False, True, True], [True, True, True, False]]
    np.testing.assert_array_equal(got, expected)


def test_a_one_way_loop_covers_only_the_way_cars_go_round() -> None:
    streets = [Street(1, 2, ((0.0, 0.0), (200.0, 0.0))), Street(1, 1, LOOP, "one-way")]
    homes = [Position(ON_LOOP, 25.0, 3.0), Position(ON_LOOP, 330.0, 3.0)]
    sites = [Position(ROAD, 100.0, 2.0)]
    # to the site: 3 + 375 + 100 + 2 and 3 + 70 + 100 + 2; on foot 3 + 25 + 102 and 175
    drive = covered(streets, "drive", homes, sites, 200.0)
    walk = covered(streets, "walk", homes, sites, 200.0)
    np.testing.assert_array_equal(drive, [[False, True]])
    np.testing.assert_array_equal(walk, [[True, True]])


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    grid=loop_grids(),
    mode=st.sampled_from(["walk", "drive"]),
    weight=st.sampled_from(["length", "time"]),
    direction=st.sampled_from(["to_assets", "from_assets"]),
    share=st.floats(0.1, 1.0),
)
def test_rows_equal_the_reference_on_grids_with_loops(
    grid: LoopGrid, mode: str, weight: str, direction: str, share: float
) -> None:
    demand = grid.positions(mode, grid.demand)
    sites = grid.positions(mode, grid.assets)
    streets = list(grid.streets)
    costs = np.concatenate(
        [
            reference_costs(streets, mode, demand, [site], weight=weight, direction=direction)
            for site in sites
        ]
    )
    cutoff = float(share * costs.max())
    assume(np.all(np.abs(costs - cutoff) > TIE_M))
    got = covered(streets, mode, demand, sites, cutoff, weight=weight, direction=direction)
    assert got.shape == (len(sites), len(demand))
