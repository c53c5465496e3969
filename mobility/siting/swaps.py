# SPDX-License-Identifier: MIT
"""Best-improvement single swaps after the greedy: one chosen site out, another in, while it gains.

The greedy never revisits a pick, so where sites overlap it can keep one that a later pick made
mostly redundant. A single swap repairs that: it costs a small fraction of an exact solve and
removes most of the greedy's shortfall where the cutoff is wide (the figures are in
``docs/performance.md``). Swaps only ever add covered weight, so the greedy's guarantees hold.

The swap tables are set up in a few vectorised passes and a swap updates only the groups whose
coverage count crosses 0 or 1; the best swap is looked for among the sites of largest gain first
(:class:`_SwapState`), which settles it without a pass over every site in most rounds.
"""

from __future__ import annotations

import numpy as np

from mobility.arrays import ranges
from mobility.network.csr import BoolArray, FloatArray, IntArray
from mobility.siting.kernels import RowScatter, gather_rows
from mobility.siting.model import COST_SLACK, CoverModel

SWAP_CELLS = 4_000_000
"""Largest chosen × sites table :func:`improve_by_swaps` keeps (32 MB of float64)."""

SWAP_BLOCK = 64
"""Columns of the first candidate block :meth:`_SwapState.best_swap` evaluates (then ×4)."""


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
    every site's gains over ``chosen`` (the greedy's own,
    :attr:`mobility.siting.greedy.GreedyRun.final_gains`), so that they are not recounted in a
    pass over the whole matrix.
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


class _SwapState:
    """Coverage counts, gains and losses of :func:`improve_by_swaps`, updated per swap.

    A swap ``(s, a)`` gains ``gain(a) + regained(s, a) - loss(s)`` and ``regained(s, a) <=
    loss(s)``, so it gains at most ``gain(a)``. The best swap is therefore looked for among
    the sites of largest gain first (:data:`SWAP_BLOCK` columns, their regained weight counted
    from their own rows; a larger block only counts the columns it adds): once the best swap
    found gains at least the largest gain left out, no other site can do better. Late in a
    greedy with many sites, where the gains fall steeply, one or two blocks settle it;
    where the gains are flatter (fewer sites chosen) the block would grow to most sites, so
    the state switches to the dense chosen × sites table instead, set up once in a few
    vectorised passes (the groups covered once, their sites) and then updated by scattered
    adds per swap (never a pass over it). The counts, gains and losses are updated per swap
    over the groups of the two sites only (the gains, without the table, over those whose
    count crosses 0: one :class:`~mobility.siting.kernels.RowScatter` pass).
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
