# SPDX-License-Identifier: MIT
"""Build a siting problem from a commune's streets: coverage, existing sites, spacing, weights.

Minimum spacing between new sites is measured as the straight line in Lambert-93 between the
candidates' snapped positions (where each site meets its street). A straight line is never
longer than the way along the streets, so it is the stricter reading of "at least so many metres
apart"; it is also what a planner measures on a map, and costs one k-d tree query.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from scipy.spatial import cKDTree

from mobility.demand import DemandPoints
from mobility.errors import FieldProblem, InvalidInputError
from mobility.geo import metric_transformer
from mobility.network.csr import BoolArray, FloatArray, Weight
from mobility.network.engine import DistanceEngine
from mobility.network.engine_search import Direction
from mobility.network.snapping import SnappedPoints
from mobility.siting.matrix_cache import kept_coverage_matrix
from mobility.siting.problem import SitingProblem


def network_problem(
    engine: DistanceEngine,
    demand: SnappedPoints,
    candidates: SnappedPoints,
    weights: npt.ArrayLike,
    *,
    cutoff: float,
    count: int,
    existing: SnappedPoints | None = None,
    weight: Weight = "length",
    direction: Direction = "to_assets",
    costs: npt.ArrayLike | None = None,
    budget: float | None = None,
    min_spacing_m: float | None = None,
    excluded: npt.ArrayLike | None = None,
) -> SitingProblem:
    """Return the siting problem of placing new sites among ``candidates`` on the streets.

    A demand point is covered when it lies within ``cutoff`` of a site along the streets (the
    distance of :meth:`DistanceEngine.distances`); ``existing`` sites cover points already.

    Raises
    ------
    InvalidInputError
        Naming the field at fault (see :class:`SitingProblem` and :func:`coverage_matrix`).
    """
    matrix = kept_coverage_matrix(
        engine, demand, candidates, cutoff=cutoff, weight=weight, direction=direction
    )
    before = None
    if existing is not None:
        before = covered_by(
            engine, demand, existing, cutoff=cutoff, weight=weight, direction=direction
        )
    conflicts = None
    if min_spacing_m is not None:
        x, y = metric_positions(candidates)
        conflicts = spacing_conflicts(x, y, min_spacing_m)
    return SitingProblem.build(
        matrix,
        weights,
        count=count,
        covered_before=before,
        costs=costs,
        budget=budget,
        conflicts=conflicts,
        excluded=excluded,
    )


def covered_by(
    engine: DistanceEngine,
    demand: SnappedPoints,
    sites: SnappedPoints,
    *,
    cutoff: float,
    weight: Weight = "length",
    direction: Direction = "to_assets",
) -> BoolArray:
    """Return which demand points lie within ``cutoff`` of one of the sites."""
    if sites.count == 0:
        return np.zeros(demand.count, dtype=bool)
    cost = engine.distances(demand, sites, cutoff_m=cutoff, weight=weight, direction=direction)
    return np.asarray(cost <= cutoff, dtype=bool)


def metric_positions(points: SnappedPoints) -> tuple[FloatArray, FloatArray]:
    """Lambert-93 coordinates of the points' snapped positions."""
    x, y = metric_transformer().transform(points.snapped_lon, points.snapped_lat)
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def spacing_conflicts(
    x_m: npt.ArrayLike, y_m: npt.ArrayLike, min_spacing_m: float
) -> sp.csr_matrix:
    """Return the symmetric candidates × candidates matrix of pairs closer than the spacing.

    Raises
    ------
    InvalidInputError
        On a negative or non-finite spacing (field ``min_spacing_m``).
    """
    spacing = float(min_spacing_m)
    if not (np.isfinite(spacing) and spacing >= 0):
        raise InvalidInputError(
            "min_spacing_m must be a finite number of metres >= 0",
            problems=[FieldProblem("min_spacing_m", "must be a finite number of metres >= 0")],
        )
    xy = np.column_stack([np.asarray(x_m, dtype=np.float64), np.asarray(y_m, dtype=np.float64)])
    size = len(xy)
    pairs = np.zeros((0, 2), dtype=np.int64)
    if size > 1 and spacing > 0:
        pairs = cKDTree(xy).query_pairs(spacing, output_type="ndarray").astype(np.int64)
        gap = np.hypot(*(xy[pairs[:, 0]] - xy[pairs[:, 1]]).T)
        pairs = pairs[gap < spacing]  # exactly the spacing apart is allowed
    rows = np.concatenate([pairs[:, 0], pairs[:, 1]])
    cols = np.concatenate([pairs[:, 1], pairs[:, 0]])
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=bool), (rows, cols)), shape=(size, size))
    matrix.sort_indices()
    return matrix


def demand_weights(demand: DemandPoints | None, field: str = "population") -> FloatArray:
    """Return a demand points' column as weights (``population`` or any numeric field).

    Raises
    ------
    InvalidInputError
        When the column is missing, not numeric, negative or not finite (field
        ``weight_field``).
    """
    if demand is None:
        return np.zeros(0, dtype=np.float64)
    points = demand.points
    if field not in points.columns or field == "geometry":
        raise InvalidInputError(
            f"the demand points have no column {field!r}",
            problems=[FieldProblem("weight_field", f"unknown column {field!r}")],
        )
    try:
        values: FloatArray = np.asarray(points[field].to_numpy(dtype=np.float64))
    except (TypeError, ValueError) as error:
        raise InvalidInputError(
            f"the column {field!r} is not numeric",
            problems=[FieldProblem("weight_field", "must name a numeric column")],
        ) from error
    if not np.all(np.isfinite(values)) or np.any(values < 0):
        raise InvalidInputError(
            f"the column {field!r} holds negative or missing values",
            problems=[FieldProblem("weight_field", "values must be finite and >= 0")],
        )
    return values
