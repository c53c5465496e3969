# SPDX-License-Identifier: MIT
"""The siting solvers on one problem: the greedy's stages, the exact backends, a plain MILP.

The greedy split into its stages (reduction, greedy, swaps, bound), each a median over fresh
problems (the reduced model is cached per problem); the exact solve forced to CBC and to HiGHS
and left to choose (``auto``); and the plain sparse MCLP in PuLP + CBC, without the reduction
or the warm start, to show what those are worth. The optimum is the best value any found.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
import warnings
from typing import Any

import numpy as np


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
