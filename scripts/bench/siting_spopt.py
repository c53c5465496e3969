# SPDX-License-Identifier: MIT
"""Ours end to end (matrix + exact solve) against spopt's MCLP, in a process with a timeout.

spopt is given our coverage matrix as a dense cost matrix for free (not timed) and the existing
sites as one predefined facility; it runs in a process of its own so that a size it cannot
finish is stopped at the timeout and reported as such.
"""

from __future__ import annotations

import multiprocessing as mp
import time
import warnings
from typing import Any

import numpy as np

from bench.harness import log, median_time
from bench.siting_instances import Instance, build_problem


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
