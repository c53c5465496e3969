# SPDX-License-Identifier: MIT
"""Coverage, service areas and gaps of a commune, along the real streets."""

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse

from api.deps import ContextDep, ScenarioDep, StoreDep
from api.params import AnswerFormat
from api.questions import CoverageQuestionDep
from api.responses import (
    EncodedGeoJSONResponse,
    FastJSONResponse,
    GeoJSONResponse,
    problem_responses,
)
from api.schemas_analysis import AnalysisFeatureCollection, CoverageReport
from mobility.coverage.gaps import GapRanking
from mobility.coverage.report import coverage_report, demand_collection_json
from mobility.coverage.run import run_coverage, run_gaps, run_service_areas

router = APIRouter(prefix="/communes/{code}", tags=["Coverage and gaps"])
PROBLEMS = problem_responses(404, 422, 503)
COSTLY_PROBLEMS = problem_responses(404, 422, 429, 503)


@router.get(
    "/coverage",
    operation_id="getCoverage",
    summary="Share of inhabitants within reach of an asset layer, per zone",
    response_model=CoverageReport,
    responses={
        **PROBLEMS,
        200: {
            "content": {"application/geo+json": {}},
            "description": "JSON report, or with f=geojson the demand points with their distance.",
        },
    },
)
def get_coverage(
    question: CoverageQuestionDep,
    context: ContextDep,
    scenario: ScenarioDep,
    store: StoreDep,
    f: Annotated[
        AnswerFormat,
        Query(description="json: report; geojson: every demand point with its distance."),
    ] = "json",
) -> FastJSONResponse | EncodedGeoJSONResponse:
    """Return who lives within the threshold of the layer's assets, along the streets."""
    result = run_coverage(context, store, question, scenario)
    if f == "geojson":
        return EncodedGeoJSONResponse(demand_collection_json(result))
    return FastJSONResponse(coverage_report(result))


@router.get(
    "/service-areas",
    operation_id="getServiceAreas",
    summary="The streets within reach of each asset (or of all, dissolved)",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=COSTLY_PROBLEMS,
)
def get_service_areas(
    question: CoverageQuestionDep,
    context: ContextDep,
    scenario: ScenarioDep,
    store: StoreDep,
    dissolve: Annotated[
        bool, Query(description="One area for the whole layer instead of one per asset.")
    ] = True,
) -> JSONResponse:
    """Return the reached street stretches as bands, per asset or dissolved."""
    areas = run_service_areas(context, store, question, scenario, dissolve=dissolve)
    return GeoJSONResponse(areas.to_geojson())


@router.get(
    "/gaps",
    operation_id="getGaps",
    summary="Where the uncovered inhabitants live, ranked by unserved population",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_gaps(
    question: CoverageQuestionDep,
    context: ContextDep,
    scenario: ScenarioDep,
    store: StoreDep,
    min_population: Annotated[
        float, Query(ge=0, le=10_000_000, description="Leave out smaller gaps (inhabitants).")
    ] = 0.0,
    by: Annotated[
        GapRanking,
        Query(
            description="Rank the gaps by the inhabitants (population) or the poor households "
            "(poverty) they leave out; poverty needs a population source that counts them "
            "(INSEE's Filosofi grid), else 422."
        ),
    ] = "population",
) -> JSONResponse:
    """Return the gap polygons with their unserved population, area and nearest asset."""
    gaps = run_gaps(context, store, question, scenario, min_population=min_population, by=by)
    return GeoJSONResponse(gaps.to_geojson())
