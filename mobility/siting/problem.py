# SPDX-License-Identifier: MIT
"""A siting question and its answer: where the next sites go, given what already stands.

The question is the maximal covering location problem (MCLP) for expansion planning: choose at
most ``count`` new sites among candidates (and, with ``costs``, within a ``budget``) so that the
weight of demand points within reach of a site — existing sites included — is largest. A point
the existing sites already cover counts once and adds nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

from mobility.errors import FieldProblem, InvalidInputError
from mobility.network.csr import BoolArray, FloatArray, IntArray
from mobility.siting.solution import Pick, SitingSolution, relative_gap

__all__ = ["MAX_COUNT", "Pick", "SitingProblem", "SitingSolution", "relative_gap"]

MAX_COUNT = 1_000
"""Most new sites one question may ask for."""


@dataclass(frozen=True, eq=False)
class SitingProblem:
    """Everything a solver needs, as arrays; :meth:`build` fills defaults (validated either way).

    Attributes
    ----------
    matrix
        Candidates × demand, CSR; a nonzero entry means the candidate covers the point.
    weights
        Weight of each demand point (population, or any custom field), finite and >= 0.
    covered_before
        Demand points the existing sites already cover.
    count
        Most new sites to choose (1..:data:`MAX_COUNT`, and no more than the candidates left).
    excluded
        Candidates that may not be chosen.
    costs, budget
        Cost of each candidate and the money available: ``sum(costs[picks]) <= budget``.
    conflicts
        Candidates × candidates, symmetric: pairs too close to be chosen together (see
        :func:`mobility.siting.instance.spacing_conflicts`).
    """

    matrix: sp.csr_matrix
    weights: FloatArray
    covered_before: BoolArray
    count: int
    excluded: BoolArray
    costs: FloatArray | None = None
    budget: float | None = None
    conflicts: sp.csr_matrix | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "matrix", _binary(self.matrix))
        problems = _problems(self)
        if problems:
            fields = ", ".join(dict.fromkeys(problem.field for problem in problems))
            raise InvalidInputError(
                f"the siting problem is not valid ({fields})", problems=problems
            )

    @classmethod
    def build(
        cls,
        matrix: sp.spmatrix | sp.sparray | npt.ArrayLike,
        weights: npt.ArrayLike,
        *,
        count: int,
        covered_before: npt.ArrayLike | None = None,
        costs: npt.ArrayLike | None = None,
        budget: float | None = None,
        conflicts: sp.spmatrix | sp.sparray | Iterable[tuple[int, int]] | None = None,
        excluded: npt.ArrayLike | None = None,
    ) -> SitingProblem:
        """Normalise the inputs (defaults, dtypes, symmetric conflicts) and validate them.

        ``conflicts`` may be a candidates × candidates matrix or (a, b) pairs; ``excluded`` a
        boolean mask or candidate indexes.

        Raises
        ------
        InvalidInputError
            Naming every field at fault.
        """
        coverage = _binary(matrix)
        n_candidates, n_demand = coverage.shape
        return cls(
            matrix=coverage,
            weights=np.asarray(weights, dtype=np.float64).ravel(),
            covered_before=(
                np.zeros(n_demand, dtype=bool)
                if covered_before is None
                else np.asarray(covered_before, dtype=bool).ravel()
            ),
            count=_as_count(count),
            excluded=_mask(excluded, n_candidates),
            costs=None if costs is None else np.asarray(costs, dtype=np.float64).ravel(),
            budget=None if budget is None else float(budget),
            conflicts=None if conflicts is None else _symmetric(conflicts, n_candidates),
        )

    @property
    def n_candidates(self) -> int:
        """Number of candidate sites."""
        return int(self.matrix.shape[0])

    @property
    def n_demand(self) -> int:
        """Number of demand points."""
        return int(self.matrix.shape[1])

    @cached_property
    def value_before(self) -> float:
        """Weight the existing sites already cover (counted once: the solvers read it often)."""
        return float(self.weights[self.covered_before].sum())

    @property
    def allowed(self) -> BoolArray:
        """Candidates that may be chosen: not excluded and, with a budget, affordable alone."""
        allowed = ~self.excluded
        if self.costs is not None and self.budget is not None:
            allowed &= self.costs <= self.budget
        return allowed

    def open_weights(self) -> FloatArray:
        """Weights with the points covered before set to zero (what a new site can gain)."""
        return np.where(self.covered_before, 0.0, self.weights)

    def conflict_pairs(self) -> IntArray:
        """Return the conflicting pairs (a < b) as a k × 2 array."""
        if self.conflicts is None:
            return np.zeros((0, 2), dtype=np.int64)
        upper = sp.triu(self.conflicts, k=1).tocoo()
        return np.column_stack([upper.row, upper.col]).astype(np.int64)

    def covered_weight(self, picks: Iterable[int]) -> float:
        """Weight covered by the existing sites plus the given candidates."""
        chosen = np.asarray(list(picks), dtype=np.int64)
        covered = self.covered_before.copy()
        rows = self.matrix.shape[0]
        if len(chosen) and (chosen.min() < -rows or chosen.max() >= rows):
            raise IndexError("candidate index out of range")
        chosen = np.where(chosen < 0, chosen + rows, chosen)  # as scipy's row indexing
        indptr, indices = self.matrix.indptr, self.matrix.indices
        for site in chosen.tolist():  # row slices: scipy's fancy row indexing costs more
            covered[indices[indptr[site] : indptr[site + 1]]] = True
        return float(self.weights[covered].sum())


def _binary(matrix: sp.spmatrix | sp.sparray | npt.ArrayLike) -> sp.csr_matrix:
    """Return the matrix as CSR ones (uint8) where it is nonzero, column indexes sorted."""
    coverage = sp.csr_matrix(matrix)
    coverage.eliminate_zeros()
    coverage.sort_indices()
    return sp.csr_matrix(
        (np.ones(coverage.nnz, dtype=np.uint8), coverage.indices, coverage.indptr),
        shape=coverage.shape,
    )


def _as_count(count: Any) -> int:
    if isinstance(count, bool) or not isinstance(count, int | np.integer):
        return -1  # reported by the validation, which names the field
    return int(count)


def _mask(values: npt.ArrayLike | None, size: int) -> BoolArray:
    if values is None:
        return np.zeros(size, dtype=bool)
    array = np.asarray(values)
    if array.dtype == bool:
        return array.ravel()
    mask = np.zeros(size, dtype=bool)
    index = array.astype(np.int64).ravel()
    mask[index[(index >= 0) & (index < size)]] = True
    if np.any((index < 0) | (index >= size)):
        return np.zeros(size + 1, dtype=bool)  # wrong size: reported as an invalid field
    return mask


def _symmetric(
    conflicts: sp.spmatrix | sp.sparray | Iterable[tuple[int, int]], size: int
) -> sp.csr_matrix:
    if sp.issparse(conflicts):
        matrix = sp.csr_matrix(conflicts, dtype=bool)
        if matrix.shape != (size, size):
            return sp.csr_matrix((size + 1, size + 1), dtype=bool)  # reported as invalid
    else:
        pairs = np.asarray(list(conflicts), dtype=np.int64).reshape(-1, 2)
        if len(pairs) and (pairs.min() < 0 or pairs.max() >= size):
            return sp.csr_matrix((size + 1, size + 1), dtype=bool)  # reported as invalid
        ones = np.ones(len(pairs), dtype=bool)
        matrix = sp.csr_matrix((ones, (pairs[:, 0], pairs[:, 1])), shape=(size, size))
    matrix = sp.csr_matrix(matrix + matrix.T, dtype=bool)
    matrix.setdiag(False)
    matrix.eliminate_zeros()
    matrix.sort_indices()
    return matrix


def _problems(problem: SitingProblem) -> list[FieldProblem]:
    """Return every reason the problem is invalid (empty when it is fine)."""
    n_candidates, n_demand = problem.matrix.shape
    found: list[FieldProblem] = []
    if n_candidates < 1:
        found.append(FieldProblem("candidates", "give at least one candidate site"))
    if problem.weights.shape != (n_demand,):
        found.append(FieldProblem("weights", f"must hold one value per demand point ({n_demand})"))
    elif not np.all(np.isfinite(problem.weights)) or np.any(problem.weights < 0):
        found.append(FieldProblem("weights", "must be finite and >= 0 (no negative weight)"))
    if problem.covered_before.shape != (n_demand,):
        found.append(FieldProblem("covered_before", "must hold one flag per demand point"))
    if n_candidates < 1:
        pass  # nothing to exclude or count
    elif problem.excluded.shape != (n_candidates,):
        found.append(FieldProblem("excluded", "must be candidate indexes or one flag each"))
    elif n_candidates and problem.excluded.all():
        found.append(FieldProblem("excluded", "no candidate site is left after the exclusions"))
    else:
        left = int((~problem.excluded).sum())
        if not 1 <= problem.count <= min(left, MAX_COUNT):
            found.append(
                FieldProblem(
                    "count", f"must be an integer in [1, {min(left, MAX_COUNT)}] ({left} left)"
                )
            )
    found += _money_problems(problem, n_candidates)
    if problem.conflicts is not None and problem.conflicts.shape != (n_candidates, n_candidates):
        found.append(FieldProblem("conflicts", "must pair candidate indexes"))
    return found


def _money_problems(problem: SitingProblem, n_candidates: int) -> list[FieldProblem]:
    costs, budget = problem.costs, problem.budget
    if costs is None:
        if budget is None:
            return []
        return [FieldProblem("costs", "a budget needs a cost per candidate")]
    if costs.shape != (n_candidates,):
        return [FieldProblem("costs", f"must hold one cost per candidate ({n_candidates})")]
    if not np.all(np.isfinite(costs)) or np.any(costs < 0):
        return [FieldProblem("costs", "must be finite and >= 0")]
    if budget is None:
        return [FieldProblem("budget", "costs need a budget")]
    if not np.isfinite(budget) or budget < 0:
        return [FieldProblem("budget", "must be a finite amount >= 0")]
    usable = costs[~problem.excluded] if problem.excluded.shape == costs.shape else costs
    if len(usable) and budget < usable.min():
        return [FieldProblem("budget", f"is below every candidate's cost ({usable.min():g})")]
    return []
