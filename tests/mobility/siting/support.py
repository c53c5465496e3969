# SPDX-License-Identifier: MIT
"""Synthetic street grids and random siting instances shared by the siting tests and benchmark."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import scipy.sparse as sp

from mobility.geo import wire_transformer
from mobility.network.engine import DistanceEngine
from mobility.network.snapping import SnappedPoints
from mobility.siting.problem import SitingProblem

ORIGIN_X, ORIGIN_Y = 652_000.0, 6_862_000.0  # Lambert-93, central Paris


def grid_engine(
    side: int, spacing_m: float = 100.0, *, one_way_share: float = 0.0, seed: int = 0
) -> DistanceEngine:
    """A ``side`` × ``side`` street grid (two-way streets, some one-way), built from arrays."""
    rng = np.random.default_rng(seed)
    col, row = np.meshgrid(np.arange(side), np.arange(side))
    x = ORIGIN_X + col.ravel() * spacing_m
    y = ORIGIN_Y + row.ravel() * spacing_m
    lon, lat = wire_transformer().transform(x, y)
    node = np.arange(side * side).reshape(side, side)
    pairs = np.concatenate(
        [
            np.column_stack([node[:, :-1].ravel(), node[:, 1:].ravel()]),
            np.column_stack([node[:-1, :].ravel(), node[1:, :].ravel()]),
        ]
    )
    one_way = rng.random(len(pairs)) < one_way_share
    flip = rng.random(len(pairs)) < 0.5
    tails = np.where(flip, pairs[:, 1], pairs[:, 0])
    heads = np.where(flip, pairs[:, 0], pairs[:, 1])
    u = np.concatenate([tails, heads[~one_way]])
    v = np.concatenate([heads, tails[~one_way]])
    length = np.full(len(u), spacing_m)
    return DistanceEngine.from_arrays(lon, lat, u, v, length, 30.0, mode="drive")


def random_points(
    engine: DistanceEngine, count: int, *, seed: int, margin_m: float = 30.0
) -> SnappedPoints:
    """Snap ``count`` uniform random points over the engine's extent (plus a margin)."""
    rng = np.random.default_rng(seed)
    edges = engine.edges
    x = rng.uniform(edges.node_x_m.min() - margin_m, edges.node_x_m.max() + margin_m, count)
    y = rng.uniform(edges.node_y_m.min() - margin_m, edges.node_y_m.max() + margin_m, count)
    lon, lat = wire_transformer().transform(x, y)
    return engine.snap(lon, lat)


def random_problem(
    rng: np.random.Generator,
    *,
    candidates: int,
    demand: int,
    count: int,
    density: float = 0.3,
    existing: bool = False,
    budget: bool = False,
    spacing: bool = False,
    excluded: bool = False,
) -> SitingProblem:
    """A small random instance (no network) for comparing solvers with brute force."""
    matrix = sp.csr_matrix((rng.random((candidates, demand)) < density).astype(np.uint8))
    weights = rng.integers(0, 20, demand).astype(np.float64)
    covered = rng.random(demand) < 0.3 if existing else None
    costs = rng.integers(1, 6, candidates).astype(np.float64) if budget else None
    limit = (
        float(rng.integers(int(costs.max()), int(costs.sum()) + 1)) if costs is not None else None
    )
    conflicts = None
    if spacing:
        pairs = [p for p in combinations(range(candidates), 2) if rng.random() < 0.2]
        conflicts = pairs
    banned = None
    if excluded and candidates > 1:
        banned = np.zeros(candidates, dtype=bool)
        banned[rng.integers(0, candidates)] = True
    left = candidates - (int(banned.sum()) if banned is not None else 0)
    return SitingProblem.build(
        matrix,
        weights,
        count=min(count, left),
        covered_before=covered,
        costs=costs,
        budget=limit,
        conflicts=conflicts,
        excluded=banned,
    )


def brute_force(problem: SitingProblem) -> float:
    """Best covered weight (existing coverage included) over every feasible set of sites."""
    allowed = [i for i in range(problem.n_candidates) if not problem.excluded[i]]
    dense = problem.matrix.toarray().astype(bool)
    conflicts = problem.conflict_pairs()
    clash = {(int(a), int(b)) for a, b in conflicts} | {(int(b), int(a)) for a, b in conflicts}
    best = problem.value_before
    for size in range(1, problem.count + 1):
        for subset in combinations(allowed, size):
            if problem.costs is not None and problem.budget is not None:
                if problem.costs[list(subset)].sum() > problem.budget + 1e-9:
                    continue
            if any((a, b) in clash for a, b in combinations(subset, 2)):
                continue
            covered = problem.covered_before | dense[list(subset)].any(axis=0)
            best = max(best, float(problem.weights[covered].sum()))
    return best
