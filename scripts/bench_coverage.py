# SPDX-License-Identifier: MIT
"""Benchmark the distance engine against raw scipy, networkx, naive loops and pandana.

Run on demand (never in the tests)::

    .venv/bin/python scripts/bench_coverage.py            # --full: Paris 10e, 200k and 1M grids
    .venv/bin/python scripts/bench_coverage.py --quick    # Paris 10e and the 200k grid, 50/500

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
  enough to run all 500 assets at 2 km (the issue's target), so that ratio is measured, not
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

import argparse
import dataclasses
import gc
import math
import multiprocessing as mp
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / "data" / "paris-10e" / "commune.json"
PARIS_CODE = "75110"
SEED = 20_240_611
CUTOFFS = (500.0, 2000.0)
BLOCK_M = 100.0
GRID_CENTRE_L93 = (652_000.0, 6_862_000.0)  # Paris, Lambert-93
GRID_DEMAND = 20_000
PARIS_SAMPLED_ASSETS = 500
MAX_RUNS = 5
TIMING_BUDGET_S = 3.0  # repeat a measurement while the runs so far stay under this
TRACE_LIMIT_S = 4.0  # skip the separate tracemalloc run when one run takes longer
MB = 1e6

TARGETS = {
    "coverage_ms": 50.0,
    "engine_vs_floor": 2.0,
    "multi_vs_engine": 15.0,
    "ego_vs_engine": 100.0,
    "engine_1m_gb": 0.5,
    "engine_1m_build_s": 5.0,
    "service_areas_s": 1.0,
}


# ---------------------------------------------------------------------------------------------
# Measuring helpers


def rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def hwm_bytes() -> int:
    with open("/proc/self/status", encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return 0


def reset_hwm() -> bool:
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
    except OSError:
        return False
    return True


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn()
    return time.perf_counter() - started, out


def measure(fn: Callable[[], Any], *, max_runs: int = MAX_RUNS) -> dict[str, Any]:
    """Median of up to ``max_runs`` runs, stopping early when the runs get expensive."""
    times: list[float] = []
    out = None
    while True:
        elapsed, out = timed(fn)
        times.append(elapsed)
        if len(times) >= max_runs or sum(times) + elapsed > TIMING_BUDGET_S:
            break
    return {"s": statistics.median(times), "runs": len(times), "out": out}


def traced_peak(fn: Callable[[], Any]) -> int:
    """Bytes at the tracemalloc peak of one run (Python and numpy allocations)."""
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak - base


def with_peak(result: dict[str, Any], fn: Callable[[], Any]) -> dict[str, Any]:
    if result["s"] <= TRACE_LIMIT_S:
        result["peak"] = traced_peak(fn)
    result.pop("out", None)
    return result


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Instances: arrays every competitor shares


@dataclasses.dataclass
class Instance:
    name: str
    mode: str
    node_x: np.ndarray  # Lambert-93
    node_y: np.ndarray
    node_lon: np.ndarray
    node_lat: np.ndarray
    u: np.ndarray
    v: np.ndarray
    length: np.ndarray
    demand_lon: np.ndarray
    demand_lat: np.ndarray
    demand_x: np.ndarray
    demand_y: np.ndarray
    asset_sets: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]  # lon lat x y


def to_wire(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from mobility.geo import wire_transformer

    lon, lat = wire_transformer().transform(x, y)
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def to_metric(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from mobility.geo import metric_transformer

    x, y = metric_transformer().transform(lon, lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def grid_instance(side: int, asset_counts: list[int]) -> Instance:
    """A street-like grid: ~100 m blocks around Paris, 3 % of blocks missing, 10 % one-way."""
    rng = np.random.default_rng(SEED + side)
    n = side * side
    col, row = np.meshgrid(np.arange(side), np.arange(side))
    jitter = 8.0
    x = GRID_CENTRE_L93[0] + (col.ravel() - side / 2) * BLOCK_M + rng.uniform(-jitter, jitter, n)
    y = GRID_CENTRE_L93[1] + (row.ravel() - side / 2) * BLOCK_M + rng.uniform(-jitter, jitter, n)
    index = np.arange(n).reshape(side, side)
    a = np.concatenate([index[:, :-1].ravel(), index[:-1, :].ravel()])
    b = np.concatenate([index[:, 1:].ravel(), index[1:, :].ravel()])
    keep = rng.random(len(a)) >= 0.03
    a, b = a[keep], b[keep]
    one_way = rng.random(len(a)) < 0.10
    flip = rng.random(len(a)) < 0.5
    tail, head = np.where(flip, b, a), np.where(flip, a, b)
    u = np.concatenate([tail, head[~one_way]])
    v = np.concatenate([head, tail[~one_way]])
    length = np.hypot(x[u] - x[v], y[u] - y[v])
    lon, lat = to_wire(x, y)

    def street_points(count: int) -> tuple[np.ndarray, ...]:
        street = rng.integers(0, len(a), count)
        t = rng.random(count)
        px = x[a[street]] + t * (x[b[street]] - x[a[street]]) + rng.uniform(-10, 10, count)
        py = y[a[street]] + t * (y[b[street]] - y[a[street]]) + rng.uniform(-10, 10, count)
        plon, plat = to_wire(px, py)
        return plon, plat, px, py

    dlon, dlat, dx, dy = street_points(GRID_DEMAND)
    pool = street_points(max(asset_counts))
    asset_sets = {
        str(count): (pool[0][:count], pool[1][:count], pool[2][:count], pool[3][:count])
        for count in asset_counts
    }
    return Instance(
        name=f"grid {n:,} nodes",
        mode="drive",
        node_x=x,
        node_y=y,
        node_lon=lon,
        node_lat=lat,
        u=u,
        v=v,
        length=length,
        demand_lon=dlon,
        demand_lat=dlat,
        demand_x=dx,
        demand_y=dy,
        asset_sets=asset_sets,
    )


def paris_setup(store_url: str) -> tuple[Any, Any, list[Any], list[Any], Instance]:
    """Return the store, the context, the 89 charging points, 500 sampled assets, the arrays."""
    import shapely

    from mobility.assets import Layer
    from mobility.coverage.context import ContextCache
    from mobility.store import AssetQuery, open_store

    store = open_store(store_url)
    context = ContextCache().get(store, PARIS_CODE)
    engine = context.engine("walk")
    edges = engine.edges
    page = store.query_assets(
        AssetQuery(layer=Layer.CHARGING_POINTS, commune=PARIS_CODE, limit=100_000)
    )
    chargers = page.assets
    rng = np.random.default_rng(SEED)
    segments = edges.segment_edges
    chosen = segments[rng.integers(0, len(segments), PARIS_SAMPLED_ASSETS)]
    on_street = shapely.line_interpolate_point(
        edges.geometry_metric[chosen], rng.random(len(chosen)), normalized=True
    )
    sx, sy = shapely.get_x(on_street), shapely.get_y(on_street)
    slon, slat = to_wire(sx, sy)
    sampled = [
        dataclasses.replace(chargers[0], id=f"bench-{i:04d}", lon=float(lo), lat=float(la))
        for i, (lo, la) in enumerate(zip(slon, slat, strict=True))
    ]
    demand = context.demand
    assert demand is not None, "the shipped commune has its population"
    points = demand.points.geometry
    dlon, dlat = points.x.to_numpy(), points.y.to_numpy()
    dx, dy = to_metric(dlon, dlat)
    clon = np.array([a.lon for a in chargers])
    clat = np.array([a.lat for a in chargers])
    cx, cy = to_metric(clon, clat)
    instance = Instance(
        name="Paris 10e",
        mode="walk",
        node_x=edges.node_x_m,
        node_y=edges.node_y_m,
        node_lon=np.zeros(0),
        node_lat=np.zeros(0),
        u=edges.u_index,
        v=edges.v_index,
        length=edges.length_m,
        demand_lon=dlon,
        demand_lat=dlat,
        demand_x=dx,
        demand_y=dy,
        asset_sets={
            f"{len(chargers)} CPs": (clon, clat, cx, cy),
            f"{PARIS_SAMPLED_ASSETS} sampled": (slon, slat, sx, sy),
        },
    )
    return store, context, chargers, sampled, instance


def resample(context: Any, like: list[Any], seed: int) -> list[Any]:
    """Another set of as many assets on random street positions (for a 'new request')."""
    import shapely

    edges = context.engine("walk").edges
    rng = np.random.default_rng(seed)
    segments = edges.segment_edges
    chosen = segments[rng.integers(0, len(segments), len(like))]
    on_street = shapely.line_interpolate_point(
        edges.geometry_metric[chosen], rng.random(len(chosen)), normalized=True
    )
    lon, lat = to_wire(shapely.get_x(on_street), shapely.get_y(on_street))
    return [
        dataclasses.replace(like[0], id=f"other-{i:04d}", lon=float(lo), lat=float(la))
        for i, (lo, la) in enumerate(zip(lon, lat, strict=True))
    ]


def nearest_nodes(instance: Instance, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    from scipy.spatial import cKDTree

    tree = cKDTree(np.column_stack([instance.node_x, instance.node_y]))
    return np.asarray(tree.query(np.column_stack([x, y]))[1], dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# Competitors


def engine_query(engine: Any, demand: Any, lon: np.ndarray, lat: np.ndarray, cutoff: float) -> Any:
    return engine.distances(demand, engine.snap(lon, lat), cutoff_m=cutoff)


def engine_cold(engine: Any, demand: Any, lon: np.ndarray, lat: np.ndarray, cutoff: float) -> Any:
    engine.clear_cache()
    return engine_query(engine, demand, lon, lat, cutoff)


def scipy_floor(csr: Any, sources: np.ndarray, demand_nodes: np.ndarray, cutoff: float) -> Any:
    from scipy.sparse.csgraph import dijkstra

    costs = dijkstra(csr, directed=True, indices=sources, min_only=True, limit=cutoff)
    return costs[demand_nodes]


def nx_multi(graph: Any, sources: np.ndarray, demand_nodes: np.ndarray, cutoff: float) -> Any:
    import networkx as nx

    found = nx.multi_source_dijkstra_path_length(
        graph, set(sources.tolist()), cutoff=cutoff, weight="length"
    )
    return np.array([found.get(node, math.inf) for node in demand_nodes.tolist()])


def naive_dijkstra(graph: Any, sources: list[int], cutoff: float, deadline: float) -> int:
    """Per asset single-source Dijkstra, keeping the min per node; return assets done."""
    import networkx as nx

    best: dict[int, float] = {}
    done = 0
    for source in sources:
        reached = nx.single_source_dijkstra_path_length(
            graph, source, cutoff=cutoff, weight="length"
        )
        for node, cost in reached.items():
            if cost < best.get(node, math.inf):
                best[node] = cost
        done += 1
        if time.perf_counter() > deadline:
            break
    return done


def naive_ego(graph: Any, sources: list[int], cutoff: float, deadline: float) -> int:
    """Per asset ``ego_graph`` (the classic isochrone recipe), union of nodes; assets done."""
    import networkx as nx

    reached: set[int] = set()
    done = 0
    for source in sources:
        reached.update(nx.ego_graph(graph, source, radius=cutoff, distance="length"))
        done += 1
        if time.perf_counter() > deadline:
            break
    return done


def capped(
    fn: Callable[[Any, list[int], float, float], int],
    graph: Any,
    sources: np.ndarray,
    cutoff: float,
    budget_s: float,
    *,
    skip: bool,
) -> dict[str, Any]:
    """Run a per-asset competitor within a time budget; extrapolate from the assets done."""
    order = sources.tolist()
    times: list[float] = []
    while True:
        started = time.perf_counter()
        done = fn(graph, order, cutoff, started + budget_s)
        elapsed = time.perf_counter() - started
        if done < len(order):
            estimate = elapsed * len(order) / done
            result: dict[str, Any] = {"s": estimate, "runs": 1, "done": done, "of": len(order)}
            result["status"] = "skipped" if skip else "extrapolated"
            break
        times.append(elapsed)
        if len(times) >= MAX_RUNS or sum(times) + elapsed > budget_s:
            result = {"s": statistics.median(times), "runs": len(times)}
            break
    subsample = order[: min(len(order), result.get("done", len(order)), 20)]
    result["peak"] = traced_peak(partial(fn, graph, subsample, cutoff, math.inf))
    if len(subsample) < len(order):
        result["peak_note"] = f"{len(subsample)} assets"
    return result


def build_nx(csr: Any) -> Any:
    import networkx as nx

    coo = csr.tocoo()
    graph = nx.DiGraph()
    graph.add_nodes_from(range(csr.shape[0]))
    graph.add_weighted_edges_from(
        zip(coo.row.tolist(), coo.col.tolist(), coo.data.tolist(), strict=True), weight="length"
    )
    return graph


# ---------------------------------------------------------------------------------------------
# One instance, in its own process


def run_instance(spec: dict[str, Any]) -> dict[str, Any]:
    warnings.simplefilter("ignore")
    from mobility.network.engine import DistanceEngine

    out: dict[str, Any] = {"spec": spec, "rows": [], "build": {}, "paris": {}}
    base_rss = rss_bytes()
    if spec["kind"] == "paris":
        log("Paris 10e: loading the context")
        store, context, chargers, sampled, instance = paris_setup(spec["store_url"])
        view, _ = context.model.mode_view("walk")
        build = measure(partial(DistanceEngine.build, view, mode="walk"))
        engine = context.engine("walk")
        demand = context.snapped_demand("walk")
        out["build"]["engine_s"] = build["s"]
        out["build"]["engine_runs"] = build["runs"]
        out["build"]["engine_stats"] = engine.stats.to_dict()
        out["paris"] = paris_extras(store, context, chargers, sampled)
    else:
        log(f"grid side {spec['side']}: generating")
        instance = grid_instance(spec["side"], spec["assets"])
        gc.collect()
        before = rss_bytes()
        engine = DistanceEngine.from_arrays(
            instance.node_lon, instance.node_lat, instance.u, instance.v, instance.length, 30.0
        )
        after_build = rss_bytes()
        stats_built = engine.stats.to_dict()
        first_snap, demand = timed(partial(engine.snap, instance.demand_lon, instance.demand_lat))
        after_snap = rss_bytes()
        from mobility.network.snapping import snap_points

        # the index is built; snap_points itself, not the engine's cache of snapped sets
        repeat_snap, _ = timed(
            partial(snap_points, engine.edges, instance.demand_lon, instance.demand_lat)
        )
        cached_snap, _ = timed(partial(engine.snap, instance.demand_lon, instance.demand_lat))
        builds = [engine.build_s]
        for _ in range(spec["extra_builds"]):
            again = DistanceEngine.from_arrays(
                instance.node_lon, instance.node_lat, instance.u, instance.v, instance.length, 30.0
            )
            builds.append(again.build_s)
            del again
        out["build"].update(
            engine_s=statistics.median(builds),
            engine_runs=len(builds),
            engine_stats=engine.stats.to_dict(),
            engine_stats_built=stats_built,
            engine_rss=after_build - before,
            engine_rss_in_service=after_snap - before,
            first_snap_s=first_snap,
            repeat_snap_s=repeat_snap,
            cached_snap_s=cached_snap,
        )
    stats = engine.stats
    log(f"{instance.name}: engine {stats.nodes:,} nodes, {stats.edges:,} edges")
    out["name"] = instance.name
    out["mode"] = instance.mode
    out["nodes"], out["edges"], out["demand"] = stats.nodes, stats.edges, demand.count
    csr = engine.edges.csr("length", transpose=True)  # the search graph the engine runs on
    demand_nodes = nearest_nodes(instance, instance.demand_x, instance.demand_y)

    log(f"{instance.name}: building the networkx graph")
    gc.collect()
    before = rss_bytes()
    nx_build_s, graph = timed(partial(build_nx, csr))
    out["build"]["nx_s"] = nx_build_s
    out["build"]["nx_rss"] = rss_bytes() - before
    out["build"]["nx_edges"] = graph.number_of_edges()

    for label, (lon, lat, x, y) in instance.asset_sets.items():
        sources = nearest_nodes(instance, x, y)
        for cutoff in spec["cutoffs"]:
            log(f"{instance.name}: {label} assets, {cutoff:g} m")
            row: dict[str, Any] = {"assets": label, "cutoff": cutoff}
            warm = partial(engine_query, engine, demand, lon, lat, cutoff)
            cold_s, _ = timed(partial(engine_cold, engine, demand, lon, lat, cutoff))
            row["engine_cold"] = {"s": cold_s, "runs": 1}
            row["engine"] = with_peak(measure(warm), warm)
            result = engine_query(engine, demand, lon, lat, cutoff)
            floor_fn = partial(scipy_floor, csr, sources, demand_nodes, cutoff)
            floor = measure(floor_fn)
            floor_values = floor["out"]
            row["floor"] = with_peak(floor, floor_fn)
            multi_fn = partial(nx_multi, graph, sources, demand_nodes, cutoff)
            multi = measure(multi_fn, max_runs=spec["nx_runs"])
            multi_values = multi["out"]
            row["multi"] = with_peak(multi, multi_fn)
            budget, skip = spec["naive_budget"], spec["naive_skip"]
            row["naive"] = capped(naive_dijkstra, graph, sources, cutoff, budget, skip=skip)
            ego_budget = spec.get("ego_budget", budget)
            row["ego"] = capped(naive_ego, graph, sources, cutoff, ego_budget, skip=skip)
            both = np.isfinite(floor_values) & np.isfinite(multi_values)
            same_set = np.array_equal(np.isfinite(floor_values), np.isfinite(multi_values))
            gap = float(np.max(np.abs(floor_values[both] - multi_values[both]), initial=0.0))
            row["check"] = {
                "floor_vs_nx_max_m": gap if same_set else math.inf,
                "covered_engine": float(np.isfinite(result).mean()),
                "covered_floor": float(np.isfinite(floor_values).mean()),
            }
            out["rows"].append(row)
    del graph
    out["build"]["engine_stats_end"] = engine.stats.to_dict()
    out["peak_rss"] = hwm_bytes() - base_rss
    return out


def paris_extras(
    store: Any, context: Any, chargers: list[Any], sampled: list[Any]
) -> dict[str, Any]:
    """The coverage query end to end and the service areas, on Paris 10e (walk)."""
    from mobility.assets import Layer
    from mobility.coverage.analysis import compute_coverage
    from mobility.coverage.areas import compute_service_areas
    from mobility.coverage.filters import AssetFilter
    from mobility.coverage.threshold import make_threshold
    from mobility.store import AssetQuery

    threshold = make_threshold("walk", within_m=500.0)
    asset_filter = AssetFilter(layer=Layer.CHARGING_POINTS)
    coverage = partial(
        compute_coverage, context, chargers, threshold=threshold, asset_filter=asset_filter
    )
    coverage()  # warm: engine, snapped demand and the chargers' search graph
    times = [timed(coverage)[0] for _ in range(20)]

    def api_path() -> Any:
        query = AssetQuery(layer=Layer.CHARGING_POINTS, commune=PARIS_CODE, limit=10_000)
        assets = asset_filter.apply(store.query_assets(query).assets)
        return compute_coverage(context, assets, threshold=threshold, asset_filter=asset_filter)

    api_path()
    api_times = [timed(api_path)[0] for _ in range(20)]
    extras: dict[str, Any] = {
        "coverage_s": statistics.median(times),
        "coverage_p90_s": float(np.quantile(times, 0.9)),
        "coverage_api_s": statistics.median(api_times),
        "coverage_share": coverage().share,
    }
    log("Paris 10e: service areas")
    from mobility.coverage.areas import DEFAULT_BAND_M, band_cache, clear_band_cache

    engine = context.engine("walk")
    others = resample(context, sampled, SEED + 1)
    for dissolve in (False, True):
        run = partial(
            compute_service_areas, context, sampled, threshold=threshold, dissolve=dissolve
        )
        clear_band_cache(engine)
        engine.clear_cache()
        cpu = time.process_time()  # CPU of every thread: the work, whatever else loads the box
        cold_s, out = timed(run)  # nothing kept: no piece, no arrangement, no area, no search
        cold_cpu_s = time.process_time() - cpu
        result = measure(run, max_runs=3 if not dissolve else MAX_RUNS)  # the same request again
        entry = {
            "cold_s": cold_s,
            "cold_cpu_s": cold_cpu_s,
            "load": os.getloadavg()[0],
            "s": result["s"],
            "runs": result["runs"],
            "areas": len(out),
            "peak": traced_peak(run) if result["s"] <= TRACE_LIMIT_S else None,
        }
        if not dissolve:
            clear_band_cache(engine)  # the commune's street bands cut and arranged, alone
            whole = [np.arange(band_cache(engine, DEFAULT_BAND_M).pieces.whole_first)]
            entry["arrange_s"], _ = timed(
                partial(band_cache(engine, DEFAULT_BAND_M).arranged, whole, build=True)
            )
            others_run = partial(
                compute_service_areas, context, others, threshold=threshold, dissolve=False
            )
            cpu = time.process_time()  # another 500 assets: the arrangement kept, no area
            entry["other_s"], _ = timed(others_run)
            entry["other_cpu_s"] = time.process_time() - cpu
            more = [resample(context, sampled, SEED + 2 + k) for k in range(4)]
            entry["other_runs_s"] = [
                timed(
                    partial(compute_service_areas, context, m, threshold=threshold, dissolve=False)
                )[0]
                for m in more
            ]
        extras["areas_dissolved" if dissolve else "areas_per_asset"] = entry
    return extras


# ---------------------------------------------------------------------------------------------
# pandana, in a process of its own


def pandana_worker(spec: dict[str, Any], conn: Any) -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    warnings.simplefilter("ignore")
    try:
        import pandana
        import pandas as pd
    except Exception as exc:  # noqa: BLE001 (any import failure is reported, not raised)
        conn.send({"error": f"not importable: {type(exc).__name__}: {exc}"})
        return
    if spec["kind"] == "paris":
        store, context, _, _, instance = paris_setup(spec["store_url"])
        edges = context.engine("walk").edges
        forward = edges.csr("length")
    else:
        instance = grid_instance(spec["side"], spec["assets"])
        from mobility.network.csr import csr_from_edges

        forward = csr_from_edges(len(instance.node_x), instance.u, instance.v, instance.length)
    coo = forward.tocoo()  # node -> POI distances on the forward graph = the engine's to_assets
    demand_nodes = nearest_nodes(instance, instance.demand_x, instance.demand_y)
    gc.collect()
    before = rss_bytes()
    conn.send({"phase": "building"})
    build_s, net = timed(
        partial(
            pandana.Network,
            pd.Series(instance.node_x),
            pd.Series(instance.node_y),
            pd.Series(coo.row),
            pd.Series(coo.col),
            pd.DataFrame({"length": coo.data}),
            twoway=False,
        )
    )
    conn.send({"phase": "built", "build_s": build_s, "build_rss": rss_bytes() - before})
    rows = []
    backward = forward.T.tocsr()
    for label, (_, _, x, y) in instance.asset_sets.items():
        sources = nearest_nodes(instance, x, y)
        for cutoff in spec["cutoffs"]:

            def query(x: np.ndarray = x, y: np.ndarray = y, cutoff: float = cutoff) -> Any:
                net.set_pois("bench", cutoff, 1, pd.Series(x), pd.Series(y))
                found = net.nearest_pois(cutoff, "bench", num_pois=1)[1].to_numpy()
                return found[demand_nodes]

            result = measure(query)
            found = result.pop("out")
            floor = scipy_floor(backward, sources, demand_nodes, cutoff)
            reached = np.isfinite(floor)
            same_set = np.array_equal(reached, found < cutoff)
            gap = float(np.max(np.abs(found[reached] - floor[reached]), initial=0.0))
            result["vs_floor_max_m"] = gap if same_set else math.inf
            base = rss_bytes()
            if reset_hwm():
                query()
                result["peak"] = hwm_bytes() - base
            rows.append({"assets": label, "cutoff": cutoff, "pandana": result})
    conn.send({"rows": rows})


def run_pandana(spec: dict[str, Any], build_timeout_s: float) -> dict[str, Any]:
    context = mp.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=pandana_worker, args=(spec, child), daemon=True)
    process.start()
    child.close()
    result: dict[str, Any] = {}
    deadline = time.monotonic() + build_timeout_s + 60.0
    try:
        while True:
            phase = result.get("phase")
            wait = build_timeout_s if phase == "building" else deadline - time.monotonic()
            if not parent.poll(max(wait, 0.0)):
                if phase == "building":
                    result["error"] = (
                        f"skipped: the contraction-hierarchy build did not finish in "
                        f"{build_timeout_s:g} s (grids are a worst case for it)"
                    )
                else:
                    result["error"] = f"timed out in phase {phase!r}"
                break
            message = parent.recv()
            result.update(message)
            if "error" in message or "rows" in message:
                break
            if message.get("phase") == "built":
                deadline = time.monotonic() + 300.0
    except EOFError:
        result["error"] = f"the pandana process died (exit code {process.exitcode})"
    finally:
        if process.is_alive():
            process.terminate()
        process.join(10)
    return result


# ---------------------------------------------------------------------------------------------
# Report


def fmt_s(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1.0:
        return f"{seconds * 1e3:.3g} ms"
    return f"{seconds:.3g} s"


def fmt_mb(value: float | None) -> str:
    return "n/m" if value is None else f"{value / MB:,.1f} MB"


def cell(entry: dict[str, Any] | None) -> str:
    if entry is None:
        return "-"
    if "error" in entry:
        return str(entry["error"])
    status = entry.get("status")
    if status == "skipped":
        return f"skip: would take ~{fmt_s(entry['s'])}"
    if status == "extrapolated":
        return f"~{fmt_s(entry['s'])} ({entry['done']}/{entry['of']})"
    return f"{fmt_s(entry['s'])} x{entry['runs']}"


def ratio(numerator: dict[str, Any] | None, denominator: dict[str, Any] | None) -> float | None:
    if not numerator or not denominator or "s" not in numerator or "s" not in denominator:
        return None
    return numerator["s"] / denominator["s"] if denominator["s"] > 0 else None


def fmt_ratio(value: float | None, estimated: bool = False) -> str:
    if value is None:
        return "-"
    return f"{'~' if estimated else ''}{value:.3g}x"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(
        h.rjust(w) if i > 1 else h.ljust(w)
        for i, (h, w) in enumerate(zip(headers, widths, strict=True))
    )
    rule = "  ".join("-" * w for w in widths)
    body = [
        "  ".join(
            c.rjust(w) if i > 1 else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    return "\n".join([line, rule, *body])


COMPETITORS = (
    ("engine", "engine warm"),
    ("engine_cold", "engine cold"),
    ("floor", "scipy floor"),
    ("multi", "nx multi-source"),
    ("naive", "nx per-asset sssp"),
    ("ego", "nx per-asset ego"),
    ("pandana", "pandana"),
)


def print_instance(result: dict[str, Any], pandana: dict[str, Any]) -> None:
    build = result["build"]
    stats = build["engine_stats"]
    print()
    print(
        f"== {result['name']} ({result['mode']}): {result['nodes']:,} nodes, "
        f"{result['edges']:,} directed edges, {result['demand']:,} demand points =="
    )
    built = build.get("engine_stats_built", stats)["memory_bytes"]
    lines = [
        f"engine build {fmt_s(build['engine_s'])} (median x{build['engine_runs']}), "
        f"arrays {fmt_mb(built)} as built, {fmt_mb(stats['memory_bytes'])} once in service "
        "(engine.stats)",
    ]
    if "engine_rss" in build:
        lines.append(
            f"engine RSS growth: {fmt_mb(build['engine_rss'])} after build, "
            f"{fmt_mb(build['engine_rss_in_service'])} after the first snap "
            f"(+ snapping index); first snap of {result['demand']:,} demand points "
            f"{fmt_s(build['first_snap_s'])}, again {fmt_s(build['repeat_snap_s'])} "
            f"(index built), {fmt_s(build['cached_snap_s'])} from the engine's snap cache"
        )
    lines.append(
        f"networkx DiGraph build {fmt_s(build['nx_s'])} ({build['nx_edges']:,} edges), "
        f"RSS growth {fmt_mb(build['nx_rss'])}"
    )
    if "build_s" in pandana:
        lines.append(
            f"pandana Network (contraction hierarchies) build {fmt_s(pandana['build_s'])}, "
            f"RSS growth {fmt_mb(pandana['build_rss'])}"
        )
    elif "error" in pandana:
        lines.append(f"pandana: {pandana['error']}")
    if "engine_stats_end" in build:
        end = build["engine_stats_end"]
        lines.append(
            f"engine.stats after every query: {fmt_mb(end['memory_bytes'])} "
            f"({end['cached_asset_sets']} search graph(s) kept, with every other cache)"
        )
    for text in lines:
        print("  " + text)
    pandana_rows = {(r["assets"], r["cutoff"]): r["pandana"] for r in pandana.get("rows", [])}
    times, derived = [], []
    for row in result["rows"]:
        row["pandana"] = pandana_rows.get((row["assets"], row["cutoff"]))
        if row["pandana"] is None and "error" in pandana:
            row["pandana"] = {"error": "n/a"}
        times.append(
            [row["assets"], f"{row['cutoff']:g} m"] + [cell(row.get(key)) for key, _ in COMPETITORS]
        )
        ego_est = row["ego"].get("status") is not None
        peaks = [
            fmt_mb(row[key].get("peak")) + ("†" if key == "pandana" else "")
            if row.get(key) and "s" in row[key]
            else "-"
            for key in ("engine", "floor", "multi", "naive", "ego", "pandana")
        ]
        check = row["check"]
        derived.append(
            [
                row["assets"],
                f"{row['cutoff']:g} m",
                fmt_ratio(ratio(row["engine"], row["floor"])),
                fmt_ratio(ratio(row["multi"], row["engine"])),
                fmt_ratio(
                    ratio(row["naive"], row["engine"]), row["naive"].get("status") is not None
                ),
                fmt_ratio(ratio(row["ego"], row["engine"]), ego_est),
                fmt_ratio(ratio(row["ego"], row["engine_cold"]), ego_est),
                *peaks,
                f"{check['floor_vs_nx_max_m']:.2g} m",
                f"{row['pandana']['vs_floor_max_m']:.2g} m"
                if row.get("pandana") and "vs_floor_max_m" in row["pandana"]
                else "-",
                f"{100 * check['covered_engine']:.1f}/{100 * check['covered_floor']:.1f}",
            ]
        )
    print()
    print(table(["assets", "cutoff"] + [title for _, title in COMPETITORS], times))
    print()
    print(
        table(
            [
                "assets",
                "cutoff",
                "eng/floor",
                "multi/eng",
                "sssp/eng",
                "ego/eng",
                "ego/cold",
                "peak eng",
                "peak floor",
                "peak multi",
                "peak sssp",
                "peak ego",
                "peak pandana",
                "floor=nx",
                "floor=pandana",
                "reached % eng/floor",
            ],
            derived,
        )
    )


def machine() -> list[str]:
    import networkx
    import scipy
    import shapely

    model = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as handle:
        for line in handle:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="ascii") as handle:
        total_kb = int(handle.readline().split()[1])
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    try:
        import pandana

        pandana_version = pandana.__version__
    except Exception as exc:  # noqa: BLE001
        pandana_version = f"not importable ({type(exc).__name__}: {exc})"
    return [
        f"CPU {model}, {os.cpu_count()} logical cores ({usable} usable), "
        f"RAM {total_kb / 1024**2:.1f} GiB, {platform.system()} {platform.release()}",
        f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"networkx {networkx.__version__}, shapely {shapely.__version__}, "
        f"pandana {pandana_version}",
    ]


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg()) + " (1/5/15 min)"


def verdict(ok: bool | None) -> str:
    return "n/a " if ok is None else ("PASS" if ok else "MISS")


def summary(results: list[dict[str, Any]]) -> list[str]:
    out = []
    paris = next((r for r in results if r["spec"]["kind"] == "paris"), None)
    if paris:
        extras = paris["paris"]
        value = extras["coverage_s"] * 1e3
        out.append(
            f"{verdict(value < TARGETS['coverage_ms'])}  Paris 10e coverage query "
            f"(compute_coverage, 89 CPs, walk 500 m, engine warm): median {value:.1f} ms "
            f"of 20 (p90 {extras['coverage_p90_s'] * 1e3:.1f} ms; with the store read "
            f"{extras['coverage_api_s'] * 1e3:.1f} ms) — target < {TARGETS['coverage_ms']:g} ms"
        )
    checks = (
        ("engine_vs_floor", "engine warm within {t:g}x of raw scipy", "engine", "floor", False),
        (
            "multi_vs_engine",
            "engine >= {t:g}x faster than nx multi-source",
            "multi",
            "engine",
            True,
        ),
        (
            "ego_vs_engine",
            "engine >= {t:g}x faster than per-asset ego_graph",
            "ego",
            "engine",
            True,
        ),
    )
    for key, words, top, bottom, higher in checks:
        for result in results:
            values = []
            for row in result["rows"]:
                value = ratio(row[top], row[bottom])
                if value is not None:
                    values.append((value, row))
            if not values:
                continue
            limit = TARGETS[key]
            good = [(v >= limit) if higher else (v <= limit) for v, _ in values]
            worst, row = (min if higher else max)(values, key=lambda item: item[0])
            estimated = any(r[top].get("status") for _, r in values)
            out.append(
                f"{verdict(all(good))}  {words.format(t=limit)} on {result['name']}: "
                f"{sum(good)}/{len(good)} configurations, worst {worst:.3g}x "
                f"({row['assets']} assets, {row['cutoff']:g} m)"
                + (" [some from extrapolated runs]" if estimated else "")
            )
    grid = next((r for r in results if r["spec"].get("side") == 448), None)
    if grid:
        rows = {(r["assets"], r["cutoff"]): r for r in grid["rows"]}
        row = rows.get(("50", 500.0))
        if row:
            value = ratio(row["engine"], row["floor"])
            out.append(
                f"{verdict(value is not None and value <= TARGETS['engine_vs_floor'])}  issue "
                f"target: 200k grid, 50 assets, 500 m: engine warm {fmt_s(row['engine']['s'])} "
                f"vs raw scipy {fmt_s(row['floor']['s'])} = {fmt_ratio(value)} (cold "
                f"{fmt_s(row['engine_cold']['s'])}) — target within "
                f"{TARGETS['engine_vs_floor']:g}x"
            )
        row = rows.get(("500", 2000.0))
        if row:
            value = ratio(row["ego"], row["engine"])
            cold = ratio(row["ego"], row["engine_cold"])
            how = (
                f"extrapolated from {row['ego']['done']}/{row['ego']['of']} assets"
                if row["ego"].get("status")
                else f"all 500 assets, x{row['ego']['runs']}"
            )
            out.append(
                f"{verdict(value is not None and value >= TARGETS['ego_vs_engine'])}  issue "
                f"target: 200k grid, 500 assets, 2 km: per-asset ego_graph "
                f"{fmt_s(row['ego']['s'])} ({how}) vs engine warm {fmt_s(row['engine']['s'])} "
                f"= {fmt_ratio(value)}; vs engine cold {fmt_s(row['engine_cold']['s'])} = "
                f"{fmt_ratio(cold)} — target >= {TARGETS['ego_vs_engine']:g}x"
            )
    big = next((r for r in results if r["spec"].get("side", 0) >= 1000), None)
    if big:
        build = big["build"]
        arrays = build["engine_stats_built"]["memory_bytes"]
        limit = TARGETS["engine_1m_gb"] * 1e9
        out.append(
            f"{verdict(arrays < limit)}  1M-node engine as built: arrays {arrays / 1e9:.3f} GB "
            f"(engine.stats, {arrays / limit:.0%} of the budget), RSS growth "
            f"{build['engine_rss'] / 1e9:.3f} GB — target < {TARGETS['engine_1m_gb']:g} GB"
        )
        out.append(
            f"{verdict(build['engine_rss_in_service'] < limit)}  1M-node engine in service "
            f"(after the first snap builds the snapping index): RSS growth "
            f"{build['engine_rss_in_service'] / 1e9:.3f} GB — target < "
            f"{TARGETS['engine_1m_gb']:g} GB"
        )
        out.append(
            f"{verdict(build['engine_s'] <= TARGETS['engine_1m_build_s'])}  1M-node engine "
            f"build (from_arrays): {build['engine_s']:.2f} s, plus {build['first_snap_s']:.2f} s "
            f"at the first snap — target a few seconds (<= {TARGETS['engine_1m_build_s']:g} s)"
        )
    else:
        out.append("n/a   1M-node engine memory and build (not run: --quick)")
    if paris:
        limit = TARGETS["service_areas_s"]
        entry = paris["paris"]["areas_per_asset"]
        fresh = [entry["other_s"], *entry["other_runs_s"]]
        out.append(
            f"{verdict(max(fresh) < limit)}  Paris 10e service areas, {PARIS_SAMPLED_ASSETS} "
            f"assets at 500 m walk, one per asset, a new set of assets once the commune's "
            f"street bands are arranged: median {fmt_s(statistics.median(fresh))}, "
            f"{fmt_s(min(fresh))}–{fmt_s(max(fresh))} over {len(fresh)} sets (CPU of the "
            f"first {fmt_s(entry['other_cpu_s'])}) — target < {limit:g} s"
        )
        out.append(
            f"info  … arranging the commune's street bands, once per band width and engine: "
            f"{fmt_s(entry['arrange_s'])}; the first request pays it: cold (nothing kept) "
            f"{fmt_s(entry['cold_s'])} (CPU {fmt_s(entry['cold_cpu_s'])}, load "
            f"{entry['load']:.2f})"
        )
        out.append(
            f"{verdict(entry['s'] < limit)}  … the same request again: "
            f"{fmt_s(entry['s'])} (x{entry['runs']}, {entry['areas']} area(s), "
            f"peak {fmt_mb(entry['peak'])})"
        )
        entry = paris["paris"]["areas_dissolved"]
        out.append(
            f"{verdict(entry['cold_s'] < limit)}  Paris 10e service areas, "
            f"{PARIS_SAMPLED_ASSETS} assets at 500 m walk, dissolved, cold (nothing kept): "
            f"{fmt_s(entry['cold_s'])} (CPU {fmt_s(entry['cold_cpu_s'])}, load "
            f"{entry['load']:.2f}); again {fmt_s(entry['s'])} (x{entry['runs']}) — target "
            f"< {limit:g} s"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--quick", action="store_true", help="Paris 10e and the 200k grid, 50/500")
    group.add_argument("--full", action="store_true", help="everything (the default)")
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
        for text in machine():
            print("  " + text)
        print(f"  load average at start: {load_average()} (other processes skew the timings)")
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
