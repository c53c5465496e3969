# SPDX-License-Identifier: MIT
"""Intermodal hubs: which modes meet at each hub along the streets, and what to add where."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import ContextDep, ScenarioDep, StoreDep
from api.params import AnswerFormat
from api.questions import HubsQuestionDep
from api.responses import GeoJSONResponse, problem_responses
from api.schemas_analysis import AnalysisFeatureCollection
from api.schemas_intermodality import IntermodalityReport
from mobility.intermodality import AddableMode
from mobility.intermodality.run import (
    candidate_collection,
    hub_collection,
    intermodality_report,
    run_intermodality,
)

router = APIRouter(prefix="/communes/{code}/hubs", tags=["Intermodal hubs"])
PROBLEMS = problem_responses(404, 422)


@router.get(
    "/intermodality",
    operation_id="getHubIntermodality",
    summary="Which modes meet at each hub, its completeness, what is missing and what to add",
    response_model=IntermodalityReport,
    responses={
        **PROBLEMS,
        200: {
            "content": {"application/geo+json": {}},
            "description": "JSON report, or with f=geojson the hubs as Points with the same rows.",
        },
    },
)
def get_intermodality(
    question: HubsQuestionDep,
    context: ContextDep,
    scenario: ScenarioDep,
    store: StoreDep,
    f: Annotated[
        AnswerFormat,
        Query(description="json: report; geojson: the hubs as Points with their rows."),
    ] = "json",
) -> JSONResponse:
    """Assess every hub along the walking streets; rank the hubs and the additions."""
    result = run_intermodality(context, store, question, scenario)
    if f == "geojson":
        return GeoJSONResponse(hub_collection(result).to_geojson())
    return JSONResponse(intermodality_report(result))


@router.get(
    "/intermodality/candidates",
    operation_id="getHubIntermodalityCandidates",
    summary="The ranked additions as siting candidates (POST them to /siting as custom)",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_candidates(
    question: HubsQuestionDep,
    context: ContextDep,
    scenario: ScenarioDep,
    store: StoreDep,
    missing_mode: Annotated[
        AddableMode | None,
        Query(
            description="Only hubs lacking this mode, ranked by the hubs an asset of it would "
            "serve (for a siting question on the matching layer); every hub's best mode when "
            "absent."
        ),
    ] = None,
) -> GeoJSONResponse:
    """Return the additions as Points with id, name and gain, in the custom candidates shape."""
    result = run_intermodality(context, store, question, scenario)
    return GeoJSONResponse(candidate_collection(result, missing_mode).to_geojson())
