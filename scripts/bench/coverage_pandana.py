# SPDX-License-Identifier: MIT
"""pandana (contraction hierarchies), in a process of its own, on the same instances.

Its own process because its build can be cut short (grids are a worst case for contraction
hierarchies) and its C++ progress output must be silenced; its answers are checked against
scipy's Dijkstra on the same graph, and its memory is the growth of the process's peak RSS.
"""

from __future__ import annotations

import gc
import math
import multiprocessing as mp
import os
import time
import warnings
from functools import partial
from typing import Any

import numpy as np

from bench.coverage_competitors import scipy_floor
from bench.coverage_instances import grid_instance, nearest_nodes, paris_setup
from bench.harness import hwm_bytes, measure, reset_hwm, rss_bytes, timed


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
        _store, context, _, _, instance = paris_setup(spec["store_url"])
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
