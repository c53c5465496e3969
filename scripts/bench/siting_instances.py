# SPDX-License-Identifier: MIT
"""The siting benchmark's instances: a street network with demand, candidates and existing sites.

Paris 10e (walk, 300 m, every street crossing a candidate, its charging points as the existing
sites) and synthetic street grids (random demand points with gamma weights, random candidates
and existing sites). All randomness is seeded, so that every run solves the same problems.
"""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path
from typing import Any

import numpy as np


@dataclasses.dataclass
class Instance:
    """A named street network with its snapped demand, candidates and existing sites."""

    name: str
    engine: Any
    demand: Any
    candidates: Any
    existing: Any
    weights: np.ndarray
    cutoffs: tuple[float, ...]
    weight: str = "length"


def grid_instance(side: int, n_demand: int, n_candidates: int, n_existing: int) -> Instance:
    from tests.mobility.siting.support import grid_engine, random_points

    engine = grid_engine(side)
    return Instance(
        name=f"grid {n_candidates:,} x {n_demand:,}",
        engine=engine,
        demand=random_points(engine, n_demand, seed=1),
        candidates=random_points(engine, n_candidates, seed=2),
        existing=random_points(engine, n_existing, seed=3),
        weights=np.random.default_rng(4).gamma(2.0, 20.0, n_demand),
        cutoffs=(500.0, 1_000.0),
    )


def paris_instance() -> Instance:
    from mobility.assets import Layer
    from mobility.coverage.context import ContextCache
    from mobility.geo import wire_transformer
    from mobility.manifest import load_manifest
    from mobility.siting import demand_weights
    from mobility.store import AssetQuery, open_store
    from tests.support.paths import SAMPLE_MANIFEST

    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'paris.sqlite'}")
        try:
            load_manifest(store, SAMPLE_MANIFEST)
            context = ContextCache().get(store, "75110")
            existing = store.query_assets(
                AssetQuery(layer=Layer.CHARGING_POINTS, commune="75110", limit=10_000)
            ).assets
        finally:
            store.close()
    engine = context.engine("walk")
    lon, lat = wire_transformer().transform(engine.edges.node_x_m, engine.edges.node_y_m)
    return Instance(
        name="Paris 10e walk",
        engine=engine,
        demand=context.snapped_demand("walk"),
        candidates=engine.snap(lon, lat),
        existing=engine.snap([a.lon for a in existing], [a.lat for a in existing]),
        weights=demand_weights(context.demand),
        cutoffs=(300.0,),
    )


def build_problem(instance: Instance, cutoff: float, count: int) -> Any:
    from mobility.siting import network_problem

    return network_problem(
        instance.engine,
        instance.demand,
        instance.candidates,
        instance.weights,
        cutoff=cutoff,
        count=count,
        existing=instance.existing,
    )
