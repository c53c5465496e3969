# SPDX-License-Identifier: MIT
"""Paris 10e end to end: the coverage query as the API runs it, and the service areas.

What a commune's user waits for, on the shipped commune (walk, 500 m): the coverage of its 89
charging points (engine warm, with and without the store read), and the service areas of 500
assets, cold (nothing kept), for a new set of assets once the street bands are arranged (the
case the cache is for), and the same request again; one per asset and dissolved.
"""

from __future__ import annotations

import os
import statistics
import time
from functools import partial
from typing import Any

import numpy as np

from bench.coverage_instances import PARIS_CODE, SEED, resample
from bench.harness import MAX_RUNS, TRACE_LIMIT_S, log, measure, timed, traced_peak


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
