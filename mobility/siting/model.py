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

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mobility.network.csr import FloatArray, IntArray
from mobility.siting.problem import SitingProblem


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
    """Reduce a siting problem to its :class:`CoverModel`."""
    allowed = np.flatnonzero(problem.allowed)
    open_weight = problem.open_weights()
    sub = problem.matrix[allowed]
    reached = np.bincount(sub.indices, minlength=problem.n_demand) > 0
    columns = np.flatnonzero(reached & (open_weight > 0))
    sub = sub[:, columns]
    useful = np.diff(sub.indptr) > 0
    sites = allowed[useful]
    cover_t = sp.csc_matrix(sub[useful])  # sites × open demand, by column
    group_of, representative = _group_columns(cover_t)
    group_weight = np.bincount(
        group_of, weights=open_weight[columns], minlength=len(representative)
    )
    cover = sp.csr_matrix(cover_t[:, representative].T)
    cover.sort_indices()
    return CoverModel(
        sites=sites.astype(np.int64),
        group_weight=np.asarray(group_weight, dtype=np.float64),
        cover=cover,
        count=min(problem.count, len(sites)) if len(sites) else 0,
        costs=None if problem.costs is None else problem.costs[sites],
        budget=problem.budget,
        conflicts=_site_conflicts(problem, sites),
    )


def _group_columns(matrix: sp.csc_matrix) -> tuple[IntArray, IntArray]:
    """Group identical columns: the group of every column and one column per group."""
    matrix.sort_indices()
    indptr, indices = matrix.indptr, matrix.indices.astype(np.int32)
    groups: dict[bytes, int] = {}
    group_of = np.empty(matrix.shape[1], dtype=np.int64)
    representative: list[int] = []
    for column in range(matrix.shape[1]):
        key = indices[indptr[column] : indptr[column + 1]].tobytes()
        group = groups.setdefault(key, len(representative))
        if group == len(representative):
            representative.append(column)
        group_of[column] = group
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
