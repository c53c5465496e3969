# SPDX-License-Identifier: MIT
"""The vectorised siting paths against independent slow computations (no timed test).

The incremental greedy against a plain greedy over a dense matrix; the hashed grouping of demand
columns against grouping by bytes and against ``np.unique`` on dense columns; model restriction
against a fresh reduction; Lagrangian fixing against brute force over every better solution;
the ``auto`` backend rule.
"""

from __future__ import annotations

import dataclasses
import importlib
from itertools import combinations

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from mobility.siting import SitingProblem, cbc_available, solve, solve_exact, solve_greedy
from mobility.siting import greedy as greedy_module
from mobility.siting import model as model_module
from mobility.siting import swaps as swaps_module
from mobility.siting.bounds import best_multipliers, sites_worth_keeping
from mobility.siting.exact import CBC_MIN_SIZE, choose_backend
from mobility.siting.greedy import plain_greedy
from mobility.siting.kernels import row_sums
from mobility.siting.model import CoverModel, build_model, restrict
from tests.mobility.siting.support import random_problem

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def problems(draw: st.DrawFn, *, max_candidates: int = 9) -> SitingProblem:
    seed = draw(st.integers(0, 2**32 - 1))
    candidates = draw(st.integers(1, max_candidates))
    return random_problem(
        np.random.default_rng(seed),
        candidates=candidates,
        demand=draw(st.integers(1, 30)),
        count=draw(st.integers(1, candidates)),
        density=draw(st.sampled_from([0.1, 0.3, 0.6])),
        existing=draw(st.booleans()),
        budget=draw(st.booleans()),
        spacing=draw(st.booleans()),
        excluded=draw(st.booleans()),
    )


def slow_greedy(problem: SitingProblem) -> list[int]:
    """The plain greedy, every gain recomputed from a dense matrix at every step.

    Largest gain (with a budget: gain per unit of cost, free sites first), ties to the larger
    gain then the smaller index; with a budget, the best single site when it gains more.
    """
    dense = problem.matrix.toarray().astype(bool)
    weight = problem.open_weights()
    covered = np.zeros(problem.n_demand, dtype=bool)
    allowed = problem.allowed
    costs, budget = problem.costs, problem.budget
    left = np.inf if budget is None else budget
    slack = 1e-9 * max(1.0, abs(budget)) if budget is not None else 0.0
    clash = {tuple(pair) for pair in problem.conflict_pairs().tolist()}
    chosen: list[int] = []
    while len(chosen) < problem.count:
        best: tuple[tuple[float, float, int], int] | None = None
        for site in range(problem.n_candidates):
            if not allowed[site] or site in chosen:
                continue
            if costs is not None and budget is not None and costs[site] > left + slack:
                continue
            if any((min(a, site), max(a, site)) in clash for a in chosen):
                continue
            gain = float(weight[dense[site] & ~covered].sum())
            if gain <= 0:
                continue
            key = gain
            if budget is not None and costs is not None:
                key = np.inf if costs[site] <= 0 else gain / costs[site]
            rank = (key, gain, -site)
            if best is None or rank > best[0]:
                best = (rank, site)
        if best is None:
            break
        site = best[1]
        chosen.append(site)
        covered |= dense[site]
        if costs is not None and budget is not None:
            left -= float(costs[site])
    if budget is not None:
        total = float(weight[covered].sum())
        singles = [(float(weight[dense[i]].sum()), -i) for i in np.flatnonzero(allowed)]
        gain, minus = max(singles)
        if gain > total and gain > 0:
            return [-minus]
    return chosen


@SETTINGS
@given(problem=problems())
def test_incremental_greedy_chooses_what_the_plain_greedy_chooses(problem: SitingProblem) -> None:
    # integer weights and costs: every sum is exact, so even ties must break the same way
    model = build_model(problem)
    run = plain_greedy(problem)
    assert [int(model.sites[site]) for site, _ in run.chosen] == slow_greedy(problem)
    for _, gain in run.chosen:
        assert gain > 0 and float(gain).is_integer()


def swap_is_feasible(problem: SitingProblem, sites: list[int]) -> bool:
    if len(set(sites)) != len(sites) or problem.excluded[sites].any():
        return False
    if problem.costs is not None and problem.budget is not None:
        if problem.costs[sites].sum() > problem.budget + 1e-9 * max(1.0, problem.budget):
            return False
    clash = {tuple(pair) for pair in problem.conflict_pairs().tolist()}
    return not any((min(a, b), max(a, b)) in clash for a, b in combinations(sites, 2))


# The swaps left a site adding nothing that held the budget and a spacing clash: once the ranking
# dropped it, swapping 3 for 5 gained 8 more (found by hypothesis; kept as a fixed case).
SWAPS_BLOCKED_BY_A_DROPPED_SITE = random_problem(
    np.random.default_rng(925621788),
    candidates=9,
    demand=27,
    count=8,
    density=0.3,
    existing=False,
    budget=True,
    spacing=True,
    excluded=False,
)


@pytest.mark.parametrize("block", [64, 1])
@SETTINGS
@given(problem=problems())
@example(problem=SWAPS_BLOCKED_BY_A_DROPPED_SITE)
def test_swaps_end_on_a_local_optimum_never_below_the_greedy(
    block: int, problem: SitingProblem
) -> None:
    """Block 1: candidate blocks of 1 then 4 sites, proofs by the gains left out, the table."""
    model = build_model(problem)
    greedy_sites = [int(model.sites[site]) for site, _ in plain_greedy(problem).chosen]
    with pytest.MonkeyPatch.context() as patch:  # the swaps always run (unless proven optimal)
        patch.setattr(greedy_module, "SWAP_TARGET_GAP", 0.0)
        patch.setattr(swaps_module, "SWAP_BLOCK", block)
        solution = solve_greedy(problem)
    final = list(solution.candidates)
    assert swap_is_feasible(problem, final)
    assert solution.value_after >= problem.covered_weight(greedy_sites) - 1e-9
    # no single swap (one site out, any allowed site in) covers more: checked by recounting
    value = problem.covered_weight(final)
    others = [i for i in np.flatnonzero(problem.allowed).tolist() if i not in final]
    for out in range(len(final)):
        for into in others:
            trial = [*final[:out], into, *final[out + 1 :]]
            if swap_is_feasible(problem, trial):
                assert problem.covered_weight(trial) <= value + 1e-9, (final, out, into)


def groups_by_dense_columns(problem: SitingProblem) -> dict[frozenset[int], float]:
    """Open demand grouped by the set of allowed candidates covering it, from a dense matrix."""
    dense = problem.matrix.toarray().astype(bool)
    dense[~problem.allowed] = False
    weight = problem.open_weights()
    groups: dict[frozenset[int], float] = {}
    for point in range(problem.n_demand):
        sites = frozenset(np.flatnonzero(dense[:, point]).tolist())
        if sites and weight[point] > 0:
            groups[sites] = groups.get(sites, 0.0) + float(weight[point])
    return groups


def model_groups(model: CoverModel) -> dict[frozenset[int], float]:
    cover = model.cover
    groups = {}
    for group in range(model.n_groups):
        sites = cover.indices[cover.indptr[group] : cover.indptr[group + 1]]
        key = frozenset(model.sites[sites].tolist())
        assert key not in groups  # merged: no two groups share their sites
        groups[key] = float(model.group_weight[group])
    return groups


@SETTINGS
@given(problem=problems())
def test_reduction_equals_a_dense_grouping(problem: SitingProblem) -> None:
    model = build_model(problem)
    expected = groups_by_dense_columns(problem)
    assert model_groups(model) == pytest.approx(expected)
    assert set(model.sites.tolist()) == set().union(*expected) if expected else model.n_sites == 0
    assert list(model.sites) == sorted(model.sites)
    assert np.array_equal(model.by_site.toarray(), model.cover.toarray().T)
    assert build_model(problem) is model  # cached per problem


def test_hashed_grouping_equals_grouping_by_bytes() -> None:
    rng = np.random.default_rng(11)
    for _ in range(20):
        patterns = (rng.random((rng.integers(1, 40), 6_000)) < 0.002).astype(np.uint8)
        patterns[:, rng.integers(0, 6_000, len(patterns))] = 1  # no empty row
        rows = sp.csr_matrix(patterns[rng.integers(0, len(patterns), 500)])
        rows.sort_indices()
        fast = model_module._group_rows(rows)
        slow = model_module._group_rows_exactly(rows)
        assert np.array_equal(fast[0], slow[0]) and np.array_equal(fast[1], slow[1])


def test_hash_collisions_fall_back_to_the_exact_grouping(monkeypatch: pytest.MonkeyPatch) -> None:
    rows = sp.csr_matrix(np.array([[1, 0, 1], [0, 1, 1], [1, 0, 1], [0, 1, 0]], dtype=np.uint8))
    monkeypatch.setattr(
        model_module, "_row_hashes", lambda matrix: np.zeros(matrix.shape[0], dtype=np.uint64)
    )
    group_of, representative = model_module._group_rows(rows)
    assert group_of.tolist() == [0, 1, 0, 2]
    assert representative.tolist() == [0, 1, 3]


def test_row_sums_equal_the_sparse_product() -> None:
    rng = np.random.default_rng(2)
    dense = (rng.random((300, 500)) < 0.02).astype(np.float64)
    dense[[0, 5, 299]] = 0.0  # empty rows: first, inside, last
    matrix = sp.csr_matrix(dense)
    values = rng.random(500)
    assert row_sums(matrix, values) == pytest.approx(matrix @ values)


@SETTINGS
@given(problem=problems(), data=st.data())
def test_restriction_equals_a_fresh_reduction(problem: SitingProblem, data: st.DataObject) -> None:
    model = build_model(problem)
    assume(model.n_sites > 0)  # a restriction needs a site to keep
    keep = np.array(
        data.draw(st.lists(st.booleans(), min_size=model.n_sites, max_size=model.n_sites))
    )
    keep[data.draw(st.integers(0, model.n_sites - 1))] = True
    restricted = restrict(model, keep)
    excluded = np.ones(problem.n_candidates, dtype=bool)
    excluded[model.sites[keep]] = False
    fresh = dataclasses.replace(
        problem,
        excluded=excluded | problem.excluded,
        count=min(problem.count, int(keep.sum())),
    )
    assert model_groups(restricted) == pytest.approx(groups_by_dense_columns(fresh))
    pairs = {tuple(sorted(p)) for p in restricted.sites[restricted.conflicts].tolist()}
    expected = {
        (a, b) for a, b in problem.conflict_pairs().tolist() if not (excluded[a] or excluded[b])
    }
    assert pairs == expected


def feasible_sets(problem: SitingProblem) -> list[tuple[tuple[int, ...], float]]:
    allowed = [i for i in range(problem.n_candidates) if problem.allowed[i]]
    dense = problem.matrix.toarray().astype(bool)
    clash = {tuple(pair) for pair in problem.conflict_pairs().tolist()}
    found = []
    for size in range(1, problem.count + 1):
        for subset in combinations(allowed, size):
            if problem.costs is not None and problem.budget is not None:
                if problem.costs[list(subset)].sum() > problem.budget + 1e-9:
                    continue
            if any(pair in clash for pair in combinations(subset, 2)):
                continue
            covered = problem.covered_before | dense[list(subset)].any(axis=0)
            found.append((subset, float(problem.weights[covered].sum())))
    return found


@SETTINGS
@given(problem=problems(max_candidates=8), seed=st.integers(0, 2**32 - 1))
def test_lagrangian_fixing_keeps_every_site_of_a_better_solution(
    problem: SitingProblem, seed: int
) -> None:
    greedy = solve_greedy(problem)
    model = build_model(problem)
    assume(model.n_sites > 0 and model.n_groups > 0)  # else nothing is left to fix
    random = np.random.default_rng(seed).random(model.n_groups) * model.group_weight
    tuned = best_multipliers(model)
    for multiplier in [random] if tuned is None else [random, tuned]:
        keep = sites_worth_keeping(model, multiplier, greedy.gained)
        kept = set(model.sites[keep].tolist())
        for subset, value in feasible_sets(problem):
            if value >= greedy.value_after - 1e-9:
                assert set(subset) & set(model.sites.tolist()) <= kept, (subset, value)


def test_auto_backend_follows_the_reduced_size(monkeypatch: pytest.MonkeyPatch) -> None:
    problem = random_problem(np.random.default_rng(3), candidates=6, demand=10, count=2)
    model = build_model(problem)
    assert model.size < CBC_MIN_SIZE and choose_backend(model) == "highs"
    exact = importlib.import_module("mobility.siting.exact")
    monkeypatch.setattr(exact, "CBC_MIN_SIZE", 0)
    expected = "cbc" if cbc_available() else "highs"
    assert choose_backend(model) == expected
    # the API's path (solve with its defaults) gets the same rule, and the same optimum
    assert solve(problem, "exact").backend == expected
    assert solve(problem, "exact").value_after == pytest.approx(
        solve_exact(problem, backend="highs").value_after
    )
    monkeypatch.setattr(exact, "cbc_available", lambda: False)
    assert choose_backend(model) == "highs"


def test_greedy_reports_its_stages() -> None:
    """The stages tile the solve time (none missed, none counted twice); no duration is judged."""
    problem = random_problem(np.random.default_rng(4), candidates=8, demand=40, count=3)
    timings: dict[str, float] = {}
    solution = solve_greedy(problem, timings=timings)
    assert set(timings) == {"reduction", "greedy", "swaps", "bound"}
    assert sum(timings.values()) == pytest.approx(solution.solve_time_s, rel=1e-9, abs=1e-12)
    untimed = solve_greedy(problem)
    assert untimed.candidates == solution.candidates
    assert untimed.value_after == solution.value_after and untimed.bound == solution.bound


@SETTINGS
@given(problem=problems(max_candidates=12), data=st.data())
def test_swap_tables_equal_a_dense_recount_after_every_swap(
    problem: SitingProblem, data: st.DataObject
) -> None:
    """Gains, losses, the regained table and blocks, updated per swap, against a recount.

    The table is set up before the first swap or after a few (then from the updated counts);
    a block of random columns is counted from their rows at every step.
    """
    from mobility.siting.swaps import _SwapState

    model = build_model(problem)
    assume(model.n_sites >= 2)  # a swap needs a site in and a site out
    k = data.draw(st.integers(1, model.n_sites - 1))
    current = np.asarray(data.draw(st.permutations(range(model.n_sites)))[:k], dtype=np.int64)
    state = _SwapState(model, current)
    table_from = data.draw(st.integers(0, 4))
    dense = model.by_site.toarray().astype(bool)  # sites × groups
    weight = model.group_weight
    for step in range(data.draw(st.integers(0, 4))):
        if step == table_from:
            state.table()
        hits = dense[state.current].sum(axis=0)
        assert np.array_equal(state.hits, hits)
        assert state.covered() == float(weight[hits > 0].sum())
        free = hits == 0
        eligible = np.ones(model.n_sites, dtype=bool)
        eligible[state.current] = False
        gains = (dense & free).astype(float) @ weight
        np.testing.assert_allclose(state.gains[eligible], gains[eligible], atol=1e-7)
        for slot, site in enumerate(state.current.tolist()):
            alone = dense[site] & (hits == 1)
            np.testing.assert_allclose(state.loss[slot], weight[alone].sum(), atol=1e-7)
            regained = (dense & alone).astype(float) @ weight
            if state.regained is not None:
                np.testing.assert_allclose(state.regained[slot], regained, atol=1e-7)
            columns = np.asarray(
                data.draw(st.lists(st.integers(0, model.n_sites - 1), max_size=5)), dtype=np.int64
            )
            block = state.regained_block(columns)
            np.testing.assert_allclose(block[slot], regained[columns], atol=1e-7)
        others = np.flatnonzero(eligible)
        if len(others) == 0:
            break
        slot = data.draw(st.integers(0, k - 1))
        state.swap(slot, int(others[data.draw(st.integers(0, len(others) - 1))]))


@SETTINGS
@given(problem=problems(max_candidates=12), data=st.data())
def test_lazy_ranking_equals_the_plain_greedy_order(
    problem: SitingProblem, data: st.DataObject
) -> None:
    """rank_rows (CELF) against the plain greedy over the same rows."""
    from mobility.siting.greedy import greedy
    from mobility.siting.ranking import rank_on_model, rank_rows, rank_sites

    matrix = problem.matrix
    sites = sorted(data.draw(st.sets(st.integers(0, problem.n_candidates - 1), min_size=1)))
    rows = sp.csr_matrix(matrix[sites])
    plain = greedy(
        rows,
        sp.csr_matrix(rows.T),
        problem.open_weights(),
        allowed=np.ones(len(sites), dtype=bool),
        limit=len(sites),
    ).chosen
    lazy = rank_rows(
        [matrix.indices[matrix.indptr[s] : matrix.indptr[s + 1]] for s in sites],
        problem.open_weights(),
    )
    assert [index for index, _ in lazy] == [index for index, _ in plain]
    np.testing.assert_allclose([g for _, g in lazy], [g for _, g in plain], atol=1e-9)
    assert [p.candidate for p in rank_sites(problem, np.asarray(sites))] == [
        sites[index] for index, _ in plain
    ]
    model = build_model(problem)
    positions = [int(p) for p in np.flatnonzero(np.isin(model.sites, sites))]
    on_model = [int(model.sites[s]) for s, _ in rank_on_model(model, positions)]
    on_problem = [p.candidate for p in rank_sites(problem, model.sites[positions])]
    assert on_model == on_problem


@SETTINGS
@given(problem=problems(max_candidates=10))
def test_lagrangian_incumbent_is_counted_right_and_kept_by_fixing(problem: SitingProblem) -> None:
    """The heuristic's gain against a recount; fixing keeps its sites and the greedy's."""
    from mobility.siting.bounds import lagrangian_bound
    from mobility.siting.exact import _fixed_model, _lagrangian_incumbent

    model = build_model(problem)
    greedy = solve_greedy(problem)
    assume(model.n_sites > 0 and model.n_groups > 0)  # else there are no multipliers
    lagrangian_bound(model, greedy.gained)
    multiplier = best_multipliers(model)
    assert multiplier is not None
    found = _lagrangian_incumbent(model, multiplier)
    if found is not None:
        sites, gain = found
        assert len(sites) <= model.count
        recount = problem.covered_weight(model.sites[sites].tolist()) - problem.value_before
        assert gain == pytest.approx(recount, abs=1e-7)
    reduced, start, incumbent = _fixed_model(model, greedy)
    assert set(reduced.sites[start].tolist()) == set(greedy.candidates)
    if found is not None and found[1] > greedy.gained:
        assert set(reduced.sites[incumbent].tolist()) == set(model.sites[found[0]].tolist())


@SETTINGS
@given(problem=problems(max_candidates=8))
def test_online_bound_is_above_the_brute_force_optimum(problem: SitingProblem) -> None:
    """The greedy's online bound (start and last set) against every feasible set's value."""
    run = plain_greedy(problem)
    optimum = max([problem.value_before] + [value for _, value in feasible_sets(problem)])
    online = problem.value_before + run.bound
    assert online >= optimum - 1e-9
    solution = solve_greedy(problem)
    assert solution.bound >= optimum - 1e-9
    # when the bound lets the swaps be skipped, the answer is within the target gap anyway
    model = build_model(problem)
    greedy_value = problem.covered_weight(int(model.sites[site]) for site, _ in run.chosen)
    if greedy_value >= (1 - greedy_module.SWAP_TARGET_GAP) * online:
        assert solution.value_after >= (1 - greedy_module.SWAP_TARGET_GAP) * optimum - 1e-9


@SETTINGS
@given(
    seed=st.integers(0, 2**32 - 1),
    shape=st.tuples(st.integers(1, 12), st.integers(1, 12)),
    density=st.sampled_from([0.0, 0.2, 0.6]),
    compiled=st.booleans(),
)
def test_row_scatter_equals_a_dense_product(
    seed: int, shape: tuple[int, int], density: float, compiled: bool
) -> None:
    """RowScatter (compiled kernels, or the bincount fallback) against a dense product."""
    from mobility.siting.kernels import RowScatter

    rng = np.random.default_rng(seed)
    dense = rng.random(shape) < density
    matrix = sp.csr_matrix(dense.astype(np.uint8))
    matrix.sort_indices()
    scatter = RowScatter(matrix, shape[1])
    scatter.compiled = scatter.compiled and compiled
    target = rng.integers(0, 50, shape[1]).astype(np.float64)
    for _ in range(3):  # the buffers are reused
        rows = rng.permutation(shape[0])[: rng.integers(0, shape[0] + 1)]
        values = rng.integers(0, 9, len(rows)).astype(np.float64)
        expected = target - values @ dense[rows].astype(np.float64)
        scatter.subtract(rows.astype(matrix.indptr.dtype), values, target)
        np.testing.assert_array_equal(target, expected)  # small integers: every sum is exact


@SETTINGS
@given(problem=problems())
def test_sites_rows_are_the_cover_transposed(problem: SitingProblem) -> None:
    model = build_model(problem)
    by_site = model.by_site
    assert by_site.dtype == np.float64 and by_site.has_sorted_indices
    for site in range(model.n_sites):  # indices really sorted, not only flagged
        row = by_site.indices[by_site.indptr[site] : by_site.indptr[site + 1]]
        assert np.all(np.diff(row) > 0)
    np.testing.assert_array_equal(by_site.toarray(), model.cover.T.toarray().astype(np.float64))


@SETTINGS
@given(problem=problems(max_candidates=12), data=st.data())
def test_ranking_after_swaps_equals_the_full_ranking(
    problem: SitingProblem, data: st.DataObject
) -> None:
    """The greedy's order kept up to the first swapped slot, against ranking every site.

    The swapped sets are the swaps' own and, without spacing, any other sites put in any
    slots (every one of them was open during the greedy's first steps).
    """
    from mobility.siting.ranking import rank_after_swaps, rank_on_model
    from mobility.siting.swaps import improve_by_swaps

    model = build_model(problem)
    run = plain_greedy(problem)
    positions = [site for site, _ in run.chosen]
    assume(positions)  # a greedy that picks nothing has no order to keep
    improved = improve_by_swaps(model, positions, max_swaps=3)
    if problem.conflicts is None and data.draw(st.booleans(), label="any sites in any slots"):
        others = [site for site in range(model.n_sites) if site not in positions]
        slots = data.draw(st.lists(st.integers(0, len(positions) - 1), unique=True))
        news = data.draw(st.permutations(others))[: len(slots)]
        improved = list(positions)
        for slot, site in zip(slots, news, strict=False):
            improved[slot] = int(site)
    by_gain = problem.budget is None
    fast = rank_after_swaps(model, run.chosen, improved, by_gain=by_gain)
    assert fast == rank_on_model(model, improved)


@SETTINGS
@given(problem=problems())
def test_picks_end_on_the_covered_weight(problem: SitingProblem) -> None:
    from mobility.siting.ranking import _covered_weight

    allowed = np.flatnonzero(problem.allowed).tolist()
    for size in range(len(allowed) + 1):
        sites = allowed[:size]
        assert _covered_weight(problem, sites) == problem.covered_weight(sites)
