# SPDX-License-Identifier: MIT
"""One instance of the distance benchmark, run in a fresh process: builds, queries, checks.

A fresh interpreter per instance (``spawn``), so that its memory figures start from a clean
process: the engine's build (and, on grids, its resident set growth and snapping), networkx's
graph build, then every asset set at every cutoff against every competitor, with the floor
checked against networkx (the same distances) and the share of demand each reaches.
"""

from __future__ import annotations

import gc
import math
import statistics
import warnings
from functools import partial
from typing import Any

import numpy as np

from bench.coverage_competitors import (
    build_nx,
    capped,
    engine_cold,
    engine_query,
    naive_dijkstra,
    naive_ego,
    nx_multi,
    scipy_floor,
)
from bench.coverage_instances import grid_instance, nearest_nodes, paris_setup
from bench.coverage_paris import paris_extras
from bench.harness import hwm_bytes, log, measure, rss_bytes, timed, with_peak


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
