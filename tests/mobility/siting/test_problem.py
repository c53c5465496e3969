# SPDX-License-Identifier: MIT
"""Validation of siting problems, spacing conflicts and demand weights."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import scipy.sparse as sp
from shapely.geometry import Point

from mobility.demand import DemandPoints
from mobility.errors import InvalidInputError
from mobility.siting import MAX_COUNT, SitingProblem, demand_weights, spacing_conflicts

MATRIX = np.array([[1, 0, 1], [0, 1, 0], [1, 1, 0]])
WEIGHTS = [1.0, 2.0, 3.0]


def fields(**overrides: Any) -> list[str]:
    arguments: dict[str, Any] = {"count": 1, **overrides}
    matrix = arguments.pop("matrix", MATRIX)
    weights = arguments.pop("weights", WEIGHTS)
    with pytest.raises(InvalidInputError) as error:
        SitingProblem.build(matrix, weights, **arguments)
    return [problem.field for problem in error.value.problems]


@pytest.mark.parametrize("count", [0, -1, 4, MAX_COUNT + 1, 1.5, True])
def test_count_must_fit_the_candidates(count: Any) -> None:
    assert fields(count=count) == ["count"]


def test_count_is_capped_even_with_many_candidates() -> None:
    many = sp.csr_matrix(np.ones((MAX_COUNT + 5, 1)))
    assert fields(matrix=many, weights=[1.0], count=MAX_COUNT + 1) == ["count"]
    assert SitingProblem.build(many, [1.0], count=MAX_COUNT).count == MAX_COUNT


def test_count_counts_only_the_candidates_left() -> None:
    assert fields(count=3, excluded=[0]) == ["count"]
    assert SitingProblem.build(MATRIX, WEIGHTS, count=2, excluded=[0]).excluded.tolist() == [
        True,
        False,
        False,
    ]


def test_no_candidate_left() -> None:
    assert fields(excluded=[0, 1, 2]) == ["excluded"]
    assert fields(excluded=np.ones(3, dtype=bool)) == ["excluded"]
    assert fields(excluded=[5]) == ["excluded"]


def test_budget_below_every_cost() -> None:
    assert fields(costs=[5.0, 6.0, 7.0], budget=4.0) == ["budget"]
    # the cheapest candidate is excluded: the others are all too dear
    assert fields(costs=[1.0, 6.0, 7.0], budget=4.0, excluded=[0]) == ["budget"]
    assert SitingProblem.build(MATRIX, WEIGHTS, count=1, costs=[5.0, 6, 7], budget=5.0)


def test_money_fields() -> None:
    assert fields(budget=3.0) == ["costs"]
    assert fields(costs=[1.0, 2.0, 3.0]) == ["budget"]
    assert fields(costs=[1.0, -2.0, 3.0], budget=3.0) == ["costs"]
    assert fields(costs=[1.0, 2.0], budget=3.0) == ["costs"]
    assert fields(costs=[1.0, 2.0, 3.0], budget=float("nan")) == ["budget"]


def test_weights_must_be_finite_and_non_negative() -> None:
    assert fields(weights=[1.0, -2.0, 3.0]) == ["weights"]
    assert fields(weights=[1.0, float("nan"), 3.0]) == ["weights"]
    assert fields(weights=[1.0, 2.0]) == ["weights"]


def test_shapes_of_flags_and_conflicts() -> None:
    assert fields(covered_before=[True]) == ["covered_before"]
    assert fields(conflicts=[(0, 7)]) == ["conflicts"]
    assert fields(conflicts=sp.csr_matrix((3, 4))) == ["conflicts"]
    assert "candidates" in fields(matrix=np.zeros((0, 3)))


def test_several_problems_are_reported_together() -> None:
    assert set(fields(count=0, weights=[-1.0, 0.0, 0.0], budget=1.0)) == {
        "count",
        "weights",
        "costs",
    }


def test_build_normalises() -> None:
    problem = SitingProblem.build(
        MATRIX * 7, WEIGHTS, count=2, covered_before=[1, 0, 0], conflicts=[(0, 2)]
    )
    assert problem.matrix.dtype == np.uint8 and set(problem.matrix.data.tolist()) == {1}
    assert problem.covered_before.tolist() == [True, False, False]
    assert problem.value_before == 1.0
    assert problem.conflict_pairs().tolist() == [[0, 2]]
    assert problem.conflicts is not None
    assert (problem.conflicts != problem.conflicts.T).nnz == 0
    assert problem.covered_weight([1]) == 3.0


def test_spacing_conflicts_are_strictly_closer_than_the_spacing() -> None:
    x = np.array([0.0, 100.0, 250.0, 250.0])
    y = np.array([0.0, 0.0, 0.0, 99.0])
    conflicts = spacing_conflicts(x, y, 150.0)
    pairs = {tuple(sorted(p)) for p in zip(*conflicts.nonzero(), strict=True)}
    assert pairs == {(0, 1), (2, 3)}  # 1-2 is exactly 150 m apart: allowed
    exact = spacing_conflicts(x, y, 100.0)
    assert {tuple(sorted(p)) for p in zip(*exact.nonzero(), strict=True)} == {(2, 3)}
    assert spacing_conflicts(x, y, 0.0).nnz == 0
    with pytest.raises(InvalidInputError) as error:
        spacing_conflicts(x, y, -1.0)
    assert [p.field for p in error.value.problems] == ["min_spacing_m"]


def test_demand_weights_read_a_numeric_column() -> None:
    points = gpd.GeoDataFrame(
        {
            "population": [1.0, 2.5],
            "households": [1, 1],
            "zone": ["a", "b"],
            "bad": [1.0, -1.0],
        },
        geometry=[Point(2.35, 48.87), Point(2.36, 48.87)],
        crs="EPSG:4326",
    )
    demand = DemandPoints(points=points, method=None)  # type: ignore[arg-type]
    assert demand_weights(demand).tolist() == [1.0, 2.5]
    assert demand_weights(demand, "households").tolist() == [1.0, 1.0]
    assert demand_weights(None).shape == (0,)
    for column in ("missing", "zone", "bad", "geometry"):
        with pytest.raises(InvalidInputError) as error:
            demand_weights(demand, column)
        assert [p.field for p in error.value.problems] == ["weight_field"]
