# SPDX-License-Identifier: MIT
"""Where the next sites should go: maximal covering location over the real streets.

Build the candidates × demand coverage matrix (:func:`coverage_matrix`, exact network distances),
state the question (:class:`SitingProblem`, or :func:`network_problem` from a commune's engine),
then :func:`solve` it with the lazy greedy (:func:`solve_greedy`) or a MILP (:func:`solve_exact`).
"""

from mobility.siting.bounds import greedy_bound, lagrangian_bound
from mobility.siting.exact import cbc_available, solve_exact
from mobility.siting.greedy import solve_greedy
from mobility.siting.instance import (
    covered_by,
    demand_weights,
    metric_positions,
    network_problem,
    spacing_conflicts,
)
from mobility.siting.matrix import coverage_matrix
from mobility.siting.problem import MAX_COUNT, SitingProblem
from mobility.siting.solution import Pick, SitingSolution
from mobility.siting.solve import prefers_exact, solve

__all__ = [
    "MAX_COUNT",
    "Pick",
    "SitingProblem",
    "SitingSolution",
    "cbc_available",
    "coverage_matrix",
    "covered_by",
    "demand_weights",
    "greedy_bound",
    "lagrangian_bound",
    "metric_positions",
    "network_problem",
    "prefers_exact",
    "solve",
    "solve_exact",
    "solve_greedy",
    "spacing_conflicts",
]
