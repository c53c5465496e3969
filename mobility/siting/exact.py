# SPDX-License-Identifier: MIT
"""Exact siting: the maximal covering model (:mod:`mobility.siting.model`) solved as a MILP.

Backends: HiGHS through :func:`scipy.optimize.milp` (sparse constraint matrix, always there) and
CBC through PuLP (optional: ``pip install pulp``). Both report a proven bound: HiGHS its dual
bound, CBC the "Lower bound" line of its log (stopped early) or its objective (optimal).

The greedy answer is computed first (greedy + swaps, with its Lagrangian bound, far cheaper
than any solve): when it already meets its bound no solver is called. Otherwise the model is cut
down by Lagrangian fixing (:func:`mobility.siting.bounds.sites_worth_keeping`: with the best
multipliers of the bound, a site whose forced inclusion bounds the gain below the incumbent's is
in no better solution and is left out; the groups only such sites reach go too, and groups are
merged again). The incumbent is the better of the greedy answer and the ``count`` sites of best
Lagrangian score improved by swaps (:func:`_lagrangian_incumbent`, cheap): the closer the
incumbent is to the optimum, the more sites fixing drops, and a smaller model is what makes the
solve fast (the sites kept and the model sizes measured are in ``docs/performance.md``). CBC
then starts from the greedy sites (a MIP start, so its cutoff is the greedy's value from the
first node); scipy's ``milp`` takes no start. When the solver is stopped by the time limit with
a worse incumbent, or none, the incumbent's sites are returned with the better of the two
bounds, so an exact answer is never worse than the greedy one. The chosen sites are then ranked
by greedy marginal gain among themselves.

At most ``count`` sites are chosen (``Σ x <= count``, not ``=``): a site that would add nothing
is not proposed, and a spacing rule that leaves room for fewer sites is not infeasible.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import re
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
from scipy.optimize import LinearConstraint, milp

from mobility.errors import FieldProblem, InvalidInputError
from mobility.network.csr import FloatArray, IntArray
from mobility.siting.bounds import best_multipliers, sites_worth_keeping
from mobility.siting.greedy import SWAP_ROUNDS, solve_greedy
from mobility.siting.model import CoverModel, build_model, restrict
from mobility.siting.problem import SitingProblem
from mobility.siting.ranking import rank_sites
from mobility.siting.solution import SitingSolution, relative_gap
from mobility.siting.swaps import improve_by_swaps

Backend = Literal["highs", "cbc", "auto"]
BACKENDS: tuple[str, ...] = ("highs", "cbc", "auto")
DEFAULT_TIME_LIMIT_S = 30.0
CBC_MIN_SIZE = 3_000
"""``auto`` hands fixed models of at least this many nonzeros to CBC (when PuLP is installed):
below it HiGHS, in-process, is ahead; above it CBC, started from the greedy sites, is (the
timings behind the threshold are in ``docs/performance.md``, "Exact backends")."""


@dataclass(frozen=True)
class _Outcome:
    """What a backend found: chosen sites (candidate indexes), proven gain bound, early stop."""

    sites: IntArray | None
    gain_bound: float | None
    stopped_by_time_limit: bool


def solve_exact(
    problem: SitingProblem,
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    backend: Backend = "auto",
    mip_rel_gap: float = 0.0,
) -> SitingSolution:
    """Solve the siting problem to optimality (or until the time limit).

    Parameters
    ----------
    problem
        The siting problem.
    time_limit_s
        Wall-clock limit handed to the solver.
    backend
        ``"highs"`` (scipy), ``"cbc"`` (PuLP; must be installed) or ``"auto"`` (the default,
        :func:`choose_backend`): HiGHS when the model left after Lagrangian fixing has fewer
        than :data:`CBC_MIN_SIZE` nonzeros or PuLP is missing, else CBC: small models favour
        HiGHS in-process, large ones CBC (measured with ``scripts/bench_siting.py``; the times
        are in ``docs/performance.md``, "Exact backends").
    mip_rel_gap
        Relative gap at which the solver may stop; 0 proves the optimum.

    Raises
    ------
    InvalidInputError
        On an unknown backend, a non-positive time limit, or ``"cbc"`` without PuLP.
    """
    _check_options(backend, time_limit_s, mip_rel_gap)
    started = time.perf_counter()
    greedy = solve_greedy(problem)
    model = build_model(problem)
    name = backend if backend != "auto" else choose_backend(model)
    if model.n_sites == 0 or model.n_groups == 0 or _proven(greedy):
        chosen = np.asarray(greedy.candidates, dtype=np.int64)
        outcome = _Outcome(chosen, greedy.gained, False)
    else:
        reduced, start, incumbent_sites = _fixed_model(model, greedy)
        name = backend if backend != "auto" else choose_backend(reduced)
        if name == "cbc":
            outcome = _solve_cbc(reduced, time_limit_s, mip_rel_gap, start)
        else:
            outcome = _solve_highs(reduced, time_limit_s, mip_rel_gap)
        incumbent = reduced.sites[incumbent_sites]
        if outcome.sites is None or outcome.stopped_by_time_limit:
            fallback = rank_sites(problem, incumbent)  # greedy's or the Lagrangian one
            if fallback and fallback[-1].covered_after > greedy.value_after:
                greedy = dataclasses.replace(
                    greedy, picks=tuple(fallback), value_after=fallback[-1].covered_after
                )
    picks = greedy.picks
    if outcome.sites is not None:
        ranked = rank_sites(problem, outcome.sites)
        found = ranked[-1].covered_after if ranked else problem.value_before
        if found >= greedy.value_after or not outcome.stopped_by_time_limit:
            picks = tuple(ranked)
    value_after = picks[-1].covered_after if picks else problem.value_before
    bounds = [greedy.bound] if greedy.bound is not None else []
    if outcome.gain_bound is not None:
        bounds.append(problem.value_before + outcome.gain_bound)
    bound = max(min(bounds), value_after) if bounds else None
    return SitingSolution(
        method="exact",
        backend=name,
        picks=picks,
        value_before=problem.value_before,
        value_after=value_after,
        bound=bound,
        optimality_gap=relative_gap(bound, value_after),
        solve_time_s=time.perf_counter() - started,
        stopped_by_time_limit=outcome.stopped_by_time_limit,
    )


def choose_backend(model: CoverModel) -> str:
    """Pick the ``auto`` backend for a (reduced) model, from its size: see :func:`solve_exact`."""
    if model.size < CBC_MIN_SIZE or not cbc_available():
        return "highs"
    return "cbc"


def _fixed_model(
    model: CoverModel, greedy: SitingSolution
) -> tuple[CoverModel, IntArray, IntArray]:
    """Drop the sites Lagrangian fixing rules out.

    Returns the reduced model, the greedy sites in it (the MIP start) and the incumbent in it:
    the better of the greedy sites and a Lagrangian heuristic (:func:`_lagrangian_incumbent`).
    A site is left out when forcing it in bounds the gain below the incumbent's
    (:func:`mobility.siting.bounds.sites_worth_keeping`): no better solution contains it, and
    the incumbent is the fallback. Both sets of sites are kept, so the reduced model holds
    them and its optimum is the problem's. CBC still starts from the greedy sites: started
    from the Lagrangian ones it took longer where they differ (``docs/performance.md``).
    """
    greedy_sites = np.searchsorted(model.sites, np.asarray(greedy.candidates, dtype=np.int64))
    multiplier = best_multipliers(model)
    if multiplier is None:
        return model, greedy_sites, greedy_sites
    incumbent, gained = greedy_sites, greedy.gained
    found = _lagrangian_incumbent(model, multiplier)
    if found is not None and found[1] > gained:
        incumbent, gained = found
    keep = sites_worth_keeping(model, multiplier, gained)
    keep[greedy_sites] = True
    keep[incumbent] = True
    reduced = restrict(model, keep)
    return (
        reduced,
        np.searchsorted(reduced.sites, model.sites[greedy_sites]),
        np.searchsorted(reduced.sites, model.sites[incumbent]),
    )


def _lagrangian_incumbent(
    model: CoverModel, multiplier: FloatArray
) -> tuple[IntArray, float] | None:
    """Return the ``count`` sites of best Lagrangian score, improved by swaps, and their gain.

    With the multipliers of the bound, the sites' scores rank them by the demand worth
    covering; their best ``count``, then single swaps, often beat the greedy where the greedy
    is furthest from the optimum, which lets fixing drop far more sites.
    Count-only models (a budget or a spacing rule could make the top sites infeasible).
    """
    if (model.costs is not None and model.budget is not None) or len(model.conflicts):
        return None
    score = np.asarray(model.site_rows @ multiplier)
    top = np.argsort(-score, kind="stable")[: model.count]
    sites = improve_by_swaps(model, [int(site) for site in top], max_swaps=SWAP_ROUNDS)
    covered = np.zeros(model.n_groups, dtype=bool)
    covered[model.by_site[np.asarray(sites, dtype=np.int64)].indices] = True
    return np.asarray(sorted(sites), dtype=np.int64), float(model.group_weight[covered].sum())


def _proven(solution: SitingSolution) -> bool:
    """Whether the greedy answer already meets its bound (nothing left to prove)."""
    bound = solution.bound
    return bound is not None and bound - solution.value_after <= 1e-9 * max(1.0, abs(bound))


def cbc_available() -> bool:
    """Whether PuLP (and so its bundled CBC) can be imported."""
    return importlib.util.find_spec("pulp") is not None


def _check_options(backend: str, time_limit_s: float, mip_rel_gap: float) -> None:
    problems = []
    if backend not in BACKENDS:
        problems.append(FieldProblem("backend", "must be 'highs', 'cbc' or 'auto'"))
    if not (np.isfinite(time_limit_s) and time_limit_s > 0):
        problems.append(FieldProblem("time_limit_s", "must be a number of seconds > 0"))
    if not (np.isfinite(mip_rel_gap) and 0 <= mip_rel_gap < 1):
        problems.append(FieldProblem("mip_rel_gap", "must be in [0, 1)"))
    if problems:
        raise InvalidInputError("the solver options are not valid", problems=problems)
    if backend == "cbc" and not cbc_available():
        raise InvalidInputError(
            "the CBC backend needs PuLP, which is not installed (pip install pulp); "
            "use backend='highs'",
            problems=[FieldProblem("backend", "'cbc' needs the pulp package")],
        )


def _solve_highs(model: CoverModel, time_limit_s: float, mip_rel_gap: float) -> _Outcome:
    objective, matrix, upper = model.linear_system()
    integrality = np.concatenate([np.ones(model.n_sites), np.zeros(model.n_groups)])
    result = milp(
        objective,
        integrality=integrality,
        bounds=(0.0, 1.0),
        constraints=LinearConstraint(matrix, -np.inf, upper),
        options={"time_limit": float(time_limit_s), "mip_rel_gap": mip_rel_gap, "disp": False},
    )
    stopped = result.status == 1 and "time" in str(result.message).lower()
    sites = None
    if result.x is not None:
        sites = model.sites[np.asarray(result.x[: model.n_sites]) > 0.5]
    dual = getattr(result, "mip_dual_bound", None)
    gain_bound = -float(dual) if dual is not None and np.isfinite(dual) else None
    if gain_bound is None and result.status == 0 and result.fun is not None:
        gain_bound = -float(result.fun)
    return _Outcome(sites, gain_bound, stopped)


def _solve_cbc(
    model: CoverModel, time_limit_s: float, mip_rel_gap: float, start: IntArray | None = None
) -> _Outcome:
    import pulp

    problem = pulp.LpProblem("siting", pulp.LpMinimize)
    variable = _variable_factory(pulp, problem)
    x = [variable(f"x{i}", 0, 1, pulp.LpBinary) for i in range(model.n_sites)]
    y = [variable(f"y{g}", 0.0, 1.0, pulp.LpContinuous) for g in range(model.n_groups)]
    problem += pulp.LpAffineExpression(
        [(y[g], -float(w)) for g, w in enumerate(model.group_weight)]
    )
    cover = model.cover
    for g in range(model.n_groups):
        terms = [(x[i], -1.0) for i in cover.indices[cover.indptr[g] : cover.indptr[g + 1]]]
        problem += pulp.LpAffineExpression([(y[g], 1.0), *terms]) <= 0, f"c{g}"
    problem += pulp.lpSum(x) <= model.count, "count"
    if model.costs is not None and model.budget is not None:
        spend = pulp.LpAffineExpression([(x[i], float(c)) for i, c in enumerate(model.costs)])
        problem += spend <= model.budget, "budget"
    for k, (a, b) in enumerate(model.conflicts.tolist()):
        problem += x[a] + x[b] <= 1, f"s{k}"
    warm = start is not None and len(start) > 0
    if start is not None and warm:
        _set_start(model, x, y, start)
    with tempfile.TemporaryDirectory() as folder:
        log = Path(folder) / "cbc.log"
        problem.solve(_cbc_command(pulp, time_limit_s, mip_rel_gap, log, warm=warm))
        text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    values = np.array([v.varValue or 0.0 for v in x], dtype=np.float64)
    has_solution = problem.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
    optimal = problem.sol_status == pulp.LpSolutionOptimal
    stopped = not optimal and ("time" in text.lower() or problem.sol_status == 2)
    sites = model.sites[values > 0.5] if has_solution else None
    gain_bound = _cbc_bound(text, problem, optimal)
    return _Outcome(sites, gain_bound, stopped)


def _set_start(model: CoverModel, x: list[Any], y: list[Any], start: IntArray) -> None:
    """Give CBC the greedy sites (positions in the model) as its first incumbent."""
    on = np.zeros(model.n_sites, dtype=bool)
    on[start] = True
    covered = np.zeros(model.n_groups, dtype=bool)
    covered[model.by_site[np.flatnonzero(on)].indices] = True
    for variable, value in zip(x, on.tolist(), strict=True):
        variable.setInitialValue(1 if value else 0)
    for variable, value in zip(y, covered.tolist(), strict=True):
        variable.setInitialValue(1.0 if value else 0.0)


def _cbc_command(
    pulp: Any, time_limit_s: float, mip_rel_gap: float, log: Path, *, warm: bool = False
) -> Any:
    """CBC from ``pulp[cbc]`` (``COIN_CMD``) when installed, else the binary bundled with PuLP.

    PuLP 3.3 flags its bundled ``PULP_CBC_CMD`` as deprecated (removed in PuLP 4.0); that
    warning is silenced here only, as it asks the installer, not this code, to change.
    """
    options = {
        "msg": False,
        "timeLimit": time_limit_s,
        "gapRel": mip_rel_gap,
        "logPath": str(log),
        "warmStart": warm,
    }
    command = pulp.COIN_CMD(**options)
    if command.available():
        return command
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return pulp.PULP_CBC_CMD(**options)


def _variable_factory(pulp: Any, problem: Any) -> Any:
    """``problem.add_variable`` (PuLP >= 3.3, which deprecates ``LpVariable(...)``) or the class."""
    return getattr(problem, "add_variable", None) or pulp.LpVariable


def _cbc_bound(text: str, problem: Any, optimal: bool) -> float | None:
    """Best proven gain bound from CBC: its "Lower bound" line, else the optimum."""
    match = re.findall(r"Lower bound:\s*(-?[0-9.eE+-]+)", text)
    if match:
        return -float(match[-1])
    if optimal and problem.objective is not None:
        value = problem.objective.value()
        return -float(value) if value is not None else None
    return None
