# SPDX-License-Identifier: MIT
"""Paris as one commune through HTTP: first and warm answers against the floor of the same run.

Builds Paris (75056) from ``data/idf-context`` through ``mobility commune import`` into a store
of its own (``var/bench/paris.sqlite``) when absent, starts the app in a fresh process and times
every analysis endpoint through HTTP: the first answer after the start, with the CPU it cost
the worker (near what a quiet machine's wall time would be, on a shared one), then the warm
answer (median). The first coverage is also timed on a copy of the store without its prepared
payload (what every new worker paid before it was kept). Beside them, in this process, the
domain share of the warm coverage (the function the route calls), the preparation kept with the
store (built from the sources, written, read back) and the encoding of the large answers, and
the floor: one scipy multi-source Dijkstra from the charging points' crossings, cut at the
reach. Prints the tables, the ratios against the goals and the worker's peak RSS.

    python scripts/bench_city.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from bench.harness import use_repository

ROOT = use_repository()

from api.server import NO_RATE_LIMITS, running  # noqa: E402 (the repository is on the path now)

DATA = ROOT / "data" / "idf-context"
STORE = ROOT / "var" / "bench" / "paris.sqlite"
CODE = "75056"
WITHIN_M = 300.0
MARGIN_M = 500.0
QUERY: dict[str, str | float] = {"layer": "charging-points", "mode": "walk", "within_m": WITHIN_M}
SITING: dict[str, str | float] = {
    "layer": "charging-points",
    "mode": "walk",
    "within_m": WITHIN_M,
    "count": 20,
}
GOALS = {
    "coverage_http_x_floor": 10.0,
    "coverage_domain_x_floor": 3.0,
    "first_coverage_s": 1.0,
    "first_coverage_cpu_s": 1.0,
    "siting_x_solve": 3.0,
    "gaps_x_coverage": 10.0,
    "service_areas_x_coverage": 10.0,
    "peak_rss_mb": 1024.0,
}


def build_store(url: str) -> None:
    """Import Paris with its 500 m surroundings through the command a planner would run."""
    files = {
        "boundaries": "communes_75_92_93_94_adminexpress2018_simplified.geojson.gz",
        "streets": "paris_voies_centrelines_villedeparis.geojson.gz",
        "population": "paris_iris_2013_pop15p_2011.geojson.gz",
        "irve": "irve_statique_subset_75_92_93_94.csv.gz",
    }
    args = [sys.executable, "-m", "mobility.cli", "--database-url", url, "commune", "import"]
    args += [CODE, *(f"--{k}={DATA / v}" for k, v in files.items())]
    args += ["--population-field", "C11_POP15P", "--zone-id-field", "DCOMIRIS"]
    args += ["--hubs", str(DATA / "emplacement_des_gares_idf.geojson.gz")]
    args += ["--hubs", str(DATA / "velib_stations_snapshot_2026-03.geojson.gz")]
    args += ["--margin-m", f"{MARGIN_M:g}"]
    started = time.perf_counter()
    subprocess.run(args, cwd=ROOT, check=True)
    print(f"built {STORE} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


@contextmanager
def serve(url: str) -> Iterator[tuple[str, int]]:
    """Run the app in a fresh uvicorn process (one worker, no rate limit); yield its URL and pid."""
    env = {**os.environ, **NO_RATE_LIMITS, "MOBILITY_DATABASE_URL": url}
    with running(env, workers=1, wait_s=600) as server:
        yield server.base_url, server.pid


def peak_rss_mb(pid: int) -> float:
    """Return a process's peak resident set (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_s(pid: int) -> float:
    """Return the CPU time a process has used so far (user + system), in seconds.

    Beside a wall time on a shared machine: the first answer's CPU is what a quiet machine's
    wall time would be, near enough, whatever the load.
    """
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed_request(call: Callable[[], httpx.Response]) -> tuple[float, httpx.Response]:
    started = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    return elapsed, response


def first_without_payload(url_path: Path) -> float:
    """Time the first coverage of a worker on a copy of the store whose payload was dropped."""
    copy = url_path.with_name("paris-unprepared.sqlite")
    shutil.copy(url_path, copy)
    try:
        with sqlite3.connect(copy) as conn:
            conn.execute("DELETE FROM commune_prepared")
        with serve(f"sqlite:///{copy}") as (base, _):
            client = httpx.Client(base_url=base, timeout=600)
            first, _ = timed_request(lambda: client.get(f"/communes/{CODE}/coverage", params=QUERY))
            client.close()
        return first
    finally:
        for path in copy.parent.glob(copy.name + "*"):
            path.unlink()


def endpoint_times(base: str, pid: int, runs: int) -> dict[str, dict[str, Any]]:
    """First and warm (median) answer of every analysis endpoint on Paris, through HTTP.

    The first answer's CPU in the worker (``pid``) is kept beside its wall time.
    """
    client = httpx.Client(base_url=base, timeout=600)
    calls: dict[str, Callable[[], httpx.Response]] = {
        "GET /coverage": lambda: client.get(f"/communes/{CODE}/coverage", params=QUERY),
        "GET /coverage?f=geojson": lambda: client.get(
            f"/communes/{CODE}/coverage", params={**QUERY, "f": "geojson"}
        ),
        "GET /gaps": lambda: client.get(f"/communes/{CODE}/gaps", params=QUERY),
        "GET /service-areas": lambda: client.get(
            f"/communes/{CODE}/service-areas", params={**QUERY, "dissolve": "true"}
        ),
        "POST /siting (20 sites)": lambda: client.post(f"/communes/{CODE}/siting", json=SITING),
    }
    rows: dict[str, dict[str, Any]] = {}
    for name, call in calls.items():
        cpu_before = cpu_s(pid)
        first, response = timed_request(call)
        first_cpu = cpu_s(pid) - cpu_before
        warm = [timed_request(call)[0] for _ in range(runs)]
        rows[name] = {
            "first_s": first,
            "first_cpu_s": first_cpu,
            "warm_s": statistics.median(warm),
            "body": response,
        }
    client.close()
    return rows


def preparation(url: str) -> dict[str, float]:
    """Build the commune from its sources as an import does, encode it, read it back."""
    from mobility.coverage.context import CommuneContext, stored_model
    from mobility.coverage.prepared import build_key, read_prepared
    from mobility.coverage.prepared_codec import encode_prepared
    from mobility.network.snapping import DEFAULT_MAX_SNAP_M
    from mobility.store import open_store

    store = open_store(url)
    try:
        record = store.get_commune(CODE)
        key = build_key(record, max_snap_m=DEFAULT_MAX_SNAP_M)
        started = time.perf_counter()
        prepared = CommuneContext(stored_model(store, record)).prepare(key)
        built = time.perf_counter() - started
        payload = encode_prepared(prepared)
        reads = [_timed(lambda: read_prepared(store, CODE, key)) for _ in range(3)]
    finally:
        store.close()
    return {"build_s": built, "payload_mb": len(payload) / 1e6, "read_s": statistics.median(reads)}


def encodings(url: str, runs: int) -> dict[str, float]:
    """Encode the warm coverage's report and demand points the standard way and the fast way."""
    from fastapi.encoders import jsonable_encoder

    from api.schemas_analysis import CoverageReport
    from mobility.assets import Layer
    from mobility.coverage.context import ContextCache
    from mobility.coverage.filters import AssetFilter
    from mobility.coverage.report import coverage_report, demand_collection, demand_collection_json
    from mobility.coverage.run import CoverageQuestion, run_coverage
    from mobility.coverage.threshold import make_threshold
    from mobility.store import open_store

    store = open_store(url)
    try:
        context = ContextCache().get(store, CODE)
        question = CoverageQuestion(
            make_threshold("walk", within_m=WITHIN_M), AssetFilter(Layer.CHARGING_POINTS)
        )
        result = run_coverage(context, store, question)
    finally:
        store.close()

    def report_standard() -> None:
        model = CoverageReport.model_validate(coverage_report(result))
        json.dumps(jsonable_encoder(CoverageReport.model_validate(model.model_dump())))

    def report_fast() -> None:
        CoverageReport.model_validate(coverage_report(result)).model_dump_json()

    def points_standard() -> None:
        json.dumps(demand_collection(result).to_geojson())

    def points_fast() -> None:
        demand_collection_json(result)

    few = max(3, runs // 2)
    return {
        "report_standard_s": statistics.median(_timed(report_standard) for _ in range(runs)),
        "report_fast_s": statistics.median(_timed(report_fast) for _ in range(runs)),
        "points_standard_s": statistics.median(_timed(points_standard) for _ in range(few)),
        "points_fast_s": statistics.median(_timed(points_fast) for _ in range(few)),
    }


def domain_and_floor(url: str, runs: int) -> dict[str, float]:
    """The warm domain coverage (as the route calls it) and the raw multi-source search floor."""
    from scipy.sparse.csgraph import dijkstra

    from mobility.assets import Layer
    from mobility.coverage.context import ContextCache
    from mobility.coverage.filters import AssetFilter
    from mobility.coverage.run import CoverageQuestion, run_coverage
    from mobility.coverage.threshold import make_threshold
    from mobility.store import open_store

    store = open_store(url)
    try:
        context = ContextCache().get(store, CODE)
        question = CoverageQuestion(
            make_threshold("walk", within_m=WITHIN_M), AssetFilter(Layer.CHARGING_POINTS)
        )
        run_coverage(context, store, question)
        domain = [_timed(lambda: run_coverage(context, store, question)) for _ in range(runs)]
        engine = context.engine("walk")
        view = store.asset_view(CODE, Layer.CHARGING_POINTS)
        snapped = engine.snap(view.lon, view.lat)
        usable = ~snapped.too_far
        sources = np.unique(engine.edges.u_index[snapped.edge_index[usable]])
        graph = engine.edges.csr("length", transpose=True)

        def floor() -> None:
            dijkstra(graph, directed=True, indices=sources, min_only=True, limit=WITHIN_M)

        floor()
        floors = [_timed(floor) for _ in range(max(runs, 20))]
        return {
            "domain_s": statistics.median(domain),
            "floor_s": statistics.median(floors),
            "assets": float(view.lon.size),
            "nodes": float(engine.edges.n_nodes),
            "edges": float(engine.edges.n_edges),
        }
    finally:
        store.close()


def _timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="warm answers timed per endpoint")
    args = parser.parse_args()
    url = f"sqlite:///{STORE}"
    if not STORE.exists():
        STORE.parent.mkdir(parents=True, exist_ok=True)
        build_store(url)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with serve(url) as (base, pid):
        rows = endpoint_times(base, pid, args.runs)
        rss_mb = peak_rss_mb(pid)
    unprepared_s = first_without_payload(STORE)
    prepared = preparation(url)
    encoded = encodings(url, args.runs)
    figures = domain_and_floor(url, args.runs)
    coverage = rows["GET /coverage"]
    solve_s = float(rows["POST /siting (20 sites)"]["body"].json()["summary"]["solve_time_s"])
    floor_s = figures["floor_s"]
    print(
        f"Paris {CODE}, walk {WITHIN_M:g} m: {figures['nodes']:.0f} nodes, "
        f"{figures['edges']:.0f} edges, {figures['assets']:.0f} charging points seen"
    )
    print("| request | first after start (worker CPU) | warm (median) |")
    print("|---|---|---|")
    for name, row in rows.items():
        first = f"{row['first_s'] * 1000:.0f} ms ({row['first_cpu_s'] * 1000:.0f} ms)"
        print(f"| `{name}` | {first} | {row['warm_s'] * 1000:.1f} ms |")
    print(f"| `GET /coverage`, no payload kept (built from the sources) | {unprepared_s:.1f} s | |")
    print(f"| coverage, domain (run_coverage) | | {figures['domain_s'] * 1000:.1f} ms |")
    print(
        f"| floor: scipy multi-source Dijkstra cut at {WITHIN_M:g} m | | {floor_s * 1000:.2f} ms |"
    )
    print()
    print("| kept with the store | figure |")
    print("|---|---|")
    print(f"| preparation built from the sources (at import) | {prepared['build_s']:.1f} s |")
    print(f"| payload | {prepared['payload_mb']:.1f} MB |")
    print(f"| payload read and decoded | {prepared['read_s'] * 1000:.0f} ms |")
    print()
    print("| encoding (warm coverage) | standard | fast | ratio |")
    print("|---|---|---|---|")
    for name, label in (("report", "JSON report"), ("points", "f=geojson demand points")):
        slow, fast = encoded[f"{name}_standard_s"], encoded[f"{name}_fast_s"]
        print(f"| {label} | {slow * 1000:.1f} ms | {fast * 1000:.1f} ms | {slow / fast:.1f}x |")
    ratios = {
        "coverage_http_x_floor": coverage["warm_s"] / floor_s,
        "coverage_domain_x_floor": figures["domain_s"] / floor_s,
        "first_coverage_s": coverage["first_s"],
        "first_coverage_cpu_s": coverage["first_cpu_s"],
        "siting_x_solve": rows["POST /siting (20 sites)"]["warm_s"] / solve_s,
        "gaps_x_coverage": rows["GET /gaps"]["warm_s"] / coverage["warm_s"],
        "service_areas_x_coverage": rows["GET /service-areas"]["warm_s"] / coverage["warm_s"],
        "peak_rss_mb": rss_mb,
    }
    print()
    print("| goal | measured | target | met |")
    print("|---|---|---|---|")
    for name, value in ratios.items():
        target = GOALS[name]
        print(f"| {name} | {value:.2f} | < {target:g} | {'yes' if value < target else 'no'} |")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
