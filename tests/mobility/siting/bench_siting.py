# SPDX-License-Identifier: MIT
"""Timings of the siting domain (not a test): ``python -m tests.mobility.siting.bench_siting``.

Paris 10e (walk, 300 m, street crossings as candidates, the 89 charging points as existing
sites) and a synthetic 10 km grid (101 × 101 crossings at 100 m, 20,000 demand points, 2,000
candidates, 50 existing sites) at 500 m and 1,000 m, for count 10, 20 and 50: matrix build,
greedy, HiGHS and (when PuLP is installed) CBC, with greedy's gap to the proven optimum.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import dijkstra

from mobility.assets import Layer
from mobility.coverage.context import ContextCache
from mobility.geo import wire_transformer
from mobility.manifest import load_manifest
from mobility.siting import (
    cbc_available,
    coverage_matrix,
    demand_weights,
    network_problem,
    prefers_exact,
    solve_exact,
    solve_greedy,
)
from mobility.siting.model import build_model
from mobility.store import AssetQuery, open_store
from tests.mobility.siting.support import grid_engine, random_points
from tests.support.paths import SAMPLE_MANIFEST


def report(label: str, problem: object, time_limit_s: float, cbc: bool) -> None:
    from mobility.siting.problem import SitingProblem

    assert isinstance(problem, SitingProblem)
    model = build_model(problem)
    greedy = solve_greedy(problem)
    highs = solve_exact(problem, time_limit_s=time_limit_s)
    line = (
        f"{label:<34} model {model.n_sites:>5} x {model.n_groups:>6} nnz {model.size:>8} "
        f"auto={'exact' if prefers_exact(problem) else 'greedy':<6} | greedy "
        f"{greedy.solve_time_s:6.3f}s gap-bound {100 * (greedy.optimality_gap or 0):5.2f}% | "
        f"highs {highs.solve_time_s:6.2f}s{' (time limit)' if highs.stopped_by_time_limit else ''}"
        f" gap {100 * (highs.optimality_gap or 0):.3f}%"
    )
    best = highs.value_after
    if cbc:
        result = solve_exact(problem, time_limit_s=time_limit_s, backend="cbc")
        line += (
            f" | cbc {result.solve_time_s:6.2f}s"
            f"{' (time limit)' if result.stopped_by_time_limit else ''}"
            f" same={abs(result.value_after - highs.value_after) < 1e-6 * best}"
        )
    true_gap = (best - greedy.value_after) / best if best > 0 else 0.0
    print(
        f"{line} | greedy vs exact: {100 * true_gap:.3f}% of the covered weight, "
        f"{100 * (best - greedy.value_after) / max(highs.gained, 1e-9):.2f}% of the gain",
        flush=True,
    )


def paris(time_limit_s: float, cbc: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'paris.sqlite'}")
        try:
            load_manifest(store, SAMPLE_MANIFEST)
            context = ContextCache().get(store, "75110")
            existing = store.query_assets(
                AssetQuery(layer=Layer.CHARGING_POINTS, commune="75110", limit=10_000)
            ).assets
        finally:
            store.close()
    engine = context.engine("walk")
    demand = context.snapped_demand("walk")
    lon, lat = wire_transformer().transform(engine.edges.node_x_m, engine.edges.node_y_m)
    candidates = engine.snap(lon, lat)
    sites = engine.snap([a.lon for a in existing], [a.lat for a in existing])
    started = time.perf_counter()
    matrix = coverage_matrix(engine, demand, candidates, cutoff=300.0)
    print(
        f"Paris 10e walk 300 m: matrix {matrix.shape} nnz {matrix.nnz} "
        f"in {time.perf_counter() - started:.3f}s"
    )
    weights = demand_weights(context.demand)
    for count in (5, 10, 20, 50):
        problem = network_problem(
            engine, demand, candidates, weights, cutoff=300.0, count=count, existing=sites
        )
        report(f"paris count={count}", problem, time_limit_s, cbc)


def synthetic(time_limit_s: float, cbc: bool) -> None:
    engine = grid_engine(101)
    demand = random_points(engine, 20_000, seed=1)
    candidates = random_points(engine, 2_000, seed=2)
    existing = random_points(engine, 50, seed=3)
    weights = np.random.default_rng(4).gamma(2.0, 20.0, demand.count)
    for cutoff in (500.0, 1_000.0):
        coverage_matrix(engine, demand, candidates, cutoff=cutoff)  # warm
        started = time.perf_counter()
        matrix = coverage_matrix(engine, demand, candidates, cutoff=cutoff)
        took = time.perf_counter() - started
        graph = engine.edges.csr("length", transpose=True)
        started = time.perf_counter()
        dijkstra(graph, indices=np.arange(2_000), limit=cutoff)
        dense = time.perf_counter() - started
        print(
            f"grid {cutoff:g} m: matrix {matrix.shape} nnz {matrix.nnz} in {took:.3f}s "
            f"(one dense dijkstra over 2,000 crossings alone: {dense:.3f}s, "
            f"{2_000 * graph.shape[0] * 8 / 1e6:.0f} MB)"
        )
        for count in (10, 20, 50):
            problem = network_problem(
                engine,
                demand,
                candidates,
                weights,
                cutoff=cutoff,
                count=count,
                existing=existing,
            )
            report(f"grid {cutoff:g} m count={count}", problem, time_limit_s, cbc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--no-cbc", action="store_true")
    parser.add_argument("--only", choices=["paris", "grid"])
    args = parser.parse_args()
    cbc = cbc_available() and not args.no_cbc
    if args.only in (None, "paris"):
        paris(args.time_limit, cbc)
    if args.only in (None, "grid"):
        synthetic(args.time_limit, cbc)


if __name__ == "__main__":
    main()
