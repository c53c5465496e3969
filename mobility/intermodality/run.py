# SPDX-License-Identifier: MIT
"""The hub analyses as a request asks them: the report, the hubs as points, the candidates.

:func:`run_intermodality` reads the three layers once (as the scenario has them, when one is
given) and assesses the hubs; the shaping functions turn its result into the served answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from mobility.assets import HubMode, Layer
from mobility.coverage.context import CommuneContext
from mobility.coverage.layers import ScenarioChanges, describe_scenario, read_layer
from mobility.coverage.surroundings import check_reaches
from mobility.geojson import AnalysisCollection
from mobility.intermodality.analysis import (
    IntermodalityResult,
    addition_properties,
    analyse_intermodality,
    candidate_feature,
    hub_properties,
)
from mobility.intermodality.modes import EXPECTED_MODES, AddableMode, Reach, score_formula
from mobility.store.base import Store

CANDIDATES_RULE = (
    "POST the FeatureCollection as candidates: {type: 'custom', features: …} to "
    "/communes/{code}/siting; each point is the hub's location"
)


@dataclass(frozen=True)
class HubsQuestion:
    """How far each mode may be from a hub, and which hubs to assess (all when no mode)."""

    reach: Reach
    hub_mode: HubMode | None = None


def run_intermodality(
    context: CommuneContext,
    store: Store,
    question: HubsQuestion,
    scenario: ScenarioChanges | None = None,
) -> IntermodalityResult:
    """Assess every hub along the walking streets, on the base data or the scenario's.

    A reach longer than the commune's surroundings is refused, naming the field that set it.
    """
    check_reaches(
        context,
        {name: (metres, f"{metres:g} m") for name, metres in question.reach.fields().items()},
    )
    code = context.record.code
    result = analyse_intermodality(
        context,
        hubs=read_layer(store, code, Layer.HUBS, scenario),
        parking=read_layer(store, code, Layer.PARKING, scenario),
        charging_points=read_layer(store, code, Layer.CHARGING_POINTS, scenario),
        reach=question.reach,
        hub_mode=question.hub_mode,
    )
    result.method.update(describe_scenario(scenario))
    return result


def hub_rows(result: IntermodalityResult) -> list[dict[str, Any]]:
    """Return the hubs' rows, least complete first, each with its best addition."""
    best = result.best_additions()
    return [
        hub_properties(hub, rank, best.get(hub.hub.id))
        for rank, hub in enumerate(result.hubs, start=1)
    ]


def intermodality_report(result: IntermodalityResult) -> dict[str, Any]:
    """Return the report: the reach, the score's rule, the hubs and the ranked additions."""
    return {
        "commune": result.commune,
        "reach_m": result.reach.to_dict(),
        "expected_modes": list(EXPECTED_MODES),
        "score_formula": score_formula(),
        "summary": result.summary(),
        "hubs": hub_rows(result),
        "additions": [
            addition_properties(addition, rank, result.reach)
            for rank, addition in enumerate(result.additions, start=1)
        ],
        "notes": result.notes,
        "method": result.method,
    }


def hub_collection(result: IntermodalityResult) -> AnalysisCollection:
    """Return the hubs as Points carrying the report's rows."""
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [hub.hub.lon, hub.hub.lat]},
            "properties": row,
        }
        for hub, row in zip(result.hubs, hub_rows(result), strict=True)
    ]
    return AnalysisCollection(
        features=features, summary=result.summary(), notes=result.notes, method=result.method
    )


def candidate_collection(
    result: IntermodalityResult, missing_mode: AddableMode | None = None
) -> AnalysisCollection:
    """Return the ranked additions as siting candidates (Points with id, name and gain)."""
    additions = result.candidates(missing_mode)
    notes = list(result.notes)
    if not additions:
        notes.append("no hub lacks an addable mode within its reach: no candidate")
    return AnalysisCollection(
        features=[
            candidate_feature(addition, rank, result.reach)
            for rank, addition in enumerate(additions, start=1)
        ],
        summary=result.summary(),
        notes=notes,
        method=result.method | {"candidates": CANDIDATES_RULE},
    )
