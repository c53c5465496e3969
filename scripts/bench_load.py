# SPDX-License-Identifier: MIT
"""HTTP load on real uvicorn workers: requests/s, p50/p99, errors, scaling, CPU, the goals.

The shipped commune (Paris 10e) is loaded into a temporary SQLite file and, with
``--postgis-url``, into that PostGIS database (its commune 75110 is replaced: give it a database
of its own). For each run (``sqlite:1``, ``postgis:1``, ``postgis:2``, ``postgis:4`` by default:
backend and worker processes) the server is started as ``make serve-prod`` starts it, warmed up
(every worker builds its street context), then each request below is repeated on keep-alive
connections over loopback for ``--duration`` seconds, twice: on ``--connections`` connections,
and on ``--per-worker`` connections per worker (16: the load the p99 goal is set at):

* ``page``: ``GET /collections/charging-points/items?limit=100`` (the 89 points, 113 KB);
* ``item``: one charging point;
* ``coverage``: ``GET /communes/75110/coverage`` (charging points, 300 m walk);
* ``siting``: ``POST /communes/75110/siting`` (5 charging points, 300 m walk).

The same analysis repeated is served from the answer the worker kept (``api/kept_answers.py``)
after its first computation, as in production; ``--kept-answers-mb 0`` makes each one computed.

The load is made by ``wrk`` when it is installed (``apt-get install wrk``; ``--client``), a C
client that costs a few microseconds of CPU per request, else by a small asyncio client
(``scripts/bench/load_client.py``); the report says which. Both the client and the server share
the machine's cores, so the CPU of each is printed: the client's (its share of one core, and per
request), the server's per request, read from its processes (``psutil``), which other jobs on
the machine skew far less than requests/s, and on PostGIS the database server's per request
(every ``postgres`` process of the machine: give the benchmark a quiet one). The machine's
1-minute load average at the end of each run is printed beside it, and how many worker processes
uvicorn's supervisor replaced during the run (a worker that does not answer its health check
within 30 s is killed and started again, its street contexts lost). The scaling column divides
a run's requests/s by the same request's on one worker of the same backend at the same
connections per worker; the last table holds every figure against its goal.

The server runs by the production command (:mod:`api.server`) with its production settings but
one: the per-client read budget is raised (``--read-limit``, a billion a minute by default) so
that one client may send thousands of reads a second; the reads are still counted, in batches,
as in production, and the analyses and writes budgets are off.

    .venv/bin/python scripts/bench_load.py [--duration 30] [--connections 64] [--per-worker 16]
        [--postgis-url postgresql://...] [--runs sqlite:1,postgis:2] [--only page,item]
        [--client auto|wrk|python] [--read-limit 1000000000] [--kept-answers-mb 0]
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

import psutil
from bench.harness import bench_parser, describe_machine, log, use_repository
from bench.load_client import LoadResult, Target, run_load
from bench.load_report import Measured, goal_rows, report_rows
from bench.load_wrk import run_wrk, wrk_path
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
def server(
    database_url: str, workers: int, read_limit: int, kept_answers_mb: float | None
) -> Iterator[tuple[int, int]]:
    """Run the API by the production command over the store; yield its port and process id.

    The per-client read budget is raised to ``read_limit`` (0: off): one client sending a
    thousand requests a second is the point here, and the reads are still counted.
    ``kept_answers_mb``: the analysis answers kept (None: the production default; 0: none, so
    that every analysis is computed).
    """
    env = {
        **os.environ,
        **NO_RATE_LIMITS,
        "MOBILITY_RATE_LIMIT_READS": str(read_limit),
        "MOBILITY_DATABASE_URL": database_url,
    }
    if kept_answers_mb is not None:
        env["MOBILITY_KEPT_ANSWERS_MB"] = str(kept_answers_mb)
    with running(env, workers=workers, wait_s=STARTUP_WAIT_S) as started:
        yield started.port, started.pid


def server_cpu_s(pid: int) -> dict[int, float]:
    """CPU seconds used so far by the server, by process: its own and every worker's under it."""
    root = psutil.Process(pid)
    used = {}
    for process in [root, *root.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.NoSuchProcess:
            continue
        used[process.pid] = times.user + times.system
    return used


def database_cpu_s() -> float:
    """CPU seconds used so far by the PostgreSQL server's processes on this machine."""
    used = 0.0
    for process in psutil.process_iter(["name", "cpu_times"]):
        times = process.info["cpu_times"]
        if process.info["name"] in ("postgres", "postmaster") and times is not None:
            used += times.user + times.system
    return used


def cpu_between(before: dict[int, float], after: dict[int, float]) -> tuple[float, int]:
    """CPU seconds the server used between two readings, and how many processes were replaced.

    A worker that uvicorn's supervisor killed and started again (one that does not answer its
    health check within 5 s is taken for hung) takes its CPU time with it: only what the
    processes present at the end used is counted, from zero for those started during the run.
    """
    used = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return used, len(before.keys() - after.keys())


def run_async(coroutine: Coroutine[Any, Any, LoadResult]) -> LoadResult:
    """Run the load on uvloop when it is installed (a lighter client), else on asyncio."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def load(
    client: str, port: int, target: Target, *, connections: int, duration_s: float
) -> LoadResult:
    """Make the load with the chosen client (``wrk`` or ``python``)."""
    if client == "wrk":
        return run_wrk(HOST, port, target, connections=connections, duration_s=duration_s)
    return run_async(run_load(HOST, port, target, connections=connections, duration_s=duration_s))


def measure_run(
    url: str,
    workers: int,
    chosen: list[Target],
    connection_counts: list[int],
    duration_s: float,
    read_limit: int,
    client: str,
    kept_answers_mb: float | None,
) -> dict[tuple[str, int], LoadResult]:
    """Start the server, warm every worker up, then load each target at each connection count."""
    results: dict[tuple[str, int], LoadResult] = {}
    with server(url, workers, read_limit, kept_answers_mb) as (port, pid):
        for target in chosen:
            # a short load with a few connections per worker: each builds its context first
            load(client, port, target, connections=2 * workers, duration_s=3)
            for connections in connection_counts:
                log(f"  {target.name}: {connections} connections, {duration_s:g} s ({client})")
                cpu_before, database_before = server_cpu_s(pid), database_cpu_s()
                result = load(client, port, target, connections=connections, duration_s=duration_s)
                result.server_cpu_s, result.replaced = cpu_between(cpu_before, server_cpu_s(pid))
                if url.startswith("postgresql"):
                    # backends that ended during the run take their CPU with them: a floor
                    result.database_cpu_s = database_cpu_s() - database_before
                result.load_average = os.getloadavg()[0]
                results[(target.name, connections)] = result
    return results


def choose_client(asked: str) -> str:
    """Return the client to load with: wrk when asked or found (``auto``), else the asyncio one."""
    found = wrk_path()
    if asked == "wrk" and found is None:
        raise SystemExit("--client wrk: wrk is not installed (apt-get install wrk)")
    if asked == "python" or found is None:
        if asked == "auto":
            log("wrk not found (apt-get install wrk): loading with the asyncio client")
        return "python"
    log(f"loading with wrk ({found})")
    return "wrk"


def main() -> None:
    """Parse the options, prepare the stores, run the loads, print the tables."""
    parser = bench_parser(__doc__ or "", quick_help="5 s per request, page and item only")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per request")
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections")
    parser.add_argument(
        "--per-worker",
        type=int,
        default=16,
        help="a second load with this many connections per worker (0: none)",
    )
    parser.add_argument("--postgis-url", help="a PostGIS database the benchmark may overwrite")
    parser.add_argument("--runs", default="sqlite:1,postgis:1,postgis:2,postgis:4")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--read-limit",
        type=int,
        default=10**9,
        help="per-client read budget per minute: counted as in production but never reached "
        "by default; 0 leaves reads uncounted",
    )
    parser.add_argument("--only", help="comma-separated request names (page,item,coverage,siting)")
    parser.add_argument(
        "--kept-answers-mb",
        type=float,
        help="MOBILITY_KEPT_ANSWERS_MB of the server (default: production's); 0 computes every "
        "analysis, where by default a repeated one is served from the kept answer",
    )
    args = parser.parse_args()
    duration_s = 5.0 if args.quick else args.duration
    only = "page,item" if args.quick and not args.only else args.only
    runs = [(part.split(":")[0], int(part.split(":")[1])) for part in args.runs.split(",")]
    if args.postgis_url is None:
        skipped = [f"{b}:{w}" for b, w in runs if b == "postgis"]
        if skipped:
            log(f"no --postgis-url: skipping {', '.join(skipped)}")
        runs = [(b, w) for b, w in runs if b != "postgis"]
    client = choose_client(args.client)
    print("\n".join(describe_machine(("fastapi", "uvicorn", "sqlalchemy"))))
    measured: Measured = {}
    names: list[str] = []
    with tempfile.TemporaryDirectory() as folder:
        urls = {"sqlite": f"sqlite:///{Path(folder) / 'bench.sqlite'}"}
        if args.postgis_url:
            urls["postgis"] = args.postgis_url
        item_ids = {}
        for backend in {b for b, _ in runs}:
            log(f"loading Paris 10e into {backend}")
            item_ids[backend] = prepare_store(urls[backend])
        for backend, workers in runs:
            chosen = targets(item_ids[backend])
            if only:
                chosen = [t for t in chosen if t.name in only.split(",")]
            names = [t.name for t in chosen]
            counts = [args.connections]
            if args.per_worker and args.per_worker * workers != args.connections:
                counts.append(args.per_worker * workers)
            log(f"{backend}, {workers} worker(s)")
            measured[(backend, workers)] = measure_run(
                urls[backend],
                workers,
                chosen,
                counts,
                duration_s,
                args.read_limit,
                client,
                args.kept_answers_mb,
            )
    headers = ["request", "run", "conns", "req/s", "p50 ms", "p99 ms", "errors", "scaling"]
    headers += ["server CPU ms/req", "db CPU ms/req", "replaced", "client CPU", "client µs/req"]
    headers += ["load avg"]
    print(f"\n{client} client, {duration_s:g} s per request and connection count, loopback")
    print(table(headers, report_rows(measured, names, args.per_worker), left=3))
    print(f"\nAgainst the goals (per worker; p99 at {args.per_worker} connections per worker)")
    print(
        table(
            ["measure", "run", "conns", "goal", "measured", "ratio", "met"],
            goal_rows(measured, names, args.per_worker),
            left=3,
        )
    )


if __name__ == "__main__":
    main()
