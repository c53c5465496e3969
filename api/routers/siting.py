# SPDX-License-Identifier: MIT
"""Siting suggestions: where the next N sites should go, and what each one gains."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import ContextDep, StoreDep
from api.params import SCENARIO_ID_PATTERN, CodePath
from api.responses import GeoJSONResponse, problem_responses
from api.schemas_analysis import AnalysisFeatureCollection
from mobility.assets import HubMode, Layer, ParkingKind
from mobility.commune import Mode
from mobility.coverage.filters import AssetFilter
from mobility.coverage.threshold import MAX_WITHIN_M, MAX_WITHIN_MIN, make_threshold
from mobility.scenarios import read_scenario
from mobility.siting.run import (
    DEFAULT_CANDIDATE_SPACING_M,
    POWER_CLASSES,
    CandidateChoice,
    CandidateSource,
    PowerClass,
    SitingQuestion,
    run_siting,
)
from mobility.siting.suggest import SitingRequest

router = APIRouter(prefix="/communes/{code}", tags=["Siting"])


class CandidateSpec(BaseModel):
    """Where new sites may go."""

    model_config = ConfigDict(extra="forbid")

    type: CandidateSource = Field(
        default="intersections",
        description="Street crossings, points every spacing_m along the streets, existing "
        "parking or hubs (co-location), or your own points (features).",
    )
    spacing_m: float = Field(
        default=DEFAULT_CANDIDATE_SPACING_M, ge=10, le=5000, description="For street_points."
    )
    parking_kind: ParkingKind | None = Field(default=None, description="For parking candidates.")
    hub_mode: HubMode | None = Field(default=None, description="For hub candidates.")
    features: dict[str, Any] | None = Field(
        default=None,
        description="For custom: a GeoJSON FeatureCollection of Points; properties id, name, cost.",
    )


def _exactly_one(first: str, second: str) -> dict[str, Any]:
    """Return the JSON Schema of "exactly one of two numeric fields is given (not null)"."""
    return {
        "oneOf": [
            {"required": [name], "properties": {name: {"type": "number"}}}
            for name in (first, second)
        ]
    }


class SitingBody(BaseModel):
    """A siting question."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "allOf": [_exactly_one("count", "budget"), _exactly_one("within_m", "within_min")],
            # A question the shipped commune (75110) answers: clients, and the contract test,
            # start from a request that succeeds.
            "examples": [{"layer": "charging-points", "count": 3, "within_m": 300}],
        },
    )

    layer: Layer = Field(description="The layer the new sites belong to.")
    mode: Mode = "walk"
    within_m: float | None = Field(default=None, gt=0, le=MAX_WITHIN_M)
    within_min: float | None = Field(default=None, gt=0, le=MAX_WITHIN_MIN)
    count: int | None = Field(default=None, ge=1, le=1000, description="Number of new sites.")
    budget: float | None = Field(
        default=None, gt=0, description="Money available, instead of count."
    )
    cost_per_site: float | None = Field(default=None, ge=0, description="Cost of a site.")
    candidates: CandidateSpec = Field(default_factory=CandidateSpec)
    exclusions: dict[str, Any] | None = Field(
        default=None, description="GeoJSON polygons where no site may go."
    )
    min_spacing_m: float | None = Field(
        default=None, ge=0, le=10_000, description="Least straight-line distance between new sites."
    )
    power_class: PowerClass | None = Field(
        default=None,
        description="Charging sites: existing points of at least this power count as covering.",
    )
    hub_mode: HubMode | None = Field(default=None, description="Hubs: existing hubs of this mode.")
    parking_kind: ParkingKind | None = Field(default=None, description="Parking: this kind.")
    method: Literal["auto", "greedy", "exact"] = "auto"
    time_limit_s: float = Field(default=10.0, gt=0, le=120)
    scenario: str | None = Field(
        default=None,
        pattern=SCENARIO_ID_PATTERN,
        description="Plan on top of this scenario's assets (see /scenarios); the base when absent.",
    )

    @model_validator(mode="after")
    def _count_or_budget(self) -> "SitingBody":
        if (self.count is None) == (self.budget is None):
            raise ValueError("give exactly one of count or budget")
        return self

    def to_question(self) -> SitingQuestion:
        """Return the question in the domain's terms (threshold and filter validated)."""
        spec = self.candidates
        return SitingQuestion(
            request=SitingRequest(
                threshold=make_threshold(
                    self.mode, within_m=self.within_m, within_min=self.within_min
                ),
                existing_filter=AssetFilter(
                    self.layer,
                    min_power_kw=POWER_CLASSES[self.power_class] if self.power_class else None,
                    kind=self.parking_kind,
                    mode=self.hub_mode,
                ),
                count=self.count,
                budget=self.budget,
                cost_per_site=self.cost_per_site,
                min_spacing_m=self.min_spacing_m,
                method=self.method,
                time_limit_s=self.time_limit_s,
            ),
            candidates=CandidateChoice(
                spec.type, spec.spacing_m, spec.parking_kind, spec.hub_mode, spec.features
            ),
            exclusions=self.exclusions,
        )


@router.post(
    "/siting",
    operation_id="suggestSites",
    summary="Suggest where the next sites should go, ranked, with what each one gains",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=problem_responses(404, 422, 429, 503),
)
def suggest(
    code: CodePath,
    body: Annotated[SitingBody, Body()],
    context: ContextDep,
    store: StoreDep,
) -> JSONResponse:
    """Solve the maximal covering problem on the streets, existing sites fixed."""
    question = body.to_question()
    scenario = read_scenario(store, code, body.scenario) if body.scenario else None
    return GeoJSONResponse(run_siting(context, store, question, scenario).to_geojson())
