# SPDX-License-Identifier: MIT
"""The siting problem as a compact mixed-integer model, shared by the exact backends.

Maximise ``Σ w_g y_g`` subject to ``y_g <= Σ_{i covers g} x_i`` for every open demand group,
``Σ x_i <= count``, ``Σ c_i x_i <= budget``, ``x_a + x_b <= 1`` for every conflicting pair,
``x`` binary and ``y`` in [0, 1] (continuous: with binary ``x`` an optimal ``y`` is 0 or 1).

Before modelling, what cannot change the answer is removed: demand already covered, of zero
weight, or that no allowed candidate reaches; candidates excluded, unaffordable alone, or that
cover no open demand. Demand points covered by exactly the same candidates are merged into one
group carrying their summed weight (on a street grid that divides the rows by several times).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from mobility.arrays import ranges
from mobility.network.csr import BoolArray, FloatArray, IntArray
from mobility.siting.kernels import transpose_ones
from mobility.siting.problem import SitingProblem

COST_SLACK = 1e-9
"""Relative slack on the budget, so that costs summing to it exactly still fit."""


@dataclass(frozen=True, eq=False)
class CoverModel:
    """The reduced model: ``sites`` (candidate of each x) and demand groups (each y).

    ``cover`` is groups × sites (ones); ``conflicts`` are pairs of site positions.
    """

    sites: IntArray
    group_weight: FloatArray
    cover: sp.csr_matrix
    count: int
    costs: FloatArray | None
    budget: float | None
    conflicts: IntArray

    @property
    def n_sites(self) -> int:
        """Number of x variables."""
        return len(self.sites)

    @property
    def n_groups(self) -> int:
        """Number of y variables."""
        return len(self.group_weight)

    @property
    def size(self) -> int:
        """Nonzeros of the constraint matrix: what the solvers' work grows with."""
        return int(self.cover.nnz + self.n_groups + 2 * self.n_sites + 2 * len(self.conflicts))

    @cached_property
    def by_site(self) -> sp.csr_matrix:
        """``cover`` transposed: sites × groups, float64 ones, the rows the greedy scans.

        Built by :func:`build_model` with the model, since every solver reads it; one compiled
        transpose (:func:`~mobility.siting.kernels.transpose_ones`).
        """
        return transpose_ones(self.cover)

    @property
    def site_rows(self) -> sp.csr_matrix:
        """``by_site`` (float64 ones), for ``site_rows @ values``: one compiled pass.

        A uint8 matrix would be converted at every product; a gather and ``reduceat`` takes
        several passes.
        """
        return self.by_site

    @cached_property
    def cover_weights(self) -> FloatArray:
        """Per entry of ``cover``, its group's weight (for :func:`.kernels.gather_rows`)."""
        return np.repeat(self.group_weight, np.diff(self.cover.indptr))

    @cached_property
    def conflict_matrix(self) -> sp.csr_matrix | None:
        """Sites × sites, symmetric: the conflicting pairs as a matrix (``None`` without)."""
        if len(self.conflicts) == 0:
            return None
        a, b = self.conflicts[:, 0], self.conflicts[:, 1]
        ones = np.ones(2 * len(a), dtype=bool)
        shape = (self.n_sites, self.n_sites)
        matrix = sp.csr_matrix((ones, (np.r_[a, b], np.r_[b, a])), shape=shape)
        matrix.sort_indices()
        return matrix

    def linear_system(self) -> tuple[FloatArray, sp.csr_matrix, FloatArray]:
        """Return ``(c, A, upper)`` for ``min c·z`` s.t. ``A z <= upper``, ``z = (x, y)``."""
        n_sites, n_groups = self.n_sites, self.n_groups
        blocks: list[sp.csr_matrix] = [
            sp.hstack(
                [-self.cover.astype(np.float64), sp.identity(n_groups, format="csr")], format="csr"
            ),
            sp.csr_matrix(np.concatenate([np.ones(n_sites), np.zeros(n_groups)]).reshape(1, -1)),
        ]
        upper = [np.zeros(n_groups), np.array([float(self.count)])]
        if self.costs is not None and self.budget is not None:
            row = np.concatenate([self.costs, np.zeros(n_groups)]).reshape(1, -1)
            blocks.append(sp.csr_matrix(row))
            upper.append(np.array([self.budget]))
        if len(self.conflicts):
            pairs = len(self.conflicts)
            rows = np.repeat(np.arange(pairs), 2)
            blocks.append(
                sp.csr_matrix(
                    (np.ones(2 * pairs), (rows, self.conflicts.ravel())),
                    shape=(pairs, n_sites + n_groups),
                )
            )
            upper.append(np.ones(pairs))
        objective = np.concatenate([np.zeros(n_sites), -self.group_weight])
        return objective, sp.vstack(blocks, format="csr"), np.concatenate(upper)


def build_model(problem: SitingProblem) -> CoverModel:
    """Reduce a siting problem to its :class:`CoverModel` (built once per problem, then cached).

    Vectorised: one CSR → CSC conversion of the allowed rows, a 64-bit set hash per demand column
    (the sum of random keys of the sites covering it, with its degree), grouping by hash with an
    exact check of every column against its group's first one (a hash collision, never seen,
    falls back to grouping by the columns' bytes), then the sites' rows (:attr:`CoverModel.by_site`,
    one more compiled transpose). The problem's arrays are read as immutable.
    """
    cached = _MODELS.get(problem)
    if cached is None:
        cached = _build_model(problem)
        _ = cached.by_site  # built with the model: every solver reads the sites' rows
        _MODELS[problem] = cached
    return cached


_MODELS: weakref.WeakKeyDictionary[SitingProblem, CoverModel] = weakref.WeakKeyDictionary()

_SITE_KEYS = np.random.default_rng(20_240_605).integers(
    0, np.iinfo(np.uint64).max, size=4_096, dtype=np.uint64, endpoint=True
)
"""Random 64-bit keys of the sites (cycled with an odd multiplier beyond 4,096 sites)."""


def _build_model(problem: SitingProblem) -> CoverModel:
    allowed = np.flatnonzero(problem.allowed)
    open_weight = problem.open_weights()
    matrix = problem.matrix
    sub = matrix if len(allowed) == problem.n_candidates else matrix[allowed]
    by_demand = sp.csr_matrix(sub.T)  # open demand × allowed sites, indices sorted
    degree = np.diff(by_demand.indptr)
    columns = np.flatnonzero((degree > 0) & (open_weight > 0))
    by_demand = _take_rows(by_demand, columns)
    group_of, representative = _group_rows(by_demand)
    group_weight = np.bincount(
        group_of, weights=open_weight[columns], minlength=len(representative)
    )
    cover = _take_rows(by_demand, representative)  # groups × allowed sites
    used = np.zeros(len(allowed), dtype=bool)
    used[cover.indices] = True
    position = np.cumsum(used) - 1
    sites = allowed[used]
    cover = sp.csr_matrix(
        (cover.data, position[cover.indices].astype(cover.indices.dtype), cover.indptr),
        shape=(len(representative), len(sites)),
    )
    return CoverModel(
        sites=sites.astype(np.int64),
        group_weight=np.asarray(group_weight, dtype=np.float64),
        cover=cover,
        count=min(problem.count, len(sites)) if len(sites) else 0,
        costs=None if problem.costs is None else problem.costs[sites],
        budget=problem.budget,
        conflicts=_site_conflicts(problem, sites),
    )


def restrict(model: CoverModel, keep: BoolArray) -> CoverModel:
    """Keep only the given sites: drop the groups they cannot reach, merge groups again.

    Used after Lagrangian fixing (:func:`mobility.siting.bounds.sites_worth_keeping`): a site
    left out is one no solution better than the incumbent contains.
    """
    kept = np.flatnonzero(keep)
    if len(kept) == model.n_sites:
        return model
    position = np.full(model.n_sites, -1, dtype=np.int64)
    position[kept] = np.arange(len(kept))
    cover = model.cover
    mapped = position[cover.indices]
    inside = mapped >= 0
    per_row = np.bincount(
        np.repeat(np.arange(model.n_groups), np.diff(cover.indptr)),
        weights=inside,
        minlength=model.n_groups,
    ).astype(np.int64)
    indptr = np.zeros(model.n_groups + 1, dtype=np.int64)
    np.cumsum(per_row, out=indptr[1:])
    reduced = sp.csr_matrix(
        (cover.data[inside], mapped[inside].astype(cover.indices.dtype), indptr),
        shape=(model.n_groups, len(kept)),
    )
    rows = np.flatnonzero(per_row > 0)
    reduced = _take_rows(reduced, rows)
    group_of, representative = _group_rows(reduced)
    group_weight = np.bincount(
        group_of, weights=model.group_weight[rows], minlength=len(representative)
    )
    pairs = position[model.conflicts] if len(model.conflicts) else model.conflicts
    return CoverModel(
        sites=model.sites[kept],
        group_weight=np.asarray(group_weight, dtype=np.float64),
        cover=_take_rows(reduced, representative),
        count=min(model.count, len(kept)),
        costs=None if model.costs is None else model.costs[kept],
        budget=model.budget,
        conflicts=pairs[(pairs >= 0).all(axis=1)] if len(pairs) else pairs,
    )


def _take_rows(matrix: sp.csr_matrix, rows: IntArray) -> sp.csr_matrix:
    """Rows of a CSR matrix (indices stay sorted), without scipy's general fancy indexing."""
    indptr = matrix.indptr
    counts = indptr[rows + 1] - indptr[rows]
    items = ranges(indptr[rows], counts)
    new_indptr = np.zeros(len(rows) + 1, dtype=np.int64)
    np.cumsum(counts, out=new_indptr[1:])
    return sp.csr_matrix(
        (matrix.data[items], matrix.indices[items], new_indptr),
        shape=(len(rows), matrix.shape[1]),
    )


def _group_rows(matrix: sp.csr_matrix) -> tuple[IntArray, IntArray]:
    """Group identical rows (non-empty, sorted indices): each row's group, one row per group.

    Groups are numbered in the order of their first row, as the row-by-row loop would.
    """
    n_rows = matrix.shape[0]
    if n_rows == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    if np.any(np.diff(matrix.indptr) == 0):
        return _group_rows_exactly(matrix)
    hashed = _row_hashes(matrix)
    _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty(len(first), dtype=np.int64)
    rank[order] = np.arange(len(first))
    group_of = rank[inverse.ravel()]
    representative = first[order].astype(np.int64)
    if not _same_rows(matrix, representative[group_of]):
        return _group_rows_exactly(matrix)
    return group_of, representative


def _row_hashes(matrix: sp.csr_matrix) -> npt.NDArray[np.uint64]:
    """Hash each non-empty row's set of columns to 64 bits (wrapping sums of random keys)."""
    indptr, indices = matrix.indptr, matrix.indices.astype(np.int64)
    keys = _SITE_KEYS[indices % len(_SITE_KEYS)] * (
        (indices // len(_SITE_KEYS)).astype(np.uint64) * np.uint64(2) + np.uint64(1)
    )
    keys = keys ^ (indices.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15))
    hashed: npt.NDArray[np.uint64] = np.add.reduceat(keys, indptr[:-1])
    hashed += np.diff(indptr).astype(np.uint64) * np.uint64(0xC2B2AE3D27D4EB4F)
    return hashed


def _same_rows(matrix: sp.csr_matrix, other: IntArray) -> bool:
    """Whether every row ``r`` equals row ``other[r]`` (same indices)."""
    indptr, indices = matrix.indptr, matrix.indices
    degree = np.diff(indptr)
    if not np.array_equal(degree, degree[other]):
        return False
    items = ranges(indptr[other], degree)
    return bool(np.array_equal(indices[items], indices))


def _group_rows_exactly(matrix: sp.csr_matrix) -> tuple[IntArray, IntArray]:
    """Group identical rows by their bytes (the slow, obviously right way)."""
    indptr, indices = matrix.indptr, matrix.indices.astype(np.int64)
    groups: dict[bytes, int] = {}
    group_of = np.empty(matrix.shape[0], dtype=np.int64)
    representative: list[int] = []
    for row in range(matrix.shape[0]):
        key = indices[indptr[row] : indptr[row + 1]].tobytes()
        group = groups.setdefault(key, len(representative))
        if group == len(representative):
            representative.append(row)
        group_of[row] = group
    return group_of, np.asarray(representative, dtype=np.int64)


def _site_conflicts(problem: SitingProblem, sites: IntArray) -> IntArray:
    """Conflicting pairs among the modelled sites, as positions in ``sites``."""
    pairs = problem.conflict_pairs()
    if len(pairs) == 0:
        return np.zeros((0, 2), dtype=np.int64)
    position = np.full(problem.n_candidates, -1, dtype=np.int64)
    position[sites] = np.arange(len(sites))
    mapped = position[pairs]
    return mapped[(mapped >= 0).all(axis=1)]
