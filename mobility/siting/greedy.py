# SPDX-License-Identifier: MIT
"""Greedy siting: add the site that covers the most new weight, again and again, then swap.

The greedy runs on the reduced model (:func:`mobility.siting.model.build_model`: open demand
only, demand points reached by the same sites merged into weighted groups; vectorised, and
built once per problem). Every site's marginal gain is kept exact: after a pick, the weight of
the groups it newly covers is subtracted from the gains of the sites covering them, reading
only those groups' rows (CSR both ways, one compiled gather and one compiled scatter:
:class:`~mobility.siting.kernels.RowScatter`), so a pick costs the new groups' degrees plus one
vectorised pass over the sites (in the plain case one ``argmax`` over gains kept at ``-inf``
for closed sites). That is the choice of the plain greedy and of the lazy greedy (CELF,
Leskovec et al. 2007, a heap of stale gains), without the heap, whose recounts pile up where
the sites overlap. The few chosen sites are then ranked (:mod:`mobility.siting.ranking`).

Then best-improvement single swaps (:func:`mobility.siting.swaps.improve_by_swaps`: one chosen
site out, another in, while it gains, at most :data:`SWAP_ROUNDS` and at most :data:`SWAP_WORK`
table cells) remove most of the greedy's shortfall where the cutoff is wide. The swaps are
skipped when the greedy's own online bound (:class:`GreedyRun`, free) already proves the answer
within :data:`SWAP_TARGET_GAP` of the optimum, which happens on easy instances only.

Guarantees, for the gain over the existing coverage (hence for the covered weight too); swaps
only ever add, so they keep them:

- ``count`` only: at least ``1 - 1/e`` (63 %) of the optimum (Nemhauser, Wolsey & Fisher 1978).
- with a budget: the cost-benefit greedy (best gain per unit of cost among affordable sites),
  compared with the best single affordable site, keeps the better of the two; that is at least
  ``(1 - 1/e) / 2`` (32 %) of the optimum (Khuller, Moss & Naor 1999; Krause & Guestrin 2005).
- with a minimum spacing: no constant factor (the conflicts do not form a matroid).

Whatever the case, every answer carries a proven upper bound on the optimum — the smaller of
the combinatorial bound (:func:`mobility.siting.bounds.greedy_bound`) and the Lagrangian bound
(:func:`mobility.siting.bounds.lagrangian_bound`) — and the gap to it, which in practice is the
figure to quote. The measured running times and gaps are in ``docs/performance.md``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mobility.network.csr import BoolArray, FloatArray
from mobility.siting.bounds import best_additions, lagrangian_bound
from mobility.siting.kernels import RowScatter, gather_rows, row_sums
from mobility.siting.model import COST_SLACK, CoverModel, build_model
from mobility.siting.problem import SitingProblem
from mobility.siting.ranking import make_picks, rank_after_swaps
from mobility.siting.solution import SitingSolution, relative_gap
from mobility.siting.swaps import improve_by_swaps

SWAP_ROUNDS = 10
"""Most swaps :func:`solve_greedy` makes: past a few swaps each one adds little, and the swaps
usually stop by themselves before this."""

SWAP_WORK = 400_000
"""Most swap-table cells (chosen × sites, one pass per swap) :func:`solve_greedy`'s swaps scan:
``SWAP_WORK // (count × sites)`` swaps at most (at least one), so that the swap stage costs
about what the greedy costs."""

SWAP_TARGET_GAP = 0.01
"""No swaps when the greedy's own online bound already shows its answer within this share of
the optimum (covered weight at least ``1 - SWAP_TARGET_GAP`` times the bound)."""


def solve_greedy(
    problem: SitingProblem, *, timings: dict[str, float] | None = None
) -> SitingSolution:
    """Choose sites with the greedy and swaps, and bound how far from the optimum they may be.

    The greedy runs on the reduced model (:func:`mobility.siting.model.build_model`: open demand
    only, identical columns merged; built once per problem), then :func:`improve_by_swaps`.
    The bound is the smaller of the combinatorial bound (as :func:`greedy_bound`) and the
    Lagrangian bound of :mod:`mobility.siting.bounds`. ``timings``, when given, receives the
    seconds spent in each stage: ``"reduction"``, ``"greedy"``, ``"swaps"`` and ``"bound"``.
    """
    started = time.perf_counter()
    model = build_model(problem)
    reduced = time.perf_counter()
    run = plain_greedy(problem)
    chosen = run.chosen
    greedy_done = time.perf_counter()
    positions = [site for site, _ in chosen]
    greedy_value = problem.value_before + sum(gain for _, gain in chosen)
    if greedy_value >= (1.0 - SWAP_TARGET_GAP) * (problem.value_before + run.bound):
        improved = positions  # proven close enough: the swaps could only add a little
    else:
        rounds = SWAP_WORK // max(1, len(positions) * model.n_sites)
        max_swaps = min(SWAP_ROUNDS, max(1, rounds))
        improved = improve_by_swaps(model, positions, max_swaps=max_swaps, gains=run.final_gains)
        while improved != positions:
            chosen = rank_after_swaps(model, chosen, improved, by_gain=problem.budget is None)
            if len(chosen) == len(improved):
                break
            # The ranking left out sites the swaps made useless; the budget and the spacing
            # they held are free again, so a swap the dropped sites blocked may now gain.
            positions = [site for site, _ in chosen]
            improved = improve_by_swaps(model, positions, max_swaps=max_swaps)
    picks = make_picks(problem, [(int(model.sites[site]), gain) for site, gain in chosen])
    value_after = picks[-1].covered_after if picks else problem.value_before
    gained = value_after - problem.value_before
    swapped = time.perf_counter()
    weight_after = model.group_weight.copy()
    if chosen:
        sites = np.asarray([site for site, _ in chosen], dtype=np.int64)
        weight_after[gather_rows(model.by_site, model.by_site.data, sites)[0]] = 0.0
    combinatorial = min(
        problem.value_before + run.bound,
        value_after
        + best_additions(
            np.asarray(model.site_rows @ weight_after), model.count, model.costs, model.budget
        ),
    )
    bound = min(combinatorial, problem.value_before + lagrangian_bound(model, gained))
    bound = max(bound, value_after)
    finished = time.perf_counter()
    if timings is not None:
        timings["reduction"] = reduced - started
        timings["greedy"] = greedy_done - reduced
        timings["swaps"] = swapped - greedy_done
        timings["bound"] = finished - swapped
    return SitingSolution(
        method="greedy",
        backend="greedy",
        picks=tuple(picks),
        value_before=problem.value_before,
        value_after=value_after,
        bound=bound,
        optimality_gap=relative_gap(bound, value_after),
        solve_time_s=finished - started,
    )


@dataclass(frozen=True, eq=False)
class GreedyRun:
    """What the greedy chose: (site, marginal gain) in order, and every site's gain at the start.

    ``bound`` is the greedy's online upper bound on the best gain (Nemhauser, Wolsey & Fisher
    1978; Minoux 1978): for any set ``S``, ``OPT <= f(S) + best_additions(Δ(S))``, the gains
    ``Δ(S)`` of every site over ``S`` relaxed to the ``count`` largest (with a budget, also the
    fractional knapsack; spacing ignored), taken at the empty set and at the greedy's last set.
    Both gain vectors are the greedy's own, so it costs two partial sorts.

    ``final_gains`` are every site's gains over the chosen set (``None`` when the chosen set is
    not the greedy's own, e.g. the best single site under a budget): the swaps start from them
    instead of recounting them in a pass over the matrix.
    """

    chosen: list[tuple[int, float]]
    initial_gains: FloatArray
    bound: float = np.inf
    final_gains: FloatArray | None = None


def plain_greedy(problem: SitingProblem) -> GreedyRun:
    """Run the greedy alone (no swaps) on the problem's reduced model; sites are positions in it.

    With a budget, the cost-benefit choice or the best single site, whichever gains more.
    """
    model = build_model(problem)
    run = greedy_on_model(model, by_ratio=problem.budget is not None)
    if problem.budget is None:
        return run
    chosen = _best_of_single(run.initial_gains, run.chosen)
    final = run.final_gains if chosen is run.chosen else None
    return GreedyRun(chosen, run.initial_gains, run.bound, final)


def greedy_on_model(model: CoverModel, *, by_ratio: bool) -> GreedyRun:
    """Run the greedy on a reduced model under its count, budget and spacing (sites' positions)."""
    return greedy(
        model.by_site,
        model.cover,
        model.group_weight,
        allowed=np.ones(model.n_sites, dtype=bool),
        limit=model.count,
        costs=model.costs,
        budget=model.budget,
        by_ratio=by_ratio,
        conflicts=model.conflict_matrix,
        gains=np.asarray(model.site_rows @ model.group_weight),
    )


def greedy(
    by_site: sp.csr_matrix,
    by_point: sp.csr_matrix,
    weight: FloatArray,
    *,
    allowed: BoolArray,
    limit: int,
    costs: FloatArray | None = None,
    budget: float | None = None,
    by_ratio: bool = False,
    conflicts: sp.csr_matrix | None = None,
    gains: FloatArray | None = None,
) -> GreedyRun:
    """Run the plain greedy, every gain kept up to date incrementally.

    ``by_site`` (sites × points) and ``by_point`` (its transpose, points × sites) hold the same
    coverage. Each step takes the site of largest gain (``by_ratio``: gain per unit of cost,
    free sites first; ties: larger gain, then smaller index) among the allowed ones still
    affordable and not in conflict with a chosen one, then subtracts the weight of the points it
    newly covers from the gain of every site covering them (scanning only those points' rows of
    ``by_point``, in two compiled passes: :class:`~mobility.siting.kernels.RowScatter`): a step
    costs the newly covered points' degrees plus one pass over the sites, not a pass over the
    matrix. The gain recorded for a pick is recounted from its own row, and sites that would
    add nothing are never chosen. ``gains`` (every site's starting gain, ``by_site @ weight``)
    may be given.

    Since every gain is exact at every step, no priority queue of stale gains is needed: this is
    the choice the lazy greedy (CELF) makes, at the cost of one vectorised pass over the sites'
    gains per pick instead of a heap.
    """
    weight = np.array(weight, dtype=np.float64)
    n_sites = by_site.shape[0]
    gains = row_sums(by_site, weight) if gains is None else np.array(gains, dtype=np.float64)
    initial = gains.copy()
    open_sites = np.array(allowed, dtype=bool)
    left = float(budget) if budget is not None else np.inf
    slack = COST_SLACK * max(1.0, abs(left)) if np.isfinite(left) else 0.0
    by_cost = by_ratio and costs is not None
    free = np.asarray(costs) <= 0 if by_cost else np.zeros(n_sites, dtype=bool)
    divisor = np.where(free, 1.0, np.asarray(costs)) if by_cost else None
    chosen: list[tuple[int, float]] = []
    site_ptr, site_idx = by_site.indptr, by_site.indices
    plain = divisor is None and (costs is None or budget is None)
    masked = np.where(open_sites, gains, -np.inf)  # plain: the key, closed sites at -inf
    scatter = RowScatter(by_point, n_sites)
    while len(chosen) < limit:
        if plain:  # the key is the gain: one argmax (ties: the smallest index, as below)
            site = int(masked.argmax())
            if not masked[site] > 0:
                break
        else:
            if costs is not None and budget is not None:
                open_sites &= costs <= left + slack  # the money left only shrinks
            live = open_sites & (gains > 0)
            if not live.any():
                break
            key = gains if divisor is None else np.where(free, np.inf, gains / divisor)
            key = np.where(live, key, -np.inf)
            ties = np.flatnonzero(key == key.max())
            site = int(ties[np.argmax(gains[ties])]) if len(ties) > 1 else int(ties[0])
        row = site_idx[site_ptr[site] : site_ptr[site + 1]]
        values = weight[row]
        fresh = values > 0
        new, new_weight = row[fresh], values[fresh]
        gain = float(np.add.reduce(new_weight))  # (``sum``, without its Python wrapper)
        if gain <= 0:  # a rounding residue: refresh every gain from the rows
            gains = row_sums(by_site, weight)
            masked = np.where(open_sites, gains, -np.inf)
            continue
        chosen.append((site, gain))
        # plain: the gains are read from ``masked`` only (-inf stays -inf)
        scatter.subtract(new, new_weight, masked if plain else gains)
        weight[new] = 0.0
        open_sites[site] = False
        masked[site] = -np.inf
        if costs is not None and budget is not None:
            left -= float(costs[site])
        if conflicts is not None:
            clash = conflicts.indices[conflicts.indptr[site] : conflicts.indptr[site + 1]]
            open_sites[clash] = False
            masked[clash] = -np.inf
    if not plain:
        final = gains
    elif conflicts is None:  # ``-inf``: chosen (nothing left to gain) or not allowed
        final = np.where(np.isfinite(masked), masked, 0.0)
    else:  # sites closed by a conflict hold no gain in ``masked``: recount
        final = row_sums(by_site, weight)
    bound = _online_bound(initial, final, chosen, allowed, limit, costs, budget)
    return GreedyRun(chosen, initial, bound, final)


def _online_bound(
    initial: FloatArray,
    final: FloatArray,
    chosen: list[tuple[int, float]],
    allowed: BoolArray,
    limit: int,
    costs: FloatArray | None,
    budget: float | None,
) -> float:
    """Return the greedy's online bound on the best gain (see :class:`GreedyRun`), allowed sites."""
    allowed = np.asarray(allowed, dtype=bool)
    site_costs = None if costs is None else np.asarray(costs)[allowed]
    final = np.maximum(final[allowed], 0.0)  # rounding residues below zero add nothing
    at_start = best_additions(initial[allowed], limit, site_costs, budget)
    at_end = sum(gain for _, gain in chosen) + best_additions(final, limit, site_costs, budget)
    return min(at_start, at_end)


def _best_of_single(
    initial_gains: FloatArray, chosen: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """Keep the cost-benefit picks, or the best single affordable site when it gains more."""
    if len(initial_gains) == 0:
        return chosen
    best = int(np.argmax(initial_gains))
    total = sum(gain for _, gain in chosen)
    if initial_gains[best] > total and initial_gains[best] > 0:
        return [(best, float(initial_gains[best]))]
    return chosen
