# SPDX-License-Identifier: MIT
"""The distance benchmark's instances: the arrays every competitor is given alike.

Paris 10e (the shipped commune, walk: its 89 charging points and 500 assets sampled on its
streets) and street-like grids around Paris (about 100 m blocks, a few missing, some one-way),
as node coordinates, directed edges and lengths, demand points and asset sets in both lon/lat
and Lambert-93. All randomness is seeded, so that every run measures the same instances.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from bench.harness import ROOT

MANIFEST = ROOT / "data" / "paris-10e" / "commune.json"
PARIS_CODE = "75110"
SEED = 20_240_611
BLOCK_M = 100.0
GRID_CENTRE_L93 = (652_000.0, 6_862_000.0)  # Paris, Lambert-93
GRID_DEMAND = 20_000
PARIS_SAMPLED_ASSETS = 500


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
