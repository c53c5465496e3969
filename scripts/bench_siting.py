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
* kernels: the greedy and the swaps with scipy's private kernels (``mobility.siting.kernels``)
  and with their public fallbacks, alternately on the same model, and each operation alone on
  40 rows, against the numpy fallback and scipy's public sparse call (``--only kernels``).
* spopt: ``MCLP.from_cost_matrix`` (dense demand × sites cost matrix, the existing sites as one
  predefined facility) + ``solve(PULP_CBC_CMD)``, in a subprocess with a timeout; the dense cost
  matrix is given (not timed). End to end, ours is ``coverage_matrix`` + ``solve_exact``; spopt
  is given our matrix for free. Small grids show the trend, the full size runs once.

The parts live in ``scripts/bench/``: ``siting_instances``, ``siting_matrix``, ``siting_solvers``,
``siting_kernels`` and ``siting_spopt``, over the shared harness (``harness``, ``tables``). The
figures of the last run are in ``docs/performance.md``.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from bench.harness import bench_parser, describe_machine, load_average, log, use_repository
from bench.siting_instances import Instance, build_problem, grid_instance, paris_instance
from bench.siting_kernels import kernel_rows
from bench.siting_matrix import matrix_row
from bench.siting_solvers import solver_row
from bench.siting_spopt import spopt_rows
from bench.tables import NONE, fmt_ratio, fmt_s, markdown_header, markdown_row, ratio

COUNTS_FULL = (10, 20, 50)
COUNTS_QUICK = (10, 50)
SOLVER_COLUMNS = [
    "instance",
    "count",
    "size → fixed",
    "reduction",
    "greedy",
    "swaps",
    "bound",
    "below opt.: greedy / +swaps",
    "exact auto",
    "CBC",
    "HiGHS",
    "sparse PuLP+CBC",
    "auto / sparse",
]


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(__doc__.split("\n")[0], quick_help="counts 10/50, 3 repeats, 20 s")
    parser.add_argument("--time-limit", type=float, default=None, help="exact solvers (s)")
    parser.add_argument("--runs", type=int, default=None, help="repeats of the timed stages")
    parser.add_argument("--only", choices=["paris", "grid", "kernels", "spopt"], default=None)
    parser.add_argument("--spopt-timeout", type=float, default=None)
    args = parser.parse_args(argv)
    os.chdir(use_repository())
    from mobility.siting import cbc_available

    runs = args.runs or (3 if args.quick else 7)
    time_limit = args.time_limit or (20.0 if args.quick else 60.0)
    counts = COUNTS_QUICK if args.quick else COUNTS_FULL
    cbc = cbc_available()
    print("# siting benchmark\n")
    for text in describe_machine(("numpy", "scipy", "pulp", "spopt")):
        print(f"* {text}")
    print(f"* medians of {runs} runs, exact solvers one run, time limit {time_limit:g} s")
    instances: list[Instance] = []
    if args.only in (None, "paris"):
        instances.append(paris_instance())
    if args.only in (None, "grid"):
        instances.append(grid_instance(101, 20_000, 2_000, 50))
    if instances:
        print_matrix(instances, runs)
        print_solvers(instances, counts, runs, time_limit, cbc)
    if args.only in (None, "kernels"):
        print_kernels(grid_instance(101, 20_000, 2_000, 50), counts, runs)
    if args.only in (None, "spopt") and cbc:
        print_spopt(args.quick, args.spopt_timeout, runs)
    print(f"\nload average at the end: {load_average()}")
    return 0


def print_matrix(instances: list[Instance], runs: int) -> None:
    print("\n## Coverage matrix vs scipy's per-source kernel (same CSR, same batches)\n")
    print(markdown_header(["instance", "cutoff", "nnz", "matrix", "scipy kernel", "ratio"]))
    for instance in instances:
        for cutoff in instance.cutoffs:
            row = matrix_row(instance, cutoff, runs)
            cells = [instance.name, f"{cutoff:g} m", f"{row['nnz']:,}", fmt_s(row["matrix_s"])]
            cells += [fmt_s(row["peer_s"]), fmt_ratio(ratio(row["matrix_s"], row["peer_s"]))]
            print(markdown_row(cells), flush=True)


def print_solvers(
    instances: list[Instance], counts: tuple[int, ...], runs: int, time_limit: float, cbc: bool
) -> None:
    print(
        "\n## Solvers (greedy stages: medians; exact: one run; optimum = best found, "
        "proven unless marked)\n"
    )
    print(markdown_header(SOLVER_COLUMNS))
    for instance in instances:
        counts_here = (5, 10, 20) if instance.name.startswith("Paris") else counts
        for cutoff in instance.cutoffs:
            for count in counts_here:
                log(f"{instance.name} {cutoff:g} m count {count} ...")
                problem = build_problem(instance, cutoff, count)
                row = solver_row(problem, runs, time_limit, cbc)

                def limit(key: str, row: dict[str, Any] = row) -> str:
                    return " (limit)" if row.get(key) else ""

                gaps = f"{100 * row['plain_true_gap']:.2f} / {100 * row['greedy_true_gap']:.2f} %"
                cells = [
                    f"{instance.name} {cutoff:g} m",
                    str(count),
                    f"{row['size']:,} → {row['auto_size']:,}",
                    fmt_s(row["reduction"]),
                    fmt_s(row["greedy"]),
                    fmt_s(row["swaps"]),
                    fmt_s(row["bound"]),
                    gaps + ("" if row["proven"] else " (vs best found)"),
                    f"{fmt_s(row['auto_s'])} {row['auto_backend']}{limit('auto_limit')}",
                    fmt_s(row.get("cbc_s")) + limit("cbc_limit"),
                    fmt_s(row["highs_s"]) + limit("highs_limit"),
                    fmt_s(row.get("sparse_s")) + limit("sparse_limit"),
                    fmt_ratio(ratio(row["auto_s"], row.get("sparse_s"))),
                ]
                print(markdown_row(cells), flush=True)


def print_kernels(instance: Instance, counts: tuple[int, ...], runs: int) -> None:
    print("\n## Siting kernels: scipy's private routines vs the public routes\n")
    print(markdown_header(["instance", "count", "what", "private", "public", "public / private"]))
    for cutoff in instance.cutoffs:
        for count in counts:
            log(f"kernels {instance.name} {cutoff:g} m count {count} ...")
            problem = build_problem(instance, cutoff, count)
            for what, private, public in kernel_rows(problem, runs):
                cells = [f"{instance.name} {cutoff:g} m", str(count), what, fmt_s(private)]
                cells += [fmt_s(public), fmt_ratio(ratio(public, private))]
                print(markdown_row(cells), flush=True)


def print_spopt(quick: bool, timeout_s: float | None, runs: int) -> None:
    sizes = [(21, 800, 80), (41, 2_000, 200), (71, 5_000, 500)]
    timeout = timeout_s or (120.0 if quick else 900.0)
    if not quick:
        sizes.append((101, 20_000, 2_000))
    pairs = [(paris_instance(), 300.0)]
    pairs += [
        (grid_instance(side, n_demand, n_candidates, max(1, n_candidates // 40)), 500.0)
        for side, n_demand, n_candidates in sizes
    ]
    print(
        "\n## End to end (matrix + exact solve) vs spopt MCLP (from_cost_matrix + CBC), count 10\n"
    )
    print(
        markdown_header(["instance", "ours", "spopt build", "spopt total", "spopt / ours", "same"])
    )
    for row in spopt_rows(pairs, 10, runs, timeout):
        theirs = row["spopt"]
        if theirs is None:
            cells = [row["size"], fmt_s(row["ours_s"]), NONE]
            cells += [f"> {row['timeout_s']:.0f} s (stopped)"]
            cells += [f"> {row['timeout_s'] / row['ours_s']:.0f}×", NONE]
        else:
            same = abs(theirs["value"] - row["ours_value"]) <= 1e-6 * max(1.0, row["ours_value"])
            cells = [row["size"], fmt_s(row["ours_s"]), fmt_s(theirs["build_s"])]
            cells += [fmt_s(theirs["total_s"])]
            cells += [fmt_ratio(ratio(theirs["total_s"], row["ours_s"])), "yes" if same else "NO"]
        print(markdown_row(cells), flush=True)


if __name__ == "__main__":
    sys.exit(main())
