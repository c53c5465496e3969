# SPDX-License-Identifier: MIT
"""Benchmark the distance engine against raw scipy, networkx, naive loops and pandana.

Run on demand (never in the tests)::

    .venv/bin/python scripts/bench_coverage.py            # --full: Paris 10e, 200k and 1M grids
    .venv/bin/python scripts/bench_coverage.py --quick    # Paris 10e and the 200k grid, 50/500
    make bench                                            # the same (BENCH_ARGS=--quick)

The parts live in ``scripts/bench/``: the instances (``coverage_instances``), the competitors
(``coverage_competitors``), one instance's run (``coverage_engine``), Paris 10e end to end
(``coverage_paris``), pandana (``coverage_pandana``) and the report (``coverage_report``), over
the shared harness (``harness``, ``tables``). The figures of the last run are in
``docs/performance.md``.

Each instance runs in a fresh interpreter (``spawn``) so that memory figures start from a clean
process; pandana runs in a process of its own (its contraction-hierarchy build can be cut short
and its C++ progress output is silenced). All randomness is seeded.

What is measured
----------------
* engine: ``engine.snap(assets)`` + ``engine.distances(demand, assets, cutoff_m=...)``. Demand is
  snapped beforehand (as ``CommuneContext`` does), so the snapping index exists (built by the
  demand snap). *warm*: the asset set was queried before, so the engine answers its snap from
  its cache of snapped sets (keyed by the coordinates) and keeps its search graph, demand
  placement and same-segment pairs; what remains is the Dijkstra and the demand arithmetic.
  *cold*: ``engine.clear_cache()`` first (every one of those caches emptied), one run.
* per-asset competitors (sssp, ego_graph) run within a time budget and are extrapolated from the
  assets done when it runs out (marked ``~``); on the 200k grid ``ego_graph`` gets a budget large
  enough to run all 500 assets at 2 km (a design target), so that ratio is measured, not
  extrapolated, unless the machine is very loaded. The ratios are given against the engine warm
  and cold (``ego/cold``).
* service areas (Paris 10e, 500 assets, walk 500 m): *cold* = every cache emptied (band
  pieces, their arrangement, areas, search graph); the arrangement of the commune's street
  bands is then timed alone, and *new sets* are five more sets of 500 assets drawn with it
  kept (the target); the median is the same request again (areas kept).
* scipy floor: ``scipy.sparse.csgraph.dijkstra(csr, indices=asset_nodes, min_only=True,
  limit=cutoff)`` on the engine's own transposed CSR, then a gather at the demand nodes. Asset and
  demand nodes (nearest node by KD-tree, no snapping) are looked up outside the timing.
* networkx: a ``DiGraph`` built from the same CSR (lighter than a MultiDiGraph, so the networkx
  figures are flattering): ``multi_source_dijkstra_path_length``; naive per asset
  ``single_source_dijkstra_path_length`` keeping the min; naive per asset ``ego_graph``.
* pandana (when importable): ``Network`` (contraction hierarchies) on the same CSR, then
  ``set_pois`` + ``nearest_pois``; it uses OpenMP threads, the others one thread.

Times are medians (runs shown as ``xN``). Peak memory is the tracemalloc peak of the Python and
numpy allocations during one separate untimed run (GEOS and C++ allocations are not seen); for
pandana it is the growth of the process's peak RSS (VmHWM, reset through /proc/self/clear_refs).
Build memory is the growth of the resident set (RSS) retained after the build.
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from bench.coverage_engine import run_instance
from bench.coverage_instances import MANIFEST, SEED
from bench.coverage_pandana import run_pandana
from bench.coverage_report import print_instance, summary
from bench.harness import (
    TRACE_LIMIT_S,
    bench_parser,
    describe_machine,
    load_average,
    log,
    use_repository,
)

use_repository()

CUTOFFS = (500.0, 2000.0)
LIBRARIES = ("numpy", "scipy", "networkx", "shapely", "pandana")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        __doc__.split("\n\n")[0], quick_help="Paris 10e and the 200k grid, 50/500 assets"
    )
    parser.add_argument("--full", action="store_true", help="everything (the default)")
    parser.add_argument("--no-pandana", action="store_true", help="leave pandana out")
    args = parser.parse_args(argv)
    quick = args.quick
    started = time.perf_counter()
    grid_assets = [50, 500] if quick else [50, 500, 5000]
    workdir = Path(tempfile.mkdtemp(prefix="bench-coverage-"))
    store_url = f"sqlite:///{workdir / 'store.sqlite'}"
    try:
        from mobility.manifest import load_manifest
        from mobility.store import open_store

        log("loading the shipped commune into a scratch SQLite store")
        store = open_store(store_url)
        load_manifest(store, MANIFEST)
        store.close()
        specs: list[dict[str, Any]] = [
            {"kind": "paris", "store_url": store_url, "cutoffs": list(CUTOFFS), "nx_runs": 5}
            | {"naive_budget": 1.5 if quick else 4.0, "naive_skip": False, "assets": []},
            {"kind": "grid", "side": 448, "assets": grid_assets, "cutoffs": list(CUTOFFS)}
            | {"extra_builds": 2, "nx_runs": 3, "naive_budget": 1.5 if quick else 4.0}
            | {"naive_skip": False, "ego_budget": 20.0 if quick else 40.0},
        ]
        if not quick:
            specs.append(
                {"kind": "grid", "side": 1000, "assets": grid_assets, "cutoffs": list(CUTOFFS)}
                | {"extra_builds": 1, "nx_runs": 1, "naive_budget": 2.0, "naive_skip": True}
            )
        print("Clean Mobility Planner — distance engine benchmark", "(--quick)" if quick else "")
        for text in describe_machine(LIBRARIES):
            print("  " + text)
        print(
            f"  seed {SEED}; times are medians (xN runs); engine 'warm' = the asset set queried "
            "before (its snap, search graph, placement and same-segment pairs cached), demand "
            "pre-snapped; 'cold' = engine.clear_cache() first (all of those emptied), one run"
        )
        print(
            "  peaks: tracemalloc peak of Python+numpy allocations in one separate untimed run "
            "(GEOS/C++ not seen; 'n/m' when one run exceeds "
            f"{TRACE_LIMIT_S:g} s); † = pandana, growth of peak RSS (VmHWM) in its own process"
        )
        print(
            "  per-asset runs are capped: '~T (k/n)' = extrapolated from the k assets done; "
            "'skip: would take ~T' = not run in full (1M grid), estimate from a subsample; "
            "their peak covers at most 20 assets"
        )
        results = []
        for spec in specs:
            with ProcessPoolExecutor(max_workers=1, mp_context=mp.get_context("spawn")) as pool:
                result = pool.submit(run_instance, spec).result()
            if args.no_pandana:
                pandana: dict[str, Any] = {"error": "left out (--no-pandana)"}
            elif quick and spec["kind"] == "grid":
                pandana = {
                    "error": "not tried with --quick (its CH build is cut at 60 s in --full)"
                }
            else:
                log(f"{result['name']}: pandana")
                timeout = 120.0 if spec["kind"] == "paris" else 60.0
                pandana = run_pandana(spec, timeout)
            print_instance(result, pandana)
            sys.stdout.flush()
            results.append(result)
        print()
        print("== Targets ==")
        for text in summary(results):
            print("  " + text)
        print(
            f"\n(total {time.perf_counter() - started:.0f} s; load average at the end: "
            f"{load_average()})"
        )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
