# SPDX-License-Identifier: MIT
"""The order of chosen sites: each pick with the gain it adds over the picks before it.

An answer is a ranked list (the first site alone is worth most; each next one adds its marginal
gain), whoever chose the set: the greedy's own order where it stands, the greedy's choice made
again among the swapped or exact set otherwise. Ranking a handful of sets is where a lazy
(CELF) heap of stale gains pays: a few recounts of one row per pick instead of a pass over all.
"""

from __future__ import annotations

import heapq

import numpy as np

from mobility.network.csr import FloatArray, IntArray
from mobility.siting.kernels import gather_rows
from mobility.siting.model import CoverModel
from mobility.siting.problem import SitingProblem
from mobility.siting.solution import Pick


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
    from the gains over them (swaps that leave the first slots alone leave them unranked).
    Otherwise (the greedy chose by gain per cost) everything is ranked.
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

    The choice of :func:`mobility.siting.greedy.greedy` (largest marginal gain, ties: the
    smaller index; sets that add nothing left out), made lazily (CELF): a set's gain only
    shrinks, so a stale gain is an upper bound and only the set on top of the heap is
    recounted. A few recounts of one row per pick, instead of a pass over all the sets.
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
