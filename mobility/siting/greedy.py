# SPDX-License-Identifier: MIT
"""Greedy siting: add the site that covers the most new weight, again and again, then swap.

The greedy runs on the reduced model (:func:`mobility.siting.model.build_model`: open demand
only, demand points reached by the same sites merged into weighted groups; vectorised, and
built once per problem). Every site's marginal gain is kept exact: after a pick, the weight of
the groups it newly covers is subtracted from the gains of the sites covering them, reading
only those groups' rows (CSR both ways), so a pick costs the new groups' degrees plus one
vectorised pass over the sites (in the plain case one ``argmax`` over gains kept at ``-inf``
for closed sites). That is the choice of the plain greedy and of the lazy greedy (CELF,
Leskovec et al. 2007, a heap of stale gains), without the heap: on 2,000 × 20,000 grids the
picks take 1-4 ms in all (CELF over the same merged rows: 7-28 ms, its recounts pile up where
the sites overlap). The few chosen sites are ranked lazily (:func:`rank_rows`, CELF over a
handful of rows), which is where a heap pays; after swaps, only from the first swapped slot on
(:func:`rank_after_swaps`: before it the greedy's own order is the ranking).

Then best-improvement single swaps (:func:`improve_by_swaps`: one chosen site out, another in,
while it gains, at most :data:`SWAP_ROUNDS` and at most :data:`SWAP_WORK` table cells) remove
most of the greedy's shortfall where the cutoff is wide: on the 2,000 × 20,000 grid at 1,000 m
the greedy alone is 0.6-1.4 % below the optimum, with swaps 0.25-0.9 %. The swap tables are set
up in a few vectorised passes and a swap updates only the groups whose coverage count crosses 0
or 1. The swaps are skipped when the greedy's own online bound (:class:`GreedyRun`, free)
already proves the answer within :data:`SWAP_TARGET_GAP` (1 %) of the optimum; on that grid the
bound is 4-27 % above the greedy's gain, so it never fires there, only on easy instances. A pick's
update is one compiled gather of the sites covering its new groups and one compiled scatter of
their weights (:class:`~mobility.siting.model.RowScatter`), as are the gains' updates of a swap.

Guarantees, for the gain over the existing coverage (hence for the covered weight too); swaps
only ever add, so they keep them:

- ``count`` only: at least ``1 - 1/e`` (63 %) of the optimum (Nemhauser, Wolsey & Fisher 1978).
- with a budget: the cost-benefit greedy (best gain per unit of cost among affordable sites),
  compared with the best single affordable site, keeps the better of the two; that is at least
  ``(1 - 1/e) / 2`` (32 %) of the optimum (Khuller, Moss & Naor 1999; Krause & Guestrin 2005).
- with a minimum spacing: no constant factor (the conflicts do not form a matroid).

Whatever the case, every answer carries a proven upper bound on the optimum — the smaller of
the combinatorial bound (:func:`greedy_bound`) and the Lagrangian bound
(:mod:`mobility.siting.bounds`) — and the gap to it, which in practice is the figure to quote.
"""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from mobility.arrays import ranges
from mobility.network.csr import BoolArray, FloatArray, IntArray
from mobility.siting.bounds import lagrangian_bound
from mobility.siting.model import (
    CoverModel,
    RowScatter,
    build_model,
    gather_rows,
    row_sums,
)
from mobility.siting.problem import SitingProblem
from mobility.siting.solution import Pick, SitingSolution, relative_gap

COST_SLACK = 1e-9
"""Relative slack on the budget, so that costs summing to it exactly still fit."""

SWAP_ROUNDS = 10
"""Most swaps :func:`solve_greedy` makes. On the 2,000 × 20,000 grid the swaps stop by
themselves after 0-9 swaps up to count 20; at 1,000 m count 50 they go on to 15, the last five
adding 0.03 % of the covered weight for ~2 ms."""

SWAP_WORK = 400_000
"""Most swap-table cells (chosen × sites, one pass per swap) :func:`solve_greedy`'s swaps scan:
``SWAP_WORK // (count × sites)`` swaps at most (at least one), so the swap stage costs about what
the greedy costs. On the 2,000 × 20,000 grid at 1,000 m: count 10 and 20 keep their 10 swaps
(count 20 needs 5 to come within 1 % of the optimum), count 50 makes 4 (0.63 → 0.42 % below)."""

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
        improved = improve_by_swaps(
            model,
            positions,
            max_swaps=min(SWAP_ROUNDS, max(1, rounds)),
            gains=run.final_gains,
        )
    if improved != positions:
        chosen = rank_after_swaps(model, chosen, improved, by_gain=problem.budget is None)
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
        value_after + _best_additions(np.asarray(model.site_rows @ weight_after), model),
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
    ``by_point``, in two compiled passes: :class:`~mobility.siting.model.RowScatter`): a step
    costs the newly covered points' degrees plus one pass over the sites, not a pass over the
    matrix. The gain recorded for a pick is recounted from its own row, and sites that would
    add nothing are never chosen. ``gains`` (every site's starting gain, ``by_site @ weight``)
    may be given.

    Since every gain is exact at every step, no priority queue of stale gains is needed: this is
    the choice the lazy greedy (CELF) makes, at the cost of one vectorised pass over the sites'
    gains per pick (2,000 sites: a few microseconds) instead of a heap.
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


def improve_by_swaps(
    model: CoverModel, chosen: list[int], *, max_swaps: int, gains: FloatArray | None = None
) -> list[int]:
    """Improve a set of sites (positions in the model) by best-improvement single swaps.

    A swap takes a chosen site ``s`` out and brings any other site ``a`` in; it gains
    ``gain(a) + regained(s, a) - loss(s)``, where ``loss(s)`` is the weight only ``s`` covers
    and ``regained(s, a)`` the part of it ``a`` covers too. Gains and losses are kept in
    arrays and, after a swap, updated over the groups of the two sites whose count crosses 0
    or 1 only; ``regained`` is counted for a block of the sites of largest gain, or kept as a
    dense chosen × sites table when blocks do not settle the best swap (see
    :class:`_SwapState`). Each round makes the best swap that keeps the budget and the
    spacing, until none gains more than a rounding tolerance or ``max_swaps`` were made. The
    covered weight only grows (checked at the end by summing the weight of the groups covered,
    from the exact integer counts), so the greedy's guarantees hold. The sites keep their
    places: a swap puts the site in the slot of the one it takes out.
    Skipped when the table would exceed :data:`SWAP_CELLS` cells. ``gains``, when given, are
    every site's gains over ``chosen`` (the greedy's own, :attr:`GreedyRun.final_gains`), so
    that they are not recounted in a pass over the whole matrix.
    """
    k, n_sites = len(chosen), model.n_sites
    if k == 0 or n_sites <= k or k * n_sites > SWAP_CELLS or max_swaps <= 0:
        return list(chosen)
    state = _SwapState(model, np.asarray(chosen, dtype=np.int64), gains)
    covered_before = state.covered()
    tolerance = 1e-9 * max(1.0, float(model.group_weight.sum()))
    swaps = 0
    while swaps < max_swaps:
        swap = state.best_swap(tolerance)
        if swap is None:
            break
        state.swap(*swap)
        swaps += 1
    if swaps == 0 or state.covered() <= covered_before:
        return list(chosen)  # nothing gained (or rounding drift): keep the greedy's sites
    return [int(site) for site in state.current]


SWAP_CELLS = 4_000_000
"""Largest chosen × sites table :func:`improve_by_swaps` keeps (32 MB of float64)."""


SWAP_BLOCK = 64
"""Columns of the first candidate block :meth:`_SwapState.best_swap` evaluates (then ×4)."""


class _SwapState:
    """Coverage counts, gains and losses of :func:`improve_by_swaps`, updated per swap.

    A swap ``(s, a)`` gains ``gain(a) + regained(s, a) - loss(s)`` and ``regained(s, a) <=
    loss(s)``, so it gains at most ``gain(a)``. The best swap is therefore looked for among
    the sites of largest gain first (:data:`SWAP_BLOCK` columns, their regained weight counted
    from their own rows; a larger block only counts the columns it adds): once the best swap
    found gains at least the largest gain left out, no other site can do better. Late in a
    greedy with many sites (2,000 × 20,000 grid, 1,000 m, count 50) 64-256 columns settle it;
    where the gains are flatter (fewer sites chosen) the block would grow to most sites, so
    the state switches to the dense chosen × sites table instead, set up once in a few
    vectorised passes (the groups covered once, their sites) and then updated by scattered
    adds per swap (never a pass over it). The counts, gains and losses are updated per swap
    over the groups of the two sites only (the gains, without the table, over those whose
    count crosses 0: one :class:`~mobility.siting.model.RowScatter` pass).
    """

    def __init__(
        self, model: CoverModel, current: IntArray, gains: FloatArray | None = None
    ) -> None:
        self.model = model
        self.current = current.copy()
        k, n_sites = len(current), model.n_sites
        weight = model.group_weight
        self.eligible = np.ones(n_sites, dtype=bool)
        self.eligible[current] = False
        self.constrained = (
            model.costs is not None and model.budget is not None
        ) or model.conflict_matrix is not None
        rows = model.by_site
        groups, _ = gather_rows(rows, rows.data, current)
        slots = np.repeat(
            np.arange(k, dtype=np.float64), rows.indptr[current + 1] - rows.indptr[current]
        )
        self.hits = np.bincount(groups, minlength=model.n_groups)
        # the owner's slot where a group is covered once (a sum of small integers: exact)
        self.slot_sum = np.bincount(groups, weights=slots, minlength=model.n_groups).astype(
            np.int64
        )
        if gains is None:
            gains = model.site_rows @ np.where(self.hits == 0, weight, 0.0)
        self.gains = np.array(gains, dtype=np.float64)
        single = np.flatnonzero(self.hits == 1)
        self.loss = np.bincount(self.slot_sum[single], weights=weight[single], minlength=k).astype(
            np.float64
        )
        self.regained: FloatArray | None = None  # the dense table, once blocks do not settle it
        self._change = np.zeros(model.n_groups, dtype=np.int64)
        self._owner: IntArray | None = None  # :meth:`_once`, until the next swap
        self._scatter = RowScatter(model.cover, n_sites)
        self._once_weight = np.zeros(0)

    def covered(self) -> float:
        """Weight of the groups the current sites cover, summed afresh from the counts."""
        return float(self.model.group_weight[self.hits > 0].sum())

    def table(self) -> FloatArray:
        """Return the dense chosen × sites ``regained`` table, set up on first use."""
        if self.regained is None:
            model, k, n_sites = self.model, len(self.current), self.model.n_sites
            single = np.flatnonzero(self.hits == 1)
            counts = model.cover.indptr[single + 1] - model.cover.indptr[single]
            sites, entry_weight = gather_rows(model.cover, model.cover_weights, single)
            cells = np.repeat(self.slot_sum[single] * n_sites, counts)
            cells += sites
            self.regained = (  # (an empty bincount is of integers)
                np.bincount(cells, weights=entry_weight, minlength=k * n_sites)
                .astype(np.float64, copy=False)
                .reshape(k, n_sites)
            )
        return self.regained

    def regained_block(self, columns: IntArray) -> FloatArray:
        """Return ``regained`` for the given sites only (chosen × columns), from their rows.

        Every entry of the columns' rows is counted into its owner's cell with the weight it
        holds there (:meth:`_once`: 0 for a group not covered once, which adds nothing), so
        there is no filtering pass; the sums are the same.
        """
        k, rows = len(self.current), self.model.by_site
        groups, _ = gather_rows(rows, rows.data, columns)
        owner, weight = self._once()
        cells = np.repeat(
            np.arange(0, k * len(columns), k, dtype=np.int64),
            rows.indptr[columns + 1] - rows.indptr[columns],
        )
        cells += owner[groups]
        block = np.bincount(cells, weights=weight[groups], minlength=k * len(columns))
        return block.astype(np.float64, copy=False).reshape(len(columns), k).T

    def _once(self) -> tuple[IntArray, FloatArray]:
        """Per group: its owner's slot and its weight where covered once, else 0 and 0.

        Kept until the next swap (the blocks of one :meth:`best_swap` share it).
        """
        if self._owner is None:
            once = self.hits == 1
            self._owner = np.where(once, self.slot_sum, 0)
            self._once_weight = np.where(once, self.model.group_weight, 0.0)
        return self._owner, self._once_weight

    def _groups(self, site: int) -> IntArray:
        by_site = self.model.by_site
        return np.asarray(by_site.indices[by_site.indptr[site] : by_site.indptr[site + 1]])

    def swap(self, slot: int, site: int) -> None:
        """Take the site in ``slot`` out and ``site`` in; update the arrays in one pass.

        Only groups whose count changes and is 0 or 1 before or after count: a group both
        sites cover keeps its count and owner slot, one covered twice or more both before and
        after weighs in no table. Their old share of gains, loss and regained is taken off and
        their new one put on, in one scattered add per array.
        """
        model, n_sites = self.model, self.model.n_sites
        self._owner = None
        old = int(self.current[slot])
        out, into = self._groups(old), self._groups(site)
        change = self._change  # kept all zero between swaps
        change[out] -= 1
        change[into] += 1
        touched = np.flatnonzero(change)
        step = change[touched]
        change[touched] = 0
        before = self.hits[touched]
        after = before + step
        keep = np.minimum(before, after) <= 1
        touched, before, after, step = touched[keep], before[keep], after[keep], step[keep]
        owner_before = self.slot_sum[touched]
        owner_after = owner_before + slot * step
        self.hits[out] -= 1
        self.hits[into] += 1
        self.slot_sum[out] -= slot
        self.slot_sum[into] += slot
        self.current[slot] = site
        self.eligible[old], self.eligible[site] = True, False
        weight = model.group_weight[touched]
        freed = (after == 0).astype(np.float64) - (before == 0)
        once_before, once_after = before == 1, after == 1
        self.loss += np.bincount(
            np.concatenate([owner_before[once_before], owner_after[once_after]]),
            weights=np.concatenate([-weight[once_before], weight[once_after]]),
            minlength=len(self.loss),
        )
        if self.regained is None:  # the gains only: the groups whose count crosses 0
            moved = np.flatnonzero(freed)
            self._scatter.subtract(touched[moved], -(freed[moved] * weight[moved]), self.gains)
            return
        counts = model.cover.indptr[touched + 1] - model.cover.indptr[touched]
        sites, entry_weight = gather_rows(model.cover, model.cover_weights, touched)
        self.gains += np.bincount(
            sites, weights=entry_weight * np.repeat(freed, counts), minlength=n_sites
        )
        # per entry: off the old owner's row where the group was covered once, onto the new one's
        table = self.regained.reshape(-1)
        for once, owner, sign in (
            (once_before, owner_before, -1.0),
            (once_after, owner_after, 1.0),
        ):
            if not once.any():
                continue
            entry_once = np.repeat(once, counts)
            cells = np.repeat(owner[once] * n_sites, counts[once])
            cells += sites[entry_once]
            np.add.at(table, cells, sign * entry_weight[entry_once])

    def best_swap(self, tolerance: float) -> tuple[int, int] | None:
        """Return the best swap ``(slot, site)`` if it gains more than ``tolerance``, else None.

        Ties: the smallest slot, then the site of largest gain (the table: smallest index).
        """
        if self.regained is None:
            gains = np.where(self.eligible, self.gains, -np.inf)
            size = SWAP_BLOCK
            columns, block = np.zeros(0, dtype=np.int64), np.zeros((len(self.current), 0))
            while size <= max(SWAP_BLOCK, self.model.n_sites // 4):
                top, rest = _largest(gains, size)
                if np.array_equal(top[: len(columns)], columns):  # (unless ties reordered)
                    block = np.hstack([block, self.regained_block(top[len(columns) :])])
                else:
                    block = self.regained_block(top)
                columns = top
                delta = block + gains[columns] - self.loss[:, None]
                found = self._best(delta, columns, tolerance)
                best = -np.inf if found is None else float(delta[found[0], found[1]])
                # a site left out gains at most its gain (plus the rounding of the sums)
                if rest <= max(best, tolerance) - tolerance * 1e-3:
                    return None if found is None else (found[0], int(columns[found[1]]))
                size *= 4
        gains = np.where(self.eligible, self.gains, -np.inf)
        columns = np.arange(self.model.n_sites)
        found = self._best(self.table() + gains - self.loss[:, None], columns, tolerance)
        return found

    def _best(
        self, delta: FloatArray, columns: IntArray, tolerance: float
    ) -> tuple[int, int] | None:
        """Return the best feasible cell of ``delta`` (chosen × columns), if above the tolerance."""
        if self.constrained:
            delta[~self._feasible(columns)] = -np.inf
        flat = int(np.argmax(delta))
        if not float(delta.flat[flat]) > tolerance:
            return None
        return flat // delta.shape[1], flat % delta.shape[1]

    def _feasible(self, columns: IntArray) -> BoolArray:
        """Return which swaps (chosen × columns) keep the budget and the spacing."""
        model, current = self.model, self.current
        ok = np.ones((len(current), len(columns)), dtype=bool)
        if model.costs is not None and model.budget is not None:
            costs, budget = model.costs, model.budget
            room = budget - float(costs[current].sum()) + costs[current]
            slack = COST_SLACK * max(1.0, abs(budget))
            ok &= costs[columns][None, :] <= (room + slack)[:, None]
        conflicts = model.conflict_matrix
        if conflicts is not None:
            position = np.full(model.n_sites, -1, dtype=np.int64)
            position[columns] = np.arange(len(columns))
            rows = conflicts.indptr[current + 1] - conflicts.indptr[current]
            clash_site = conflicts.indices[ranges(conflicts.indptr[current], rows)]
            clash_slot = np.repeat(np.arange(len(current)), rows)
            clash = np.bincount(clash_site, minlength=model.n_sites)[columns]
            inside = position[clash_site] >= 0
            own = np.zeros(ok.shape, dtype=np.int64)
            np.add.at(own, (clash_slot[inside], position[clash_site[inside]]), 1)
            ok &= (clash[None, :] - own) == 0
        return ok


def _largest(values: FloatArray, size: int) -> tuple[IntArray, float]:
    """Return the positions of the ``size`` largest values, and the largest value left out.

    Largest first, ties: the smaller position first; ``-inf`` when nothing is left out. One
    partial sort of all the values, a full sort of the few kept only.
    """
    if size >= len(values):
        return np.lexsort((np.arange(len(values)), -values)), -np.inf
    part = np.argpartition(-values, size)
    top, rest = part[:size], float(values[part[size]])
    return top[np.lexsort((top, -values[top]))], rest


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


def make_picks(problem: SitingProblem, chosen: list[tuple[int, float]]) -> list[Pick]:
    """Attach the running covered weight and the cost to each (candidate, gain)."""
    picks: list[Pick] = []
    covered = problem.value_before
    for site, gain in chosen:
        covered += gain
        cost = None if problem.costs is None else float(problem.costs[site])
        picks.append(Pick(candidate=int(site), gain=gain, covered_after=covered, cost=cost))
    if picks:  # the running sum drifts by rounding: end on the exact total
        exact = _covered_weight(problem, [pick.candidate for pick in picks])
        last = picks[-1]
        picks[-1] = Pick(last.candidate, last.gain, exact, last.cost)
    return picks


def _covered_weight(problem: SitingProblem, sites: list[int]) -> float:
    """:meth:`SitingProblem.covered_weight` of valid candidates, their rows in one gather.

    The same points covered and the same sum (the weights of the points covered, in order),
    without a row slice per site.
    """
    matrix = problem.matrix
    points, _ = gather_rows(matrix, matrix.data, np.asarray(sites, dtype=np.int64))
    covered = problem.covered_before.copy()
    covered[points] = True
    return float(problem.weights[covered].sum())


def rank_sites(problem: SitingProblem, sites: IntArray) -> list[Pick]:
    """Order given sites by greedy marginal gain among themselves (for an exact answer).

    Sites that add nothing once the others are chosen are left out.
    """
    sites = np.asarray(sites, dtype=np.int64)
    matrix = problem.matrix
    rows = [matrix.indices[matrix.indptr[site] : matrix.indptr[site + 1]] for site in sites]
    ranked = rank_rows(rows, problem.open_weights())
    return make_picks(problem, [(int(sites[index]), gain) for index, gain in ranked])


def rank_on_model(model: CoverModel, sites: list[int]) -> list[tuple[int, float]]:
    """Order sites (positions in the model) by greedy marginal gain among themselves.

    The same ranking as :func:`rank_sites`, on the model's rows (the open demand, merged):
    the gains are the same, the rows far fewer. Sites that add nothing are left out.
    """
    by_site = model.by_site
    rows = [by_site.indices[by_site.indptr[site] : by_site.indptr[site + 1]] for site in sites]
    return [(int(sites[index]), gain) for index, gain in rank_rows(rows, model.group_weight)]


def rank_after_swaps(
    model: CoverModel,
    chosen: list[tuple[int, float]],
    improved: list[int],
    *,
    by_gain: bool,
) -> list[tuple[int, float]]:
    """:func:`rank_on_model` of the swapped sites, keeping the greedy's order before the swaps.

    ``chosen`` is the greedy's own (site, gain) order and ``improved`` the same slots after the
    swaps. Up to the first slot a swap changed, the ranking is the greedy's when it chose by
    gain alone (``by_gain``): at each of those steps the greedy's pick had the largest gain
    among all the sites open, hence among the swapped set's sites left (all open then: they do
    not conflict with the sites kept), and its slot is the smallest left, which wins the
    ranking's ties. (Up to the rounding of the greedy's running gains, as for the greedy's
    order returned when no swap is made; the gains kept are the same recounts.) Only the rest
    is ranked (:func:`rank_rows`), from the weight those first picks leave, so the keys start
    from the gains over them: on the 2,000 × 20,000 grid at 500 m count 50 the first swapped
    slot is 22 of 50. Otherwise (the greedy chose by gain per cost) everything is ranked.
    """
    same = 0
    if by_gain:
        while same < len(improved) and improved[same] == chosen[same][0]:
            same += 1
    by_site = model.by_site
    left = model.group_weight.copy()
    if same:
        kept = np.asarray(improved[:same], dtype=np.int64)
        left[gather_rows(by_site, by_site.data, kept)[0]] = 0.0
    rest = improved[same:]
    rows = [by_site.indices[by_site.indptr[site] : by_site.indptr[site + 1]] for site in rest]
    return chosen[:same] + [(int(rest[index]), gain) for index, gain in rank_rows(rows, left)]


def rank_rows(rows: list[IntArray], weight: FloatArray) -> list[tuple[int, float]]:
    """Return the greedy order of a few sets of points: ``(index in rows, gain)`` pairs.

    The choice of :func:`greedy` (largest marginal gain, ties: the smaller index; sets that
    add nothing left out), made lazily (CELF): a set's gain only shrinks, so a stale gain
    is an upper bound and only the set on top of the heap is recounted. A few recounts of
    one row per pick, instead of a pass over all the sets.
    """
    left = np.array(weight, dtype=np.float64)  # the weight not yet covered (0 once covered)
    heap = list(zip((-_row_totals(rows, left)).tolist(), range(len(rows)), strict=True))
    heapq.heapify(heap)
    ranked: list[tuple[int, float]] = []
    while heap:
        _, index = heapq.heappop(heap)
        row = rows[index]
        values = left[row]
        gain = float(np.add.reduce(values[values > 0]))  # the uncovered part, as the greedy sums
        if heap and (-gain, index) > heap[0]:
            heapq.heappush(heap, (-gain, index))  # stale: another set may gain more
            continue
        if gain <= 0:
            break  # the best gain left is nothing
        ranked.append((index, gain))
        left[row] = 0.0
    return ranked


def _row_totals(rows: list[IntArray], weight: FloatArray) -> FloatArray:
    """Each row's total weight, in one ``reduceat`` (the starting keys of :func:`rank_rows`)."""
    sizes = np.fromiter((len(row) for row in rows), dtype=np.int64, count=len(rows))
    totals = np.zeros(len(rows))
    if sizes.sum():
        starts = np.cumsum(sizes) - sizes
        filled = sizes > 0
        totals[filled] = np.add.reduceat(weight[np.concatenate(rows)], starts[filled])
    return totals


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


def _best_additions(gains: FloatArray, model: CoverModel) -> float:
    return best_additions(gains, model.count, model.costs, model.budget)


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
