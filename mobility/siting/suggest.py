# SPDX-License-Identifier: MIT
"""Where the next sites should go, and what each one gains: the planner's siting answer.

Ties a commune's context (streets, demand) to the solvers: builds the candidates, removes the
excluded ones, fixes the existing sites, solves, and explains each suggested site in the terms a
council understands: the street it is on, the inhabitants it brings within reach, the running
total, and the gap polygons it closes or shrinks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import shapely

from mobility.assets import Asset
from mobility.coverage.analysis import (
    CoverageResult,
    compute_coverage,
    missing_population_reason,
)
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import KeptGaps, kept_gaps
from mobility.coverage.layers import asset_coordinates
from mobility.coverage.threshold import Threshold
from mobility.errors import FieldProblem, InvalidInputError
from mobility.siting.candidates import Candidate, exclude
from mobility.siting.instance import network_problem
from mobility.siting.problem import MAX_COUNT, SitingSolution
from mobility.siting.solve import solve

SolveMethod = Literal["auto", "greedy", "exact"]


@dataclass(frozen=True)
class SitingRequest:
    """A siting question: how many sites (or how much money), within which reach, where."""

    threshold: Threshold
    existing_filter: AssetFilter
    count: int | None = None
    budget: float | None = None
    cost_per_site: float | None = None
    min_spacing_m: float | None = None
    method: SolveMethod = "auto"
    time_limit_s: float = 10.0


@dataclass(frozen=True)
class SiteSuggestion:
    """One suggested site, in rank order."""

    rank: int
    candidate: Candidate
    street: str | None
    population_gained: float
    population_covered_after: float
    share_after: float
    cost: float | None
    gaps_closed: list[str]
    gaps_reduced: list[str]

    def to_feature(self) -> dict[str, Any]:
        """Return the site as a GeoJSON Feature with the figures that justify it."""
        return {
            "type": "Feature",
            "id": self.rank,
            "geometry": {"type": "Point", "coordinates": [self.candidate.lon, self.candidate.lat]},
            "properties": {
                "rank": self.rank,
                "candidate_id": self.candidate.id,
                "candidate_type": self.candidate.type,
                "name": self.candidate.name,
                "street": self.street,
                "population_gained": round(self.population_gained, 1),
                "population_covered_after": round(self.population_covered_after, 1),
                "share_after": round(self.share_after, 4),
                "cost": self.cost,
                "gaps_closed": self.gaps_closed,
                "gaps_reduced": self.gaps_reduced,
            },
        }


@dataclass
class SitingAnswer:
    """The suggested sites with the before/after figures and how the answer was found."""

    sites: list[SiteSuggestion]
    solution: SitingSolution
    before: CoverageResult
    candidates_considered: int
    candidates_excluded: int
    candidates_off_network: int
    candidates_outside_commune: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Return the figures a planner quotes."""
        total = self.before.population_total
        before = self.solution.value_before
        after = self.solution.value_after
        return {
            "population_covered_before": round(before, 1),
            "population_covered_after": round(after, 1),
            "population_gained": round(after - before, 1),
            "share_before": round(before / total, 4) if total > 0 else 0.0,
            "share_after": round(after / total, 4) if total > 0 else 0.0,
            "method": self.solution.method,
            "backend": self.solution.backend,
            "optimality_gap": _rounded(self.solution.optimality_gap),
            "gain_gap": _rounded(self.solution.gain_gap),
            "upper_bound": _rounded(self.solution.bound),
            "stopped_by_time_limit": self.solution.stopped_by_time_limit,
            "solve_time_s": round(self.solution.solve_time_s, 4),
            "sites": len(self.sites),
            "candidates_considered": self.candidates_considered,
            "candidates_excluded": self.candidates_excluded,
            "candidates_off_network": self.candidates_off_network,
            "candidates_outside_commune": self.candidates_outside_commune,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None or not np.isfinite(value) else round(float(value), 6)


def suggest_sites(
    context: CommuneContext,
    existing: Sequence[Asset],
    candidates: list[Candidate],
    request: SitingRequest,
    *,
    exclusions: shapely.Geometry | None = None,
) -> SitingAnswer:
    """Choose new sites among the candidates to cover the most inhabitants not yet covered."""
    if request.count is None and request.budget is None:
        raise InvalidInputError(
            "say how many sites to place, or the budget",
            problems=[FieldProblem("count", "give count or budget")],
        )
    demand_points = context.demand
    missing = missing_population_reason(context)  # never None when demand_points is None
    if demand_points is None or missing is not None:
        raise InvalidInputError(
            f"no sites can be ranked by the inhabitants they reach: {missing}",
            problems=[FieldProblem("code", str(missing))],
        )
    threshold = request.threshold
    engine = context.engine(threshold.mode)
    kept = exclude(candidates, exclusions)
    excluded = len(candidates) - len(kept)
    if not kept:
        raise InvalidInputError(
            "no candidate is left after the exclusions",
            problems=[FieldProblem("exclusions", f"all {len(candidates)} candidates excluded")],
        )
    inside = inside_commune(context, kept)
    if not inside:
        raise InvalidInputError(
            "no candidate lies inside the commune",
            problems=[
                FieldProblem(
                    "candidates",
                    f"all {len(kept)} candidates stand in the commune's surroundings: a site is "
                    "proposed in the commune, never in a neighbour's streets",
                )
            ],
        )
    outside = len(kept) - len(inside)
    kept = inside
    snapped = engine.snap([c.lon for c in kept], [c.lat for c in kept])
    on_network = np.flatnonzero(~snapped.too_far)
    if len(on_network) == 0:
        raise InvalidInputError(
            "no candidate lies near enough to the streets",
            problems=[FieldProblem("candidates", "every candidate is off the street network")],
        )
    usable = [kept[i] for i in on_network.tolist()]
    snapped = snapped.take(on_network)
    demand = context.snapped_demand(threshold.mode)
    population = demand_points.points["population"].to_numpy(dtype=np.float64)
    existing_snapped = engine.snap(*asset_coordinates(existing))
    costs = _costs(usable, request)
    problem = network_problem(
        engine,
        demand,
        snapped,
        population,
        cutoff=threshold.cutoff,
        count=request.count if request.count is not None else min(len(usable), MAX_COUNT),
        existing=existing_snapped,
        weight=threshold.weight,
        costs=costs,
        budget=request.budget,
        min_spacing_m=request.min_spacing_m,
    )
    solution = solve(problem, request.method, time_limit_s=request.time_limit_s)
    before = compute_coverage(  # unbounded: the gaps tell how far their nearest asset is
        context, existing, threshold=threshold, asset_filter=request.existing_filter, bounded=False
    )
    gaps = kept_gaps(context, before)
    sites = _explain(problem.matrix, solution, usable, snapped.edge_index, engine, before, gaps)
    notes = list(before.notes)
    wanted = request.count
    if wanted is not None and len(sites) < wanted:
        notes.append(
            f"only {len(sites)} of the {wanted} sites asked for bring anyone new within reach: "
            "the other candidates would cover nobody who is not covered already"
        )
    if solution.stopped_by_time_limit:
        notes.append("the exact solver hit its time limit: the gap to the optimum is stated")
    return SitingAnswer(
        sites=sites,
        solution=solution,
        before=before,
        candidates_considered=len(usable),
        candidates_excluded=excluded,
        candidates_off_network=len(kept) - len(usable),
        candidates_outside_commune=outside,
        notes=notes,
    )


def inside_commune(context: CommuneContext, candidates: list[Candidate]) -> list[Candidate]:
    """Return the candidates standing inside the commune (all of them without surroundings).

    The street graph of a commune with surroundings reaches into its neighbours: their crossings
    and streets serve its homes, but a new site is the commune's to build, so it goes inside.
    """
    if not context.record.margin_m or not candidates:
        return candidates
    lon = np.array([c.lon for c in candidates], dtype=np.float64)
    lat = np.array([c.lat for c in candidates], dtype=np.float64)
    keep = np.asarray(context.place.inside_commune(lon, lat), dtype=bool)
    return [c for c, inside in zip(candidates, keep.tolist(), strict=True) if inside]


def _costs(candidates: list[Candidate], request: SitingRequest) -> np.ndarray | None:
    if request.budget is None:
        return None
    costs = [c.cost if c.cost is not None else request.cost_per_site for c in candidates]
    if any(cost is None for cost in costs):
        raise InvalidInputError(
            "a budget needs a cost for every candidate",
            problems=[FieldProblem("cost_per_site", "give cost_per_site or a cost per candidate")],
        )
    return np.array(costs, dtype=np.float64)


def _explain(
    matrix: Any,
    solution: SitingSolution,
    candidates: list[Candidate],
    edge_index: np.ndarray,
    engine: Any,
    before: CoverageResult,
    gaps: KeptGaps,
) -> list[SiteSuggestion]:
    membership = gaps.membership(before)
    covered = np.asarray(before.covered, dtype=bool).copy()
    total = before.population_total
    sites = []
    for rank, pick in enumerate(solution.picks, start=1):
        row = matrix.getrow(pick.candidate).indices
        newly = row[~covered[row]]
        touched = set(membership[newly].tolist()) - {0}
        covered[newly] = True
        closed = [g for g in sorted(touched) if not np.any((membership == g) & ~covered)]
        candidate = candidates[pick.candidate]
        street = engine.edges.name[int(edge_index[pick.candidate])]
        sites.append(
            SiteSuggestion(
                rank=rank,
                candidate=candidate,
                street=str(street) if street is not None else None,
                population_gained=pick.gain,
                population_covered_after=pick.covered_after,
                share_after=pick.covered_after / total if total > 0 else 0.0,
                cost=pick.cost,
                gaps_closed=[f"gap-{g}" for g in closed],
                gaps_reduced=[f"gap-{g}" for g in sorted(touched) if g not in closed],
            )
        )
    return sites
