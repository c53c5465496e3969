# SPDX-License-Identifier: MIT
"""The map page (``GET /map``) and the two small GeoJSON routes it draws from.

The page itself is rendered by :mod:`api.map_page`; ``MAP_PAGE`` is read here at each request
so a test can point it at a page of its own.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from api.deps import ContextDep, ScenarioDep, SettingsDep, StoreDep
from api.map_page import CONFIG_MARKER, MAP_PAGE, render_map_page
from api.params import CommuneQuery
from api.questions import CoverageQuestionDep
from api.responses import GeoJSONResponse, problem_responses
from api.schemas_analysis import AnalysisFeatureCollection
from mobility.coverage.run import run_coverage_zones
from mobility.coverage.streets import commune_streets

__all__ = ["CONFIG_MARKER", "MAP_PAGE", "router"]

router = APIRouter(tags=["Map"])
PROBLEMS = problem_responses(404, 422)


class StreetCollection(BaseModel):
    """The commune's street segments, for drawing (one feature per segment)."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]] = Field(
        description="LineStrings with name, length_m, walk, drive and oneway."
    )
    source: dict[str, Any] | None = Field(
        default=None, description="The street file: filename, attribution, licence, SHA-256."
    )


@router.get("/map", include_in_schema=False, response_class=HTMLResponse)
def map_page(store: StoreDep, settings: SettingsDep, commune: CommuneQuery = None) -> HTMLResponse:
    """Serve the map page for a commune (the first loaded one by default)."""
    return render_map_page(MAP_PAGE, store, settings, commune)


@router.get(
    "/communes/{code}/streets.geojson",
    operation_id="getStreets",
    summary="The commune's streets as GeoJSON lines (one per segment), for drawing",
    response_model=StreetCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_streets(context: ContextDep) -> GeoJSONResponse:
    """Return every street segment of the commune's graph, with its name and modes."""
    return GeoJSONResponse(commune_streets(context))


@router.get(
    "/communes/{code}/coverage/zones",
    operation_id="getCoverageZones",
    summary="Coverage per population zone (IRIS), as the zones' polygons with their share",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_coverage_zones(
    question: CoverageQuestionDep, context: ContextDep, scenario: ScenarioDep, store: StoreDep
) -> GeoJSONResponse:
    """Return the coverage report's per-zone table joined to the zone polygons, with the summary."""
    return GeoJSONResponse(run_coverage_zones(context, store, question, scenario).to_geojson())
