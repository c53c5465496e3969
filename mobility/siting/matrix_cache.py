# SPDX-License-Identifier: MIT
"""The candidates × demand rows kept between requests: a planner asks the same reach again.

The coverage matrix depends only on the commune's streets and demand (the engine and the
snapped demand), the candidates, the reach, the weight and the direction; it does not depend on
the request's count, budget, existing sites or solver. Building it is most of a siting answer on
a big city, so it is kept per engine (one per commune fingerprint and mode: a new street or
population file makes a new engine) and per (demand, candidates, reach, weight, direction), the
point sets named by their digests. Each caller gets its own copy, so a kept matrix is never
changed by what is built from it.
"""

from __future__ import annotations

import weakref

import numpy as np
import scipy.sparse as sp

from mobility.network.bounded_cache import BoundedCache
from mobility.network.csr import Weight
from mobility.network.engine import DistanceEngine
from mobility.network.engine_search import Direction
from mobility.network.snapping import SnappedPoints
from mobility.siting.matrix import coverage_matrix

KEPT_MATRICES = 8
"""Matrices kept per engine (least recently used dropped first)."""
KEPT_BYTES = 256 * 1024 * 1024
"""Beyond the newest matrix, at most this many bytes kept per engine."""

MatrixKey = tuple[str, str, float, str, str]
_KEPT: weakref.WeakKeyDictionary[DistanceEngine, BoundedCache[MatrixKey, sp.csr_matrix]] = (
    weakref.WeakKeyDictionary()
)


def _nbytes(matrix: sp.csr_matrix) -> int:
    return int(matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes)


def kept_coverage_matrix(
    engine: DistanceEngine,
    demand: SnappedPoints,
    candidates: SnappedPoints,
    *,
    cutoff: float,
    weight: Weight = "length",
    direction: Direction = "to_assets",
) -> sp.csr_matrix:
    """Return :func:`coverage_matrix` of the arguments, built once and kept for the next ask.

    A cutoff that is not a finite number is not kept: :func:`coverage_matrix` refuses it.
    """
    if not isinstance(cutoff, int | float) or not np.isfinite(float(cutoff)):
        return coverage_matrix(
            engine, demand, candidates, cutoff=cutoff, weight=weight, direction=direction
        )
    kept = _KEPT.get(engine)
    if kept is None:
        kept = _KEPT.setdefault(
            engine, BoundedCache(KEPT_MATRICES, nbytes=_nbytes, max_bytes=KEPT_BYTES)
        )
    key: MatrixKey = (demand.digest(), candidates.digest(), float(cutoff), weight, direction)
    matrix = kept.get_or_make(
        key,
        lambda: coverage_matrix(
            engine, demand, candidates, cutoff=cutoff, weight=weight, direction=direction
        ),
    )
    return matrix.copy()
