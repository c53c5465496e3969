# SPDX-License-Identifier: MIT
"""The coverage analyses as a request asks them: one entry point per question.

Each takes the commune's cached context, the store, the validated question and the scenario
(already read, or None for the base data), refuses a reach longer than the commune's
surroundings, reads the layer once and answers with its method stated, the scenario and the
surroundings included. The routes call these, one per request.
"""

from __future__ import annotations

from dataclasses import dataclass

from mobility.assets import Layer
from mobility.coverage.analysis import CoverageResult, compute_coverage, describe_method
from mobility.coverage.areas import compute_service_areas, describe_drawing
from mobility.coverage.context import CommuneContext
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import RANKING_RULES, GapRanking, demand_spacing_m, kept_gaps
from mobility.coverage.layers import ScenarioChanges, describe_scenario, read_kept
from mobility.coverage.surroundings import check_reach
from mobility.coverage.threshold import Threshold
from mobility.coverage.zones import commune_zones, zone_coverage_features
from mobility.geojson import AnalysisCollection
from mobility.store.base import Store


@dataclass(frozen=True)
class CoverageQuestion:
    """Which assets serve the population, and within which reach."""

    threshold: Threshold
    asset_filter: AssetFilter

    @property
    def layer(self) -> Layer:
        """Return the layer whose assets serve."""
        return self.asset_filter.layer


def run_coverage(
    context: CommuneContext,
    store: Store,
    question: CoverageQuestion,
    scenario: ScenarioChanges | None = None,
    *,
    bounded: bool = True,
) -> CoverageResult:
    """Answer who lives within reach of the layer's assets (as the scenario has them).

    ``bounded`` searches only up to the threshold (see :func:`compute_coverage`).
    """
    check_reach(context, question.threshold)
    assets = read_kept(store, context.record.code, question.asset_filter, scenario)
    result = compute_coverage(
        context,
        assets,
        threshold=question.threshold,
        asset_filter=question.asset_filter,
        bounded=bounded,
    )
    result.method.update(describe_scenario(scenario))
    return result


def run_service_areas(
    context: CommuneContext,
    store: Store,
    question: CoverageQuestion,
    scenario: ScenarioChanges | None = None,
    *,
    dissolve: bool,
) -> AnalysisCollection:
    """Answer which streets lie within reach of each asset, or of all of them dissolved."""
    check_reach(context, question.threshold)
    assets = read_kept(store, context.record.code, question.asset_filter, scenario)
    threshold = question.threshold
    areas = compute_service_areas(context, list(assets), threshold=threshold, dissolve=dissolve)
    method = describe_method(context, threshold, question.asset_filter, assets)
    return AnalysisCollection(
        features=[area.to_feature(threshold) for area in areas],
        notes=[] if assets else [f"no {question.asset_filter.describe()} in this commune"],
        method=method | {"drawing": describe_drawing()} | describe_scenario(scenario),
    )


def run_gaps(
    context: CommuneContext,
    store: Store,
    question: CoverageQuestion,
    scenario: ScenarioChanges | None = None,
    *,
    min_population: float = 0.0,
    by: GapRanking = "population",
) -> AnalysisCollection:
    """Answer where the uncovered inhabitants live, ranked by unserved population (or poverty).

    The search is not bounded: each gap tells how far its nearest asset is.
    """
    result = run_coverage(context, store, question, scenario, bounded=False)
    spacing = demand_spacing_m(result)
    gaps = kept_gaps(context, result, spacing_m=spacing, min_population=min_population, by=by)
    return AnalysisCollection(
        features=gaps.features(),
        summary=result.summary(),
        notes=result.notes,
        method=result.method
        | {
            "gaps": f"uncovered demand points grown by {spacing:g} m (the demand "
            "spacing), merged where they touch and clipped to the commune boundary",
            "ranking": RANKING_RULES[by],
        },
    )


def run_coverage_zones(
    context: CommuneContext,
    store: Store,
    question: CoverageQuestion,
    scenario: ScenarioChanges | None = None,
) -> AnalysisCollection:
    """Answer the coverage per population zone, as the zones' polygons with their share."""
    result = run_coverage(context, store, question, scenario)
    population = store.get_commune_file(context.record.code, "population")
    features = (
        zone_coverage_features(commune_zones(population, context.record.boundary), result.zones())
        if population is not None
        else []
    )
    return AnalysisCollection(
        features=features, summary=result.summary(), notes=result.notes, method=result.method
    )
