# SPDX-License-Identifier: MIT
"""The twenty Paris arrondissements in one batch: 1 worker against 2, against a plain loop.

Imports the arrondissements (each with its margin) from ``data/idf-context`` with ``mobility
batch import`` on a local cluster into a store of its own (``var/bench/batch.sqlite``) when
absent, then times the coverage batch of all of them three ways, each from a cold start (no
ledger, no context kept): a plain loop in this process calling what a worker calls, a
``LocalCluster`` of one worker process, and one of two. Prints the wall times, the speed-up of
two workers over one, the scheduler's overhead (one worker against the plain loop), the cost of
each commune split into load (the store's reads), engine build (graph, mode view, distance
engine, demand snapped), query (the coverage and its zones) and write (ledger line; the
GeoParquet file once), the peak RSS of every worker, and the load average before and after.

    python scripts/bench_batch.py [--communes 75101-75120] [--within-m 300] [--rebuild]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.tables import fmt_s
from distributed import Client, LocalCluster

from mobility.assets import Layer
from mobility.batch.coverage import CoverageParameters
from mobility.batch.imports import ImportParameters
from mobility.batch.ledger import append_entry
from mobility.batch.output import write_geoparquet
from mobility.batch.run import run_batch
from mobility.batch.selection import select_communes
from mobility.batch.tasks import Row
from mobility.commune import CommuneModel
from mobility.coverage.context import CommuneContext
from mobility.importing import AssetInput, ImportRequest, InputFile
from mobility.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "idf-context"
STORE = ROOT / "var" / "bench" / "batch.sqlite"
MARGIN_M = 500.0
GOALS = {"speed_up_2_over_1": 1.7, "scheduler_overhead": 0.10}
IRIS = "paris_iris_2013_pop15p_2011.geojson.gz"


def _file(name: str) -> InputFile:
    path = DATA / name
    return InputFile(path.name, path.read_bytes())


def import_request(first: str) -> ImportRequest:
    """The import every arrondissement goes through (outlines dissolved from the IRIS)."""
    iris = _file(IRIS)
    return ImportRequest(
        code=first,
        boundaries=iris,
        streets=_file("paris_voies_centrelines_villedeparis.geojson.gz"),
        population=iris,
        population_field="C11_POP15P",
        zone_id_field="DCOMIRIS",
        population_description="residents aged 15 or more",
        population_year=2011,
        assets=(
            AssetInput("irve", _file("irve_statique_subset_75_92_93_94.csv.gz")),
            AssetInput("hubs", _file("emplacement_des_gares_idf.geojson.gz")),
            AssetInput("hubs", _file("velib_stations_snapshot_2026-03.geojson.gz")),
        ),
        margin_m=MARGIN_M,
    )


def build_store(url: str, codes: list[str], folder: Path) -> float:
    """Import the arrondissements with ``batch import`` on two workers; return its wall time."""
    request = import_request(codes[0])
    parameters = ImportParameters.of(request, {})
    store = open_store(url)
    try:
        with cluster(2) as client:
            started = time.perf_counter()
            report = run_batch(
                client, store, url, codes, parameters, folder / "import.parquet", shared=request
            )
            elapsed = time.perf_counter() - started
    finally:
        store.close()
    if report.failed:
        raise SystemExit(f"the import failed: {report.failed}")
    return elapsed


class cluster:  # noqa: N801 (used as a context manager, like the Dask classes)
    """A LocalCluster of ``workers`` single-threaded processes and its client."""

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def __enter__(self) -> Client:
        self.cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=self.workers, threads_per_worker=1, processes=True, dashboard_address=":0"
        )
        self.client = Client(self.cluster)  # type: ignore[no-untyped-call]
        return self.client

    def __exit__(self, *exc: object) -> None:
        self.client.close()  # type: ignore[no-untyped-call]
        self.cluster.close()


def plain_loop(
    store: Store, codes: list[str], parameters: CoverageParameters, folder: Path
) -> tuple[float, dict[str, list[float]], list[Row]]:
    """Run what a worker runs, commune after commune in this process; time each stage."""
    stages: dict[str, list[float]] = {"load": [], "engine build": [], "query": [], "write": []}
    ledger = folder / "loop.ledger.jsonl"
    rows: list[Row] = []
    started = time.perf_counter()
    for code in codes:
        t0 = time.perf_counter()
        record = store.get_commune(code)
        files = [store.get_commune_file(code, role) for role in ("streets", "population")]
        buildings = store.get_commune_file(code, "buildings")
        t1 = time.perf_counter()
        assert files[0] is not None
        context = CommuneContext(CommuneModel(record, files[0], files[1], buildings))
        context.snapped_demand("walk")
        t2 = time.perf_counter()
        mine = [
            {**row, "status": "done", "reason": None}
            for row in parameters.context_rows(store, context)
        ]
        t3 = time.perf_counter()
        append_entry(ledger, code, code, mine)
        t4 = time.perf_counter()
        rows += mine
        for stage, seconds in zip(stages, (t1 - t0, t2 - t1, t3 - t2, t4 - t3), strict=True):
            stages[stage].append(seconds)
    t5 = time.perf_counter()
    write_geoparquet(folder / "loop.parquet", rows, parameters.columns)
    stages["write"][-1] += time.perf_counter() - t5
    return time.perf_counter() - started, stages, rows


def dask_run(
    url: str,
    store: Store,
    codes: list[str],
    parameters: CoverageParameters,
    workers: int,
    out: Path,
) -> dict[str, Any]:
    """Run the batch on a fresh cluster; return its wall time and each worker's peak RSS."""
    with cluster(workers) as client:
        started = time.perf_counter()
        report = run_batch(client, store, url, codes, parameters, out)
        wall = time.perf_counter() - started
        peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if report.failed:
        raise SystemExit(f"the coverage batch failed: {report.failed}")
    return {"wall": wall, "peak_kb": sorted(peaks.values())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", default="75101-75120")
    parser.add_argument("--within-m", type=float, default=300.0)
    parser.add_argument("--rebuild", action="store_true", help="import the store again")
    args = parser.parse_args()
    codes = select_communes([args.communes])
    parameters = CoverageParameters(layer=Layer.CHARGING_POINTS, within_m=args.within_m)
    load_before = os.getloadavg()
    STORE.parent.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{STORE}"
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        imported = None
        if args.rebuild or not STORE.exists():
            STORE.unlink(missing_ok=True)
            imported = build_store(url, codes, folder)
        store = open_store(url)
        try:
            loop_wall, stages, loop_rows = plain_loop(store, codes, parameters, folder)
            one = dask_run(url, store, codes, parameters, 1, folder / "one.parquet")
            two = dask_run(url, store, codes, parameters, 2, folder / "two.parquet")
        finally:
            store.close()
    load_after = os.getloadavg()
    speed_up = one["wall"] / two["wall"]
    overhead = one["wall"] / loop_wall - 1
    n = len(codes)
    print(
        f"\n{n} communes, coverage within {args.within_m:g} m on foot, margin {MARGIN_M:g} m; "
        f"{len(loop_rows)} rows (communes and zones)"
    )
    if imported is not None:
        print(f"store built by `batch import` on 2 workers in {fmt_s(imported)}")
    print("\n| run | wall | per commune | against |")
    print("|-----|-----:|------------:|---------|")
    print(f"| plain loop, one process | {fmt_s(loop_wall)} | {fmt_s(loop_wall / n)} | – |")
    print(
        f"| Dask, 1 worker | {fmt_s(one['wall'])} | {fmt_s(one['wall'] / n)} | "
        f"loop: overhead {overhead:+.1%} (goal < {GOALS['scheduler_overhead']:.0%}) |"
    )
    print(
        f"| Dask, 2 workers | {fmt_s(two['wall'])} | {fmt_s(two['wall'] / n)} | "
        f"1 worker: speed-up {speed_up:.2f}x (goal >= {GOALS['speed_up_2_over_1']}x) |"
    )
    print("\n| stage (plain loop) | median | max | total | share |")
    print("|-------|-------:|----:|------:|------:|")
    total = sum(sum(values) for values in stages.values())
    for stage, values in stages.items():
        print(
            f"| {stage} | {fmt_s(statistics.median(values))} | {fmt_s(max(values))} | "
            f"{fmt_s(sum(values))} | {sum(values) / total:.0%} |"
        )
    print("\n| cluster | peak RSS per worker |")
    print("|---------|--------------------:|")
    for label, run in (("1 worker", one), ("2 workers", two)):
        peaks = ", ".join(f"{kb / 1024:,.0f} MB" for kb in run["peak_kb"])
        print(f"| {label} | {peaks} |")
    print(
        f"\nload average (1, 5, 15 min): before {', '.join(f'{v:.2f}' for v in load_before)}; "
        f"after {', '.join(f'{v:.2f}' for v in load_after)}; {os.cpu_count()} cores"
    )
    met = speed_up >= GOALS["speed_up_2_over_1"] and overhead < GOALS["scheduler_overhead"]
    print("goals met" if met else "goals NOT met (see the table)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
