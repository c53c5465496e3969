# SPDX-License-Identifier: MIT
"""Benchmark the siting solvers side by side (run on demand, never in the tests).

::

    .venv/bin/python scripts/bench_siting.py            # Paris 10e + 2,000 × 20,000 grid, full
    .venv/bin/python scripts/bench_siting.py --quick    # fewer repeats, counts 10 and 50, 20 s
    make bench-siting                                   # the same (BENCH_ARGS=--quick)

Instances: Paris 10e (walk, 300 m, every street crossing a candidate, the 89 charging points as
existing sites) and a synthetic 10 km street grid (101 × 101 crossings at 100 m, 20,000 random
demand points with gamma weights, 2,000 random candidates, 50 existing sites) at 500 m and
1,000 m network cutoffs, for count 10, 20 and 50. All randomness is seeded.

What is measured
----------------
* matrix: :func:`mobility.siting.coverage_matrix` against its peer, scipy's compiled per-source
  kernel ``scipy.sparse.csgraph.dijkstra(indices=batch, limit=cutoff)`` on the same CSR from the
  candidates' nearest crossings, in the same batches, node distances only (no demand points, no
  off-street legs): the floor of any scipy-based build. The two run alternately (at least 5
  times each), so that the other load on the machine weighs on both medians alike. No compiled
  bounded search (numba, a C extension) is installed, so scipy's kernel is the peer.
* ours, greedy: :func:`mobility.siting.solve_greedy` split into its stages (``timings=``):
  reduction (open demand, identical columns merged, the sites' rows), greedy, swaps (with the
  ranking and the picks), bound (combinatorial + Lagrangian).
  Medians over the repeats, each on a fresh problem (the reduced model is cached per problem).
* ours, exact: :func:`mobility.siting.solve_exact` forced to CBC and to HiGHS (one run each,
  time limit ``--time-limit``); ``auto`` runs whichever :func:`choose_backend` picks for the
  reduced model, so its time is that run's. Includes the greedy, its bound, Lagrangian fixing.
* sparse CBC: the plain sparse MCLP in PuLP (``y_j <= Σ x_i`` per open demand point, no
  reduction, no warm start) solved by the same CBC, model build included.
* spopt: ``MCLP.from_cost_matrix`` (dense demand × sites cost matrix, the existing sites as one
  predefined facility) + ``solve(PULP_CBC_CMD)``, in a subprocess with a timeout; the dense cost
  matrix is given (not timed). End to end, ours is ``coverage_matrix`` + ``solve_exact``; spopt
  is given our matrix for free. Small grids show the trend, the full size runs once.
"""

from __future__ import annotations

import argparse
import dataclasses
import multiprocessing as mp
import os
import platform
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
COUNTS_FULL = (10, 20, 50)
COUNTS_QUICK = (10, 50)


@dataclasses.dataclass
class Instance:
    """A named street network with its snapped demand, candidates and existing sites."""

    name: str
    engine: Any
    demand: Any
    candidates: Any
    existing: Any
    weights: np.ndarray
    cutoffs: tuple[float, ...]
    weight: str = "length"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def grid_instance(side: int, n_demand: int, n_candidates: int, n_existing: int) -> Instance:
    from tests.mobility.siting.support import grid_engine, random_points

    engine = grid_engine(side)
    return Instance(
        name=f"grid {n_candidates:,} x {n_demand:,}",
        engine=engine,
        demand=random_points(engine, n_demand, seed=1),
        candidates=random_points(engine, n_candidates, seed=2),
        existing=random_points(engine, n_existing, seed=3),
        weights=np.random.default_rng(4).gamma(2.0, 20.0, n_demand),
        cutoffs=(500.0, 1_000.0),
    )


def paris_instance() -> Instance:
    from mobility.assets import Layer
    from mobility.coverage.context import ContextCache
    from mobility.geo import wire_transformer
    from mobility.manifest import load_manifest
    from mobility.siting import demand_weights
    from mobility.store import AssetQuery, open_store
    from tests.support.paths import SAMPLE_MANIFEST

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
    lon, lat = wire_transformer().transform(engine.edges.node_x_m, engine.edges.node_y_m)
    return Instance(
        name="Paris 10e walk",
        engine=engine,
        demand=context.snapped_demand("walk"),
        candidates=engine.snap(lon, lat),
        existing=engine.snap([a.lon for a in existing], [a.lat for a in existing]),
        weights=demand_weights(context.demand),
        cutoffs=(300.0,),
    )


# --- matrix --------------------------------------------------------------------------------


def peer_kernel(instance: Instance, cutoff: float) -> Callable[[], int]:
    """scipy's per-source Dijkstra from the candidates' nearest crossings, in batches."""
    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    from mobility.siting.instance import metric_positions
    from mobility.siting.matrix import CHUNK_CELLS

    edges = instance.engine.edges
    graph = edges.csr(instance.weight, transpose=True)
    x, y = metric_positions(instance.candidates)
    tree = cKDTree(np.column_stack([edges.node_x_m, edges.node_y_m]))
    sources = np.asarray(tree.query(np.column_stack([x, y]))[1], dtype=np.int64)
    chunk = max(1, CHUNK_CELLS // graph.shape[0])

    def run() -> int:
        reached = 0
        for first in range(0, len(sources), chunk):
            costs = dijkstra(
                graph, directed=True, indices=sources[first : first + chunk], limit=cutoff
            )
            reached += int(np.isfinite(costs).sum())
        return reached

    return run


def matrix_row(instance: Instance, cutoff: float, runs: int) -> dict[str, Any]:
    from mobility.siting import coverage_matrix

    def ours() -> Any:
        return coverage_matrix(instance.engine, instance.demand, instance.candidates, cutoff=cutoff)

    matrix = ours()  # warm the engine's CSR and the demand's placement
    peer = peer_kernel(instance, cutoff)
    peer()
    mine: list[float] = []
    theirs: list[float] = []
    for _ in range(max(runs, 5)):  # alternated, so that a load burst hits both sides alike
        took, matrix = median_time(ours, 1)
        mine.append(took)
        theirs.append(median_time(peer, 1)[0])
    return {
        "matrix_s": statistics.median(mine),
        "peer_s": statistics.median(theirs),
        "nnz": matrix.nnz,
        "shape": matrix.shape,
    }


# --- solvers -------------------------------------------------------------------------------


def build_problem(instance: Instance, cutoff: float, count: int) -> Any:
    from mobility.siting import network_problem

    return network_problem(
        instance.engine,
        instance.demand,
        instance.candidates,
        instance.weights,
        cutoff=cutoff,
        count=count,
        existing=instance.existing,
    )


def sparse_cbc(problem: Any, time_limit_s: float) -> tuple[float, float, bool]:
    """The plain sparse MCLP in PuLP + CBC: (seconds, covered weight, stopped by time limit)."""
    import pulp
    import scipy.sparse as sp

    started = time.perf_counter()
    allowed = np.flatnonzero(problem.allowed)
    open_points = np.flatnonzero(~problem.covered_before)
    by_point = sp.csr_matrix(problem.matrix[allowed][:, open_points].T)
    lp = pulp.LpProblem("mclp", pulp.LpMaximize)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        x = [pulp.LpVariable(f"x{i}", cat=pulp.LpBinary) for i in range(len(allowed))]
        y = [pulp.LpVariable(f"y{j}", 0, 1) for j in range(len(open_points))]
        command = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s)
    weights = problem.weights[open_points]
    lp += pulp.LpAffineExpression([(y[j], float(w)) for j, w in enumerate(weights)])
    for j in range(len(open_points)):
        row = by_point.indices[by_point.indptr[j] : by_point.indptr[j + 1]]
        lp += pulp.LpAffineExpression([(y[j], 1.0), *[(x[i], -1.0) for i in row]]) <= 0
    lp += pulp.lpSum(x) <= problem.count
    lp.solve(command)
    took = time.perf_counter() - started
    value = problem.value_before + float(pulp.value(lp.objective) or 0.0)
    return took, value, lp.status != pulp.LpStatusOptimal or took >= time_limit_s


def solver_row(problem: Any, runs: int, time_limit_s: float, cbc: bool) -> dict[str, Any]:
    from mobility.siting import solve_exact, solve_greedy
    from mobility.siting.greedy import plain_greedy
    from mobility.siting.model import build_model

    stages: dict[str, list[float]] = {
        "reduction": [],
        "greedy": [],
        "swaps": [],
        "bound": [],
        "total": [],
    }
    greedy = None
    for _ in range(runs):
        fresh = dataclasses.replace(problem)  # a new problem: its reduced model is rebuilt
        timings: dict[str, float] = {}
        greedy = solve_greedy(fresh, timings=timings)
        for key, value in timings.items():
            stages[key].append(value)
        stages["total"].append(greedy.solve_time_s)
    assert greedy is not None
    row: dict[str, Any] = {key: statistics.median(values) for key, values in stages.items()}
    row["greedy_value"] = greedy.value_after
    plain = plain_greedy(problem)
    row["plain_value"] = problem.covered_weight(
        int(build_model(problem).sites[site]) for site, _ in plain.chosen
    )
    row["greedy_bound_gap"] = greedy.optimality_gap
    model = build_model(problem)
    row["size"] = model.size
    results = {}
    for backend in ("cbc", "highs") if cbc else ("highs",):
        solution = solve_exact(
            dataclasses.replace(problem), backend=backend, time_limit_s=time_limit_s
        )
        results[backend] = solution
        row[f"{backend}_s"] = solution.solve_time_s
        row[f"{backend}_limit"] = solution.stopped_by_time_limit
    auto = solve_exact(dataclasses.replace(problem), backend="auto", time_limit_s=time_limit_s)
    row["auto_backend"] = auto.backend
    row["auto_s"] = auto.solve_time_s
    row["auto_limit"] = auto.stopped_by_time_limit
    row["auto_size"] = _reduced_size(problem)
    best = max(s.value_after for s in (*results.values(), auto))
    row["optimum"] = best
    row["proven"] = any(not s.stopped_by_time_limit for s in (*results.values(), auto))
    row["exact_gap"] = auto.optimality_gap
    if cbc:
        took, value, stopped = sparse_cbc(problem, time_limit_s)
        row["sparse_s"], row["sparse_value"], row["sparse_limit"] = took, value, stopped
        best = max(best, value)
        row["optimum"] = best
    row["greedy_true_gap"] = (best - greedy.value_after) / best if best > 0 else 0.0
    row["plain_true_gap"] = (best - row["plain_value"]) / best if best > 0 else 0.0
    return row


def _reduced_size(problem: Any) -> int:
    from mobility.siting import solve_greedy
    from mobility.siting.exact import _fixed_model
    from mobility.siting.model import build_model

    greedy = solve_greedy(problem)
    return _fixed_model(build_model(problem), greedy)[0].size


# --- spopt ---------------------------------------------------------------------------------


def _spopt_worker(payload: dict[str, Any], queue: Any) -> None:
    import scipy.sparse as sp

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pulp
        from spopt.locate import MCLP
    matrix = sp.csr_matrix(payload["matrix"])
    cutoff = payload["cutoff"]
    cost = np.where(matrix.T.toarray() > 0, 0.0, 2.0 * cutoff)  # demand × candidates
    before = payload["covered_before"]
    cost = np.column_stack([cost, np.where(before, 0.0, 2.0 * cutoff)])
    predefined = np.r_[np.zeros(matrix.shape[0]), 1].astype(int)
    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = MCLP.from_cost_matrix(
            cost,
            payload["weights"],
            service_radius=cutoff,
            p_facilities=payload["count"] + 1,
            predefined_facilities_arr=predefined,
        )
        built = time.perf_counter() - started
        model.solve(pulp.PULP_CBC_CMD(msg=False), results=False)
    queue.put(
        {
            "build_s": built,
            "total_s": time.perf_counter() - started,
            "value": float(model.problem.objective.value()),
        }
    )


def spopt_run(problem: Any, cutoff: float, timeout_s: float) -> dict[str, Any] | None:
    context = mp.get_context("spawn")
    queue = context.Queue()
    payload = {
        "matrix": problem.matrix,
        "weights": problem.weights,
        "covered_before": problem.covered_before,
        "cutoff": cutoff,
        "count": problem.count,
    }
    process = context.Process(target=_spopt_worker, args=(payload, queue))
    process.start()
    deadline = time.perf_counter() + timeout_s
    result = None
    while time.perf_counter() < deadline and result is None:
        try:
            result = queue.get(timeout=1.0)
        except Exception:  # noqa: BLE001 - queue.Empty; keep polling until the deadline
            if not process.is_alive():
                break
    if process.is_alive():
        process.terminate()
    process.join()
    return result


def spopt_rows(
    instances: list[tuple[Instance, float]], count: int, runs: int, timeout_s: float
) -> list[dict[str, Any]]:
    """Ours end to end (median of ``runs``: matrix + exact, fresh problem) against spopt."""
    from mobility.siting import SitingProblem, coverage_matrix, covered_by, solve_exact

    rows = []
    for instance, cutoff in instances:
        problem = build_problem(instance, cutoff, count)
        before = covered_by(
            instance.engine, instance.demand, instance.existing, cutoff=cutoff
        )  # the existing coverage is an input to both, not timed

        def ours(
            instance: Instance = instance, cutoff: float = cutoff, before: Any = before
        ) -> Any:
            matrix = coverage_matrix(
                instance.engine, instance.demand, instance.candidates, cutoff=cutoff
            )
            fresh = SitingProblem.build(
                matrix, instance.weights, count=count, covered_before=before
            )
            return solve_exact(fresh, time_limit_s=600.0)

        ours()  # warm the engine's CSR
        ours_s, solution = median_time(ours, runs)
        shape = problem.matrix.shape
        log(f"spopt {instance.name} {cutoff:g} m (timeout {timeout_s:.0f} s) ...")
        theirs = spopt_run(problem, cutoff, timeout_s)
        rows.append(
            {
                "size": f"{instance.name}, {shape[0]:,} x {shape[1]:,}, {cutoff:g} m",
                "ours_s": ours_s,
                "ours_value": solution.value_after,
                "spopt": theirs,
                "timeout_s": timeout_s,
            }
        )
    return rows


# --- report --------------------------------------------------------------------------------


def fmt(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds < 1.0:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return "–"
    return f"{a / b:.2f}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="counts 10/50, 3 repeats, 20 s")
    parser.add_argument("--time-limit", type=float, default=None, help="exact solvers (s)")
    parser.add_argument("--runs", type=int, default=None, help="repeats of the timed stages")
    parser.add_argument("--only", choices=["paris", "grid", "spopt"], default=None)
    parser.add_argument("--spopt-timeout", type=float, default=None)
    args = parser.parse_args(argv)
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    from mobility.siting import cbc_available

    runs = args.runs or (3 if args.quick else 7)
    time_limit = args.time_limit or (20.0 if args.quick else 60.0)
    counts = COUNTS_QUICK if args.quick else COUNTS_FULL
    cbc = cbc_available()
    print(
        f"# siting benchmark — {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, Python "
        f"{platform.python_version()}, numpy {np.__version__}; medians of {runs} runs, exact "
        f"solvers one run, time limit {time_limit:g} s"
    )
    instances: list[Instance] = []
    if args.only in (None, "paris"):
        instances.append(paris_instance())
    if args.only in (None, "grid"):
        instances.append(grid_instance(101, 20_000, 2_000, 50))
    if instances:
        print("\n## Coverage matrix vs scipy's per-source kernel (same CSR, same batches)\n")
        print(
            "| instance | cutoff | nnz | matrix | scipy kernel | ratio |\n|---|---|---|---|---|---|"
        )
        for instance in instances:
            for cutoff in instance.cutoffs:
                row = matrix_row(instance, cutoff, runs)
                print(
                    f"| {instance.name} | {cutoff:g} m | {row['nnz']:,} | {fmt(row['matrix_s'])} "
                    f"| {fmt(row['peer_s'])} | {ratio(row['matrix_s'], row['peer_s'])} |",
                    flush=True,
                )
        print(
            "\n## Solvers (greedy stages: medians; exact: one run; optimum = best found, "
            "proven unless marked)\n"
        )
        print(
            "| instance | count | size → fixed | reduction | greedy | swaps | bound "
            "| below opt.: greedy / +swaps | exact auto | CBC | HiGHS | sparse PuLP+CBC "
            "| auto / sparse |\n"
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        )
        for instance in instances:
            counts_here = (5, 10, 20) if instance.name.startswith("Paris") else counts
            for cutoff in instance.cutoffs:
                for count in counts_here:
                    log(f"{instance.name} {cutoff:g} m count {count} ...")
                    problem = build_problem(instance, cutoff, count)
                    row = solver_row(problem, runs, time_limit, cbc)

                    def limit(key: str, row: dict[str, Any] = row) -> str:
                        return " (limit)" if row.get(key) else ""

                    print(
                        f"| {instance.name} {cutoff:g} m | {count} | {row['size']:,} → "
                        f"{row['auto_size']:,} | {fmt(row['reduction'])} | {fmt(row['greedy'])} "
                        f"| {fmt(row['swaps'])} | {fmt(row['bound'])} "
                        f"| {100 * row['plain_true_gap']:.2f} / "
                        f"{100 * row['greedy_true_gap']:.2f} %"
                        f"{'' if row['proven'] else ' (vs best found)'} "
                        f"| {fmt(row['auto_s'])} {row['auto_backend']}{limit('auto_limit')} "
                        f"| {fmt(row.get('cbc_s'))}{limit('cbc_limit')} "
                        f"| {fmt(row['highs_s'])}{limit('highs_limit')} "
                        f"| {fmt(row.get('sparse_s'))}{limit('sparse_limit')} "
                        f"| {ratio(row['auto_s'], row.get('sparse_s'))} |",
                        flush=True,
                    )
    if args.only in (None, "spopt") and cbc:
        sizes = [(21, 800, 80), (41, 2_000, 200), (71, 5_000, 500)]
        timeout = args.spopt_timeout or (120.0 if args.quick else 900.0)
        if not args.quick:
            sizes.append((101, 20_000, 2_000))
        pairs = [(paris_instance(), 300.0)]
        pairs += [
            (grid_instance(side, n_demand, n_candidates, max(1, n_candidates // 40)), 500.0)
            for side, n_demand, n_candidates in sizes
        ]
        print(
            "\n## End to end (matrix + exact solve) vs spopt MCLP (from_cost_matrix + CBC), "
            "count 10\n"
        )
        print("| instance | ours | spopt build | spopt total | spopt / ours | same |")
        print("|---|---|---|---|---|---|")
        for row in spopt_rows(pairs, 10, runs, timeout):
            theirs = row["spopt"]
            if theirs is None:
                print(
                    f"| {row['size']} | {fmt(row['ours_s'])} | – | > {row['timeout_s']:.0f} s "
                    f"(stopped) | > {row['timeout_s'] / row['ours_s']:.0f}× | – |",
                    flush=True,
                )
                continue
            same = abs(theirs["value"] - row["ours_value"]) <= 1e-6 * max(1.0, row["ours_value"])
            print(
                f"| {row['size']} | {fmt(row['ours_s'])} | {fmt(theirs['build_s'])} "
                f"| {fmt(theirs['total_s'])} | {theirs['total_s'] / row['ours_s']:.0f}× "
                f"| {'yes' if same else 'NO'} |",
                flush=True,
            )
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
