# SPDX-License-Identifier: MIT
"""The siting question as a request asks it: where the next sites go, from which candidates.

:func:`run_siting` reads the layer once (as the scenario has it, when one is given), gathers
the candidates the question names, solves and states the method, scenario included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from mobility.assets import HubMode, Layer, ParkingKind
from mobility.coverage.analysis import describe_method
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.layers import ScenarioChanges, describe_scenario, read_kept, read_layer
from mobility.coverage.surroundings import check_reach
from mobility.geojson import AnalysisCollection
from mobility.network.engine import DistanceEngine
from mobility.siting import candidates as candidate_sources
from mobility.siting.candidates import Candidate
from mobility.siting.suggest import SitingRequest, suggest_sites
from mobility.store.base import Store

CandidateSource = Literal["intersections", "street_points", "parking", "hubs", "custom"]
PowerClass = Literal["ac_7", "ac_22", "dc_50", "dc_150"]
POWER_CLASSES: dict[PowerClass, float] = {
    "ac_7": 7.0,
    "ac_22": 22.0,
    "dc_50": 50.0,
    "dc_150": 150.0,
}
"""The least power (kW) of an existing point counted as covering, per charging class."""
DEFAULT_CANDIDATE_SPACING_M = 100.0


@dataclass(frozen=True)
class CandidateChoice:
    """Where new sites may go: which source, and that source's own setting."""

    source: CandidateSource = "intersections"
    spacing_m: float = DEFAULT_CANDIDATE_SPACING_M
    parking_kind: ParkingKind | None = None
    hub_mode: HubMode | None = None
    features: Any = None


@dataclass(frozen=True)
class SitingQuestion:
    """A siting question: the layer's existing sites, the candidates and the solver's terms."""

    request: SitingRequest
    candidates: CandidateChoice
    exclusions: Any = None

    @property
    def existing_filter(self) -> AssetFilter:
        """Return which existing assets count as covering already."""
        return self.request.existing_filter


def gather_candidates(
    choice: CandidateChoice,
    engine: DistanceEngine,
    store: Store,
    code: str,
    scenario: ScenarioChanges | None = None,
) -> list[Candidate]:
    """Return the candidates of the chosen source (parking and hubs as the scenario has them)."""
    if choice.source == "intersections":
        return candidate_sources.intersections(engine)
    if choice.source == "street_points":
        return candidate_sources.street_points(engine, spacing_m=choice.spacing_m)
    if choice.source == "parking":
        rule = AssetFilter(Layer.PARKING, kind=choice.parking_kind)
        parking = read_layer(store, code, Layer.PARKING, scenario)
        return candidate_sources.from_assets(rule.apply(parking), "parking")
    if choice.source == "hubs":
        rule = AssetFilter(Layer.HUBS, mode=choice.hub_mode)
        hubs = read_layer(store, code, Layer.HUBS, scenario)
        return candidate_sources.from_assets(rule.apply(hubs), "hub")
    return candidate_sources.from_features(choice.features)


def run_siting(
    context: CommuneContext,
    store: Store,
    question: SitingQuestion,
    scenario: ScenarioChanges | None = None,
) -> AnalysisCollection:
    """Suggest the next sites by the maximal covering problem, the existing sites fixed."""
    code = context.record.code
    threshold = question.request.threshold
    check_reach(context, threshold)
    exclusions = candidate_sources.read_exclusions(question.exclusions)  # refused before building
    rule = question.existing_filter
    existing = read_kept(store, code, rule, scenario)
    engine = context.engine(threshold.mode)
    answer = suggest_sites(
        context,
        existing,
        gather_candidates(question.candidates, engine, store, code, scenario),
        question.request,
        exclusions=exclusions,
    )
    method = describe_method(context, threshold, rule, existing)
    method |= describe_scenario(scenario) | {"siting": describe_siting(question.candidates)}
    return AnalysisCollection(
        features=[site.to_feature() for site in answer.sites],
        summary=answer.summary(),
        notes=answer.notes,
        method=method,
    )


def describe_siting(choice: CandidateChoice) -> str:
    """Return the siting method in words, for the answer's method."""
    return (
        "maximal covering location problem on the street network: new sites chosen among "
        f"{choice.source} candidates inside the commune (never in its surroundings) to cover "
        "the most inhabitants not yet within reach of an existing site (those of the "
        "surroundings included); 'greedy' adds the best site one at a time (at least 1 - 1/e "
        "of the optimum) then keeps any single swap that covers more, with an upper bound "
        "stated), 'exact' a sparse MILP (HiGHS or CBC, chosen by the "
        "model's size; summary.backend names it) with its proven gap"
    )
