# SPDX-License-Identifier: MIT
"""One entry point: choose the greedy or the exact solver for a siting problem.

The ``auto`` method rule comes from measurements (``scripts/bench_siting.py``: time to a
proven optimum with the ``auto`` backend against the greedy's, by the number of nonzeros of the
reduced model, :attr:`CoverModel.size`, before Lagrangian fixing; the table is in
``docs/performance.md``, "Greedy or exact"): on small models the exact solve is quick, on large
ones it may run to its time limit while the greedy answer is already close to the optimum.

So ``auto`` solves exactly up to :data:`EXACT_MAX_SIZE` nonzeros, and beyond takes the greedy
answer, whose gap to its proven bound is stated. The exact solver's own backend (HiGHS or CBC)
is chosen in :func:`mobility.siting.exact.choose_backend`, by the size of the model it is
handed; :func:`solve` passes ``backend="auto"`` unless told otherwise.
"""

from __future__ import annotations

from typing import Literal

from mobility.errors import FieldProblem, InvalidInputError
from mobility.siting.exact import DEFAULT_TIME_LIMIT_S, Backend, solve_exact
from mobility.siting.greedy import solve_greedy
from mobility.siting.model import build_model
from mobility.siting.problem import SitingProblem
from mobility.siting.solution import SitingSolution

SolveMethod = Literal["auto", "greedy", "exact"]

EXACT_MAX_SIZE = 30_000
"""``auto`` solves exactly when the reduced model has at most this many nonzeros."""


def solve(
    problem: SitingProblem,
    method: SolveMethod = "auto",
    *,
    time_limit_s: float = DEFAULT_TIME_LIMIT_S,
    backend: Backend = "auto",
) -> SitingSolution:
    """Solve a siting problem with the chosen method.

    ``auto`` runs the exact solver when :func:`prefers_exact`, else the greedy. The exact
    solver's ``backend`` defaults to ``"auto"``: HiGHS or CBC by the reduced model's size
    (:func:`mobility.siting.exact.choose_backend`), so callers such as the API get the faster
    one without naming it.
    The exact solver stops at ``time_limit_s`` and then returns its best sites (never worse
    than the greedy ones) with the proven gap.

    Raises
    ------
    InvalidInputError
        On an unknown method (field ``method``).
    """
    if method == "greedy":
        return solve_greedy(problem)
    if method == "exact":
        return solve_exact(problem, time_limit_s=time_limit_s, backend=backend)
    if method == "auto":
        if prefers_exact(problem):
            return solve_exact(problem, time_limit_s=time_limit_s, backend=backend)
        return solve_greedy(problem)
    raise InvalidInputError(
        f"unknown method {method!r}",
        problems=[FieldProblem("method", "must be 'auto', 'greedy' or 'exact'")],
    )


def prefers_exact(problem: SitingProblem) -> bool:
    """Whether ``auto`` solves the problem exactly: at most :data:`EXACT_MAX_SIZE` nonzeros."""
    return build_model(problem).size <= EXACT_MAX_SIZE
