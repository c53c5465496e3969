# SPDX-License-Identifier: MIT
"""HTTP load on real uvicorn workers: requests/s, p50/p99, errors, scaling, the client's CPU.

The shipped commune (Paris 10e) is loaded into a temporary SQLite file and, with
``--postgis-url``, into that PostGIS database (its commune 75110 is replaced: give it a database
of its own). For each run (``sqlite:1``, ``postgis:1``, ``postgis:2``, ``postgis:4`` by default:
backend and worker processes) the server is started as ``make serve-prod`` starts it, warmed up
(every worker builds its street context), then each request below is repeated on ``--connections``
keep-alive connections over loopback for ``--duration`` seconds:

* ``page``: ``GET /collections/charging-points/items?limit=100`` (the 89 points, 113 KB);
* ``item``: one charging point;
* ``coverage``: ``GET /communes/75110/coverage`` (charging points, 300 m walk);
* ``siting``: ``POST /communes/75110/siting`` (5 charging points, 300 m walk).

The scaling column divides a run's requests/s by the same request's on one worker of the same
backend. The client is a small asyncio loop (``scripts/bench/load_client.py``, uvloop when
installed); its CPU share (1.0: one core) is printed, as it runs on the cores the server uses,
and so is the machine's load average at the end of each run.

The server runs by the production command (:mod:`api.server`) with its production settings but
one: the per-client read budget is raised (``--read-limit``, a billion a minute by default) so
that one client may send thousands of reads a second; the reads are still counted, in batches,
as in production, and the analyses and writes budgets are off.

    .venv/bin/python scripts/bench_load.py [--duration 30] [--connections 64]
        [--postgis-url postgresql://...] [--runs sqlite:1,postgis:2] [--only page,item]
        [--read-limit 1000000000]
    make bench-load BENCH_POSTGIS_URL=postgresql://...    # the same, DURATION= CONNECTIONS=

This is not a test; the last figures are in ``docs/performance.md``.
"""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.harness import bench_parser, describe_machine, log, use_repository
from bench.load_client import LoadResult, Target, run_load
from bench.tables import table

ROOT = use_repository()

from api.server import NO_RATE_LIMITS, running  # noqa: E402
from mobility.assets import Layer  # noqa: E402 (the repository is on the path from here)
from mobility.manifest import load_manifest  # noqa: E402
from mobility.store import AssetQuery, open_store  # noqa: E402

CODE = "75110"
MANIFEST = ROOT / "data" / "paris-10e" / "commune.json"
HOST = "127.0.0.1"
STARTUP_WAIT_S = 300.0
SITING = {"layer": "charging-points", "within_m": 300, "count": 5}


def targets(item_id: str) -> list[Target]:
    """The requests measured, on the shipped commune."""
    return [
        Target("page", "GET", "/collections/charging-points/items?limit=100"),
        Target("item", "GET", f"/collections/charging-points/items/{item_id}"),
        Target("coverage", "GET", f"/communes/{CODE}/coverage?layer=charging-points&within_m=300"),
        Target("siting", "POST", f"/communes/{CODE}/siting", json.dumps(SITING).encode()),
    ]


def prepare_store(url: str) -> str:
    """Load the shipped commune into the store (replacing it); return a charging point's id."""
    store = open_store(url)
    try:
        if store.has_commune(CODE):
            store.delete_commune(CODE)
        load_manifest(store, MANIFEST)
        page = store.query_assets(AssetQuery(Layer.CHARGING_POINTS, commune=CODE, limit=1))
        return page.assets[0].id
    finally:
        store.close()


@contextmanager
def server(database_url: str, workers: int, read_limit: int) -> Iterator[int]:
    """Run the API by the production command over the store; yield its port.

    The per-client read budget is raised to ``read_limit`` (0: off): one client sending a
    thousand requests a second is the point here, and the reads are still counted.
    """
    env = {
        **os.environ,
        **NO_RATE_LIMITS,
        "MOBILITY_RATE_LIMIT_READS": str(read_limit),
        "MOBILITY_DATABASE_URL": database_url,
    }
    with running(env, workers=workers, wait_s=STARTUP_WAIT_S) as started:
        yield started.port


def run_async(coroutine: Coroutine[Any, Any, LoadResult]) -> LoadResult:
    """Run the load on uvloop when it is installed (a lighter client), else on asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def measure_run(
    url: str,
    workers: int,
    chosen: list[Target],
    connections: int,
    duration_s: float,
    read_limit: int,
) -> dict[str, LoadResult]:
    """Start the server, warm every worker up, then load each target in turn."""
    results: dict[str, LoadResult] = {}
    with server(url, workers, read_limit) as port:
        for target in chosen:
            # a short load with a few connections per worker: each builds its context first
            run_async(run_load(HOST, port, target, connections=2 * workers, duration_s=3))
            log(f"  {target.name}: {connections} connections, {duration_s:g} s")
            result = run_async(
                run_load(HOST, port, target, connections=connections, duration_s=duration_s)
            )
            result.load_average = os.getloadavg()[0]
            results[target.name] = result
    return results


def report_rows(
    measured: dict[tuple[str, int], dict[str, LoadResult]], names: list[str]
) -> list[list[str]]:
    """One row per run and request, with the scaling against one worker of the same backend."""

    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:.1f}"

    rows = []
    for name in names:
        for (backend, workers), results in measured.items():
            result = results[name]
            single = measured.get((backend, 1), {}).get(name)
            scaling = (
                f"{result.requests_per_s / single.requests_per_s:.2f}x"
                if single is not None and single.requests_per_s > 0
                else "-"
            )
            rows.append(
                [
                    name,
                    f"{backend} x{workers}",
                    f"{result.requests_per_s:.0f}",
                    ms(result.percentile_ms(0.50)),
                    ms(result.percentile_ms(0.99)),
                    str(result.errors),
                    scaling,
                    f"{result.client_cpu_share:.2f}",
                    f"{result.load_average:.1f}",
                ]
            )
    return rows


def main() -> None:
    """Parse the options, prepare the stores, run the loads, print the table."""
    parser = bench_parser(__doc__ or "", quick_help="5 s per request, page and item only")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections")
    parser.add_argument("--postgis-url", help="a PostGIS database the benchmark may overwrite")
    parser.add_argument("--runs", default="sqlite:1,postgis:1,postgis:2,postgis:4")
    parser.add_argument(
        "--read-limit",
        type=int,
        default=10**9,
        help="per-client read budget per minute: counted as in production but never reached "
        "by default; 0 leaves reads uncounted",
    )
    parser.add_argument("--only", help="comma-separated request names (page,item,coverage,siting)")
    args = parser.parse_args()
    duration_s = 5.0 if args.quick else args.duration
    only = "page,item" if args.quick and not args.only else args.only
    runs = [(part.split(":")[0], int(part.split(":")[1])) for part in args.runs.split(",")]
    if args.postgis_url is None:
        skipped = [f"{b}:{w}" for b, w in runs if b == "postgis"]
        if skipped:
            log(f"no --postgis-url: skipping {', '.join(skipped)}")
        runs = [(b, w) for b, w in runs if b != "postgis"]
    print("\n".join(describe_machine(("fastapi", "uvicorn", "sqlalchemy"))))
    with tempfile.TemporaryDirectory() as folder:
        urls = {"sqlite": f"sqlite:///{Path(folder) / 'bench.sqlite'}"}
        if args.postgis_url:
            urls["postgis"] = args.postgis_url
        item_ids = {}
        for backend in {b for b, _ in runs}:
            log(f"loading Paris 10e into {backend}")
            item_ids[backend] = prepare_store(urls[backend])
        measured: dict[tuple[str, int], dict[str, LoadResult]] = {}
        names: list[str] = []
        for backend, workers in runs:
            chosen = targets(item_ids[backend])
            if only:
                chosen = [t for t in chosen if t.name in only.split(",")]
            names = [t.name for t in chosen]
            log(f"{backend}, {workers} worker(s)")
            measured[(backend, workers)] = measure_run(
                urls[backend], workers, chosen, args.connections, duration_s, args.read_limit
            )
    headers = ["request", "run", "req/s", "p50 ms", "p99 ms", "errors", "scaling", "client CPU"]
    headers.append("load avg")
    print(f"\n{args.connections} connections, {duration_s:g} s per request, loopback")
    print(table(headers, report_rows(measured, names)))


if __name__ == "__main__":
    main()
