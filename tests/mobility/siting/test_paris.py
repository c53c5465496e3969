# SPDX-License-Identifier: MIT
"""Siting on the shipped commune (Paris 10e): the announced coverage is the coverage analysis's.

Candidates are the street crossings (engine nodes), the existing sites the 89 charging points,
the reach 300 m on foot. Placing the chosen sites as charging points and running the coverage
analysis must give exactly the covered population the solver announced.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pytest

from mobility.assets import Asset, Layer
from mobility.coverage.analysis import compute_coverage
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.threshold import make_threshold
from mobility.geo import wire_transformer
from mobility.network.snapping import SnappedPoints
from mobility.scenarios import base_assets
from mobility.siting import (
    SitingProblem,
    SitingSolution,
    cbc_available,
    demand_weights,
    metric_positions,
    network_problem,
    solve,
    solve_exact,
    solve_greedy,
)
from mobility.store import SqlStore
from tests.support import builders

CUTOFF_M = 300.0


@dataclass
class Instance:
    context: CommuneContext
    existing: list[Asset]
    lon: np.ndarray
    lat: np.ndarray
    candidates: SnappedPoints
    problem: SitingProblem


@pytest.fixture(scope="module")
def instance(paris_context: CommuneContext, paris_store: SqlStore) -> Instance:
    engine = paris_context.engine("walk")
    lon, lat = wire_transformer().transform(engine.edges.node_x_m, engine.edges.node_y_m)
    lon, lat = np.asarray(lon), np.asarray(lat)
    candidates = engine.snap(lon, lat)
    existing = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    assert len(existing) == 89
    problem = network_problem(
        engine,
        paris_context.snapped_demand("walk"),
        candidates,
        demand_weights(paris_context.demand),
        cutoff=CUTOFF_M,
        count=5,
        existing=engine.snap([a.lon for a in existing], [a.lat for a in existing]),
    )
    return Instance(paris_context, existing, lon, lat, candidates, problem)


def covered_with(instance: Instance, picks: tuple[int, ...]) -> float:
    new = [
        builders.charging_point(f"FRV75ESITE{n:03d}", instance.lon[i], instance.lat[i])
        for n, i in enumerate(picks)
    ]
    result = compute_coverage(
        instance.context,
        [*instance.existing, *new],
        threshold=make_threshold("walk", within_m=CUTOFF_M),
        asset_filter=AssetFilter(Layer.CHARGING_POINTS),
    )
    return result.population_covered


@pytest.fixture(scope="module")
def exact(instance: Instance) -> SitingSolution:
    return solve_exact(instance.problem)


def test_announced_coverage_is_the_coverage_analysis(
    instance: Instance, exact: SitingSolution
) -> None:
    assert instance.problem.value_before == pytest.approx(covered_with(instance, ()), abs=1e-6)
    greedy = solve_greedy(instance.problem)
    for solution in (exact, greedy):
        assert len(solution.picks) == 5
        assert solution.value_after == pytest.approx(
            covered_with(instance, solution.candidates), abs=1e-6
        )
        running = solution.value_before
        for pick in solution.picks:  # each step is the analysis with the sites so far
            running += pick.gain
            assert running == pytest.approx(pick.covered_after, abs=1e-6)
    assert greedy.value_after <= exact.value_after + 1e-9
    assert exact.gained > 0
    assert exact.optimality_gap == pytest.approx(0.0, abs=1e-9)
    assert greedy.bound is not None and greedy.bound >= exact.value_after - 1e-9
    assert solve(instance.problem).method == "exact"  # small enough for auto


def test_highs_and_cbc_agree(instance: Instance, exact: SitingSolution) -> None:
    assert cbc_available(), "PuLP and its CBC solver are development dependencies"
    cbc = solve_exact(instance.problem, backend="cbc")
    assert cbc.backend == "cbc" and not cbc.stopped_by_time_limit
    assert cbc.value_after == pytest.approx(exact.value_after, rel=1e-9)


def test_minimum_spacing_is_respected(instance: Instance, paris_context: CommuneContext) -> None:
    engine = paris_context.engine("walk")
    spaced = network_problem(
        engine,
        paris_context.snapped_demand("walk"),
        instance.candidates,
        demand_weights(paris_context.demand),
        cutoff=CUTOFF_M,
        count=5,
        existing=engine.snap(
            [a.lon for a in instance.existing], [a.lat for a in instance.existing]
        ),
        min_spacing_m=600.0,
    )
    x, y = metric_positions(instance.candidates)
    for solution in (solve_exact(spaced), solve_greedy(spaced)):
        chosen = np.array(solution.candidates)
        gaps = np.hypot(x[chosen, None] - x[chosen], y[chosen, None] - y[chosen])
        assert np.all(gaps[~np.eye(len(chosen), dtype=bool)] >= 600.0)
        assert solution.value_after == pytest.approx(
            covered_with(instance, solution.candidates), abs=1e-6
        )


def test_spopt_finds_the_same_optimum(paris_context: CommuneContext, paris_store: SqlStore) -> None:
    """Hubs as candidates, charging points as predefined sites, in spopt's dense MCLP."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # spopt's stack warns about its own dependencies
        import pulp  # development dependencies, as spopt
        from spopt.locate import MCLP
    engine = paris_context.engine("walk")
    demand = paris_context.snapped_demand("walk")
    weights = demand_weights(paris_context.demand)
    hubs = base_assets(paris_store, "75110", Layer.HUBS)
    existing = base_assets(paris_store, "75110", Layer.CHARGING_POINTS)
    hub_points = engine.snap([h.lon for h in hubs], [h.lat for h in hubs])
    existing_points = engine.snap([a.lon for a in existing], [a.lat for a in existing])
    count = 4
    problem = network_problem(
        engine, demand, hub_points, weights, cutoff=CUTOFF_M, count=count, existing=existing_points
    )
    ours = solve_exact(problem)
    sites = [hub_points.take([i]) for i in range(hub_points.count)]
    sites += [existing_points.take([i]) for i in range(existing_points.count)]
    cost = np.column_stack([engine.distances(demand, s, cutoff_m=None) for s in sites])
    predefined = np.r_[np.zeros(hub_points.count), np.ones(existing_points.count)].astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MCLP.from_cost_matrix(
            cost,
            weights,
            service_radius=CUTOFF_M,
            p_facilities=count + existing_points.count,
            predefined_facilities_arr=predefined,
        )
        model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
        value = float(model.problem.objective.value())
    assert value == pytest.approx(ours.value_after, rel=1e-9)
    assert ours.gained > 0
