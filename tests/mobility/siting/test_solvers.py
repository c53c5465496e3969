# SPDX-License-Identifier: MIT
"""Greedy and exact solvers against brute force on small random instances."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from mobility.errors import InvalidInputError
from mobility.siting import (
    SitingProblem,
    SitingSolution,
    cbc_available,
    lagrangian_bound,
    solve,
    solve_exact,
    solve_greedy,
)
from mobility.siting.model import build_model
from tests.mobility.siting.support import brute_force, random_problem

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ONE_MINUS_1_OVER_E = 1.0 - 1.0 / np.e


@st.composite
def problems(
    draw: st.DrawFn, *, budget: bool | None = None, spacing: bool | None = None
) -> SitingProblem:
    seed = draw(st.integers(0, 2**32 - 1))
    candidates = draw(st.integers(1, 7))
    rng = np.random.default_rng(seed)
    return random_problem(
        rng,
        candidates=candidates,
        demand=draw(st.integers(1, 12)),
        count=draw(st.integers(1, candidates)),
        density=draw(st.sampled_from([0.15, 0.3, 0.6])),
        existing=draw(st.booleans()),
        budget=draw(st.booleans()) if budget is None else budget,
        spacing=draw(st.booleans()) if spacing is None else spacing,
        excluded=draw(st.booleans()),
    )


def assert_feasible(problem: SitingProblem, solution: SitingSolution) -> None:
    chosen = list(solution.candidates)
    assert len(chosen) == len(set(chosen)) <= problem.count
    assert not problem.excluded[chosen].any()
    if problem.costs is not None and problem.budget is not None:
        assert problem.costs[chosen].sum() <= problem.budget + 1e-9
    pairs = {tuple(p) for p in problem.conflict_pairs().tolist()}
    assert not any((a, b) in pairs or (b, a) in pairs for a in chosen for b in chosen)
    assert solution.value_after == pytest.approx(problem.covered_weight(chosen))
    assert solution.value_before == pytest.approx(problem.value_before)
    running = problem.value_before
    for pick in solution.picks:
        assert pick.gain > 0
        running += pick.gain
        assert pick.covered_after == pytest.approx(running)
    assert solution.bound is not None and solution.bound >= solution.value_after - 1e-9
    assert solution.optimality_gap is not None and 0 <= solution.optimality_gap <= 1


@SETTINGS
@given(problem=problems())
def test_exact_equals_brute_force_and_bounds_hold(problem: SitingProblem) -> None:
    best = brute_force(problem)
    exact = solve_exact(problem, backend="highs")
    greedy = solve_greedy(problem)
    assert exact.value_after == pytest.approx(best)
    assert exact.method == "exact" and exact.backend == "highs"
    assert solve_exact(problem).value_after == pytest.approx(best)  # auto
    assert not exact.stopped_by_time_limit
    assert exact.optimality_gap == pytest.approx(0.0, abs=1e-9)
    assert greedy.value_after <= best + 1e-9
    assert greedy.bound is not None and greedy.bound >= best - 1e-9
    assert exact.bound is not None and exact.bound >= best - 1e-9
    for solution in (exact, greedy):
        assert_feasible(problem, solution)
    gains = [pick.gain for pick in exact.picks]
    assert gains == sorted(gains, reverse=True)  # ranked by greedy gain among themselves


@SETTINGS
@given(problem=problems(budget=False, spacing=False))
def test_greedy_keeps_its_guarantee_on_count_only_problems(problem: SitingProblem) -> None:
    best = brute_force(problem)
    greedy = solve_greedy(problem)
    assert greedy.value_after >= ONE_MINUS_1_OVER_E * best - 1e-9
    assert greedy.gained >= ONE_MINUS_1_OVER_E * (best - problem.value_before) - 1e-9


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems())
def test_cbc_equals_brute_force(problem: SitingProblem) -> None:
    assert cbc_available(), "PuLP and its CBC solver are development dependencies"
    result = solve_exact(problem, backend="cbc")
    assert result.backend == "cbc"
    assert result.value_after == pytest.approx(brute_force(problem))
    assert_feasible(problem, result)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problem=problems(spacing=False))
def test_lagrangian_bound_is_above_the_linear_relaxation(problem: SitingProblem) -> None:
    model = build_model(problem)
    assume(model.n_sites > 0 and model.n_groups > 0)  # else there is no linear system
    objective, matrix, upper = model.linear_system()
    relaxed = -linprog(objective, A_ub=matrix, b_ub=upper, bounds=(0, 1), method="highs").fun
    greedy = solve_greedy(problem)
    assert lagrangian_bound(model, greedy.gained) >= relaxed - 1e-6


def test_demand_covered_before_adds_nothing() -> None:
    matrix = np.array([[1, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])
    weights = [100.0, 100.0, 3.0, 2.0]
    problem = SitingProblem.build(matrix, weights, count=1, covered_before=[1, 1, 0, 0])
    for solution in (solve_greedy(problem), solve_exact(problem)):
        assert solution.candidates == (1,)
        assert solution.value_before == 200.0
        assert solution.gained == 3.0 and solution.value_after == 203.0
    bigger = SitingProblem.build(
        matrix, [500.0, 1.0, 3.0, 2.0], count=1, covered_before=[1, 1, 0, 0]
    )
    assert solve_exact(bigger).candidates == (1,)
    assert solve_exact(bigger).gained == 3.0
    nothing = SitingProblem.build(matrix[:1], weights, count=1, covered_before=[1, 1, 0, 0])
    for solution in (solve_greedy(nothing), solve_exact(nothing)):
        assert solution.picks == () and solution.gained == 0.0 and solution.optimality_gap == 0.0


def test_budget_uses_the_best_single_site_when_the_ratio_greedy_falls_short() -> None:
    # a cheap site with the best ratio spends the budget the big site needed
    matrix = np.array([[1, 0], [0, 1]])
    problem = SitingProblem.build(matrix, [1.0, 10.0], count=2, costs=[1.0, 10.0], budget=10.0)
    greedy = solve_greedy(problem)
    assert greedy.candidates == (1,) and greedy.value_after == 10.0
    assert solve_exact(problem).value_after == 10.0


def test_spacing_blocks_a_close_pair() -> None:
    matrix = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1]])
    free = SitingProblem.build(matrix, [5.0, 1.0, 5.0], count=2)
    assert sorted(solve_exact(free).candidates) == [1, 2]
    assert solve_greedy(free).value_after == 11.0
    spaced = SitingProblem.build(matrix, [5.0, 1.0, 5.0], count=2, conflicts=[(1, 2)])
    exact = solve_exact(spaced)
    assert sorted(exact.candidates) == [0, 2] and exact.value_after == 10.0
    greedy = solve_greedy(spaced)  # takes 1 first, which blocks 2 and leaves 0 nothing
    assert greedy.candidates == (1,) and greedy.value_after == 6.0
    assert greedy.bound is not None and greedy.bound >= 10.0


def test_time_limit_is_reported_and_never_worse_than_greedy() -> None:
    rng = np.random.default_rng(7)
    matrix = sp.random(400, 3_000, density=0.02, random_state=rng, format="csr")
    problem = SitingProblem.build(matrix, rng.gamma(2.0, 10.0, 3_000), count=40)
    result = solve_exact(problem, time_limit_s=0.05)
    greedy = solve_greedy(problem)
    assert result.stopped_by_time_limit
    assert result.value_after >= greedy.value_after - 1e-9
    assert result.bound is not None and result.bound >= result.value_after
    assert result.optimality_gap is not None and result.optimality_gap > 0


def test_cbc_time_limit_reports_its_bound() -> None:
    assert cbc_available(), "PuLP and its CBC solver are development dependencies"
    rng = np.random.default_rng(7)
    matrix = sp.random(400, 3_000, density=0.02, random_state=rng, format="csr")
    problem = SitingProblem.build(matrix, rng.gamma(2.0, 10.0, 3_000), count=40)
    result = solve_exact(problem, time_limit_s=1.0, backend="cbc")
    assert result.backend == "cbc" and result.stopped_by_time_limit
    assert result.value_after >= solve_greedy(problem).value_after - 1e-9
    assert result.bound is not None and result.bound >= result.value_after
    assert result.optimality_gap is not None and 0 < result.optimality_gap < 0.5


def test_solve_chooses_by_size(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = random_problem(np.random.default_rng(3), candidates=6, demand=10, count=2)
    assert solve(problem).method == "exact"
    assert solve(problem, "greedy").method == "greedy"
    assert solve(problem, "exact").method == "exact"
    monkeypatch.setattr(importlib.import_module("mobility.siting.solve"), "EXACT_MAX_SIZE", 0)
    assert solve(problem).method == "greedy"
    with pytest.raises(InvalidInputError) as error:
        solve(problem, "magic")  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["method"]


def test_solver_options_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = random_problem(np.random.default_rng(3), candidates=4, demand=6, count=2)
    with pytest.raises(InvalidInputError) as error:
        solve_exact(problem, backend="gurobi")  # type: ignore[arg-type]
    assert [p.field for p in error.value.problems] == ["backend"]
    with pytest.raises(InvalidInputError) as error:
        solve_exact(problem, time_limit_s=0)
    assert [p.field for p in error.value.problems] == ["time_limit_s"]
    monkeypatch.setattr("mobility.siting.exact.cbc_available", lambda: False)
    with pytest.raises(InvalidInputError, match="pulp"):
        solve_exact(problem, backend="cbc")
    assert solve_exact(problem, backend="auto").backend == "highs"  # PuLP "missing"


def test_solution_serialises() -> None:
    problem = random_problem(np.random.default_rng(5), candidates=5, demand=8, count=2, budget=True)
    body = solve_greedy(problem).to_dict()
    assert body["method"] == "greedy"
    assert {"picks", "gained", "bound", "optimality_gap", "gain_gap"} <= body.keys()
    assert all({"candidate", "gain", "covered_after", "cost"} <= p.keys() for p in body["picks"])
