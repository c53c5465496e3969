# SPDX-License-Identifier: MIT
"""Upper bounds on the best covered weight, to state how far a greedy answer may be from it.

Two bounds, both proven for any multipliers or set of sites, the smaller one is reported:

- the combinatorial bound of Nemhauser & Wolsey (:func:`greedy_bound`):
  ``f(S) + the count largest marginal gains over S``; free but often loose;
- the Lagrangian bound (:func:`lagrangian_bound`): relax ``y_g <= Σ x_i`` with multipliers
  ``λ_g`` in ``[0, w_g]``; then ``L(λ) = Σ (w_g - λ_g) + the count largest Σ_{g covered by i} λ_g``
  is an upper bound whatever ``λ``, and subgradient steps (Polyak's rule aimed at the greedy
  value) bring it close to the linear relaxation's optimum in a few hundred sparse products —
  about as tight as HiGHS's LP bound, at a small fraction of its time.

Both relax the spacing rule (a relaxation only raises the bound); with a budget the sites' part is
bounded by the smaller of the count largest and the fractional knapsack. Each subgradient step
is one compiled sparse product (``Σ λ`` per site, :attr:`CoverModel.site_rows`) and reads only
the chosen sites' rows for the subgradient; more than :data:`LAGRANGE_ITERATIONS` steps barely
tighten it (the times and gaps measured are in ``docs/performance.md``).
The best multipliers are kept for Lagrangian fixing (:func:`sites_worth_keeping`), which cuts
the exact model down to the sites that could beat the greedy answer.
"""

from __future__ import annotations

import weakref

import numpy as np

from mobility.arrays import ranges
from mobility.network.csr import BoolArray, FloatArray
from mobility.siting.kernels import row_sums
from mobility.siting.model import CoverModel
from mobility.siting.problem import SitingProblem

LAGRANGE_ITERATIONS = 300
"""Most subgradient steps."""

STALL_STEPS = 15
"""Steps without a better bound before the step size is halved."""


def lagrangian_bound(
    model: CoverModel, target_gain: float, *, iterations: int = LAGRANGE_ITERATIONS
) -> float:
    """Return an upper bound on the best gain of the model (new weight covered).

    ``target_gain`` is a known achievable gain (the greedy's); it steers the step size and
    stops the search once the bound meets it. The multipliers of the best bound are kept on
    the model (:func:`best_multipliers`) for :func:`sites_worth_keeping`.
    """
    if model.n_sites == 0 or model.n_groups == 0:
        return 0.0
    weight = model.group_weight
    by_site = model.by_site
    multiplier = 0.5 * weight
    best_multiplier = multiplier
    best = np.inf
    scale = 2.0
    stall = 0
    tolerance = 1e-9 * max(1.0, float(weight.sum()))
    site_rows = model.site_rows  # float64 ones: one compiled product per step
    for _ in range(iterations):
        score = np.asarray(site_rows @ multiplier)
        chosen, sites_part = _best_sites(model, score)
        value = float((weight - multiplier).sum()) + sites_part
        if value < best - tolerance:
            best, stall, best_multiplier = value, 0, multiplier
        else:
            stall += 1
            if stall >= STALL_STEPS:
                scale, stall = scale / 2.0, 0
        if best - target_gain <= tolerance or scale < 1e-4:
            break
        picked = np.flatnonzero(chosen)
        counts = by_site.indptr[picked + 1] - by_site.indptr[picked]
        hits = np.bincount(
            by_site.indices[ranges(by_site.indptr[picked], counts)], minlength=model.n_groups
        )
        direction = hits - (multiplier < weight)  # ∂L/∂λ_g: covered by chosen sites − y_g
        norm = float(np.square(direction).sum())  # not BLAS dot: its threads stall here
        if norm == 0:
            break
        step = scale * max(value - target_gain, tolerance) / norm
        multiplier = np.clip(multiplier - step * direction, 0.0, weight)
    _MULTIPLIERS[model] = best_multiplier
    return max(best, target_gain)


_MULTIPLIERS: weakref.WeakKeyDictionary[CoverModel, FloatArray] = weakref.WeakKeyDictionary()


def best_multipliers(model: CoverModel) -> FloatArray | None:
    """Return the multipliers of the last :func:`lagrangian_bound` run on the model, if any."""
    return _MULTIPLIERS.get(model)


def sites_worth_keeping(
    model: CoverModel, multiplier: FloatArray, incumbent_gain: float
) -> BoolArray:
    """Sites that may belong to a solution better than ``incumbent_gain`` (Lagrangian fixing).

    With any multipliers ``λ``, forcing site ``i`` into the solution bounds its gain by
    ``L_i = Σ (w_g - λ_g) + s_i + (the count - 1 largest scores of the others)``, where
    ``s = coverᵀ λ`` (count, spacing and budget relaxed to the count alone: still a bound).
    A site with ``L_i`` below the incumbent cannot be in any better solution, so the exact
    model may leave it out; the incumbent is kept as the fallback answer.
    """
    score = np.asarray(model.site_rows @ multiplier)
    n_sites = len(score)
    k = min(model.count, n_sites)
    if k == 0:
        return np.zeros(n_sites, dtype=bool)
    order = np.argsort(-score, kind="stable")
    top = float(score[order[:k]].sum())
    kth = float(score[order[k - 1]])
    base = float((model.group_weight - multiplier).sum()) + top
    forced = base - kth + score  # for sites outside the top k; the top k keep ``base``
    keep = forced >= incumbent_gain - 1e-9 * max(1.0, abs(incumbent_gain))
    keep[order[:k]] = True
    return keep


def _best_sites(model: CoverModel, score: FloatArray) -> tuple[FloatArray, float]:
    """Sites maximising the summed score under the count (the subgradient's x), and a bound.

    Without a budget the ``count`` best sites are exact. With one, the returned bound is the
    smaller of the ``count`` best and the fractional knapsack (both relaxations), and the sites
    are the knapsack's whole items.
    """
    k = min(model.count, len(score))
    top = np.argpartition(-score, k - 1)[:k] if k else np.zeros(0, dtype=np.int64)
    chosen = np.zeros(len(score), dtype=np.float64)
    bound = float(score[top].sum())
    if model.costs is None or model.budget is None:
        chosen[top] = 1.0
        return chosen, bound
    costs = model.costs
    free = costs <= 0
    ratio = np.where(free, np.inf, score / np.where(free, 1.0, costs))
    order = np.argsort(-ratio, kind="stable")
    spent = np.cumsum(costs[order])
    full = spent <= model.budget
    knapsack = float(score[order][full].sum())
    if not full.all():
        nxt = order[int(np.argmin(full))]
        room = model.budget - (float(spent[full][-1]) if full.any() else 0.0)
        knapsack += float(score[nxt]) * max(room, 0.0) / float(costs[nxt])
    chosen[order[full][:k]] = 1.0
    return chosen, min(bound, knapsack)


def greedy_bound(problem: SitingProblem, chosen: list[int]) -> float:
    """Return a proven upper bound on the best covered weight, from a set of chosen sites ``S``.

    For any ``S``, ``OPT <= f(S) + max Σ_{i in T} Δ_i(S)`` over feasible ``T``, where
    ``Δ_i(S)`` is site ``i``'s marginal gain over ``S`` (submodularity and monotonicity). The
    maximum is relaxed to the ``count`` largest gains and, with a budget, to the fractional
    knapsack of gains within the budget; spacing is ignored (a relaxation). The bound is taken
    both at ``S`` and at the empty set, and the smaller is returned.
    """
    bounds = []
    allowed = problem.allowed
    costs = None if problem.costs is None else problem.costs[allowed]
    for base in ([], chosen):
        weight = problem.open_weights()
        if base:
            weight[problem.matrix[np.asarray(base)].indices] = 0.0
        value = problem.value_before + float(problem.open_weights().sum() - weight.sum())
        gains = row_sums(problem.matrix, weight)[allowed]
        bounds.append(value + best_additions(gains, problem.count, costs, problem.budget))
    return min(bounds)


def best_additions(
    gains: FloatArray, count: int, costs: FloatArray | None, budget: float | None
) -> float:
    """Upper bound on the gain of a feasible set of sites, from their own gains.

    The ``count`` largest gains and, with a budget, the smaller of that and the fractional
    knapsack of the gains within the budget (``costs`` aligned with ``gains``).
    """
    if len(gains) == 0:
        return 0.0
    k = min(count, len(gains))
    top = float(np.sort(np.partition(gains, len(gains) - k)[len(gains) - k :]).sum())
    if costs is None or budget is None:
        return top
    free = costs <= 0
    ratio = np.where(free, np.inf, gains / np.where(free, 1.0, costs))
    order = np.argsort(-ratio, kind="stable")
    spent = np.cumsum(costs[order])
    full = spent <= budget
    knapsack = float(gains[order][full].sum())
    if not full.all():
        nxt = order[np.argmin(full)]
        room = budget - (spent[full][-1] if full.any() else 0.0)
        knapsack += float(gains[nxt]) * max(room, 0.0) / float(costs[nxt])
    return min(top, knapsack)
