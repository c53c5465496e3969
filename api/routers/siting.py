# SPDX-License-Identifier: MIT
"""Siting suggestions: where the next N sites should go, and what each one gains."""

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, model_validator

from api.deps import StoreDep
from api.query import SCENARIO_ID_PATTERN, CodePath
from api.responses import problem_responses
from api.schemas_analysis import AnalysisFeatureCollection
from mobility.assets import HubMode, Layer, ParkingKind
from mobility.coverage.analysis import describe_method
from mobility.coverage.context import ContextCache
from mobility.coverage.filters import AssetFilter
from mobility.coverage.threshold import make_threshold
from mobility.scenarios import commune_assets, read_scenario
from mobility.siting import candidates as candidate_sources
from mobility.siting.suggest import SitingRequest, suggest_sites
from mobility.store import Store

router = APIRouter(prefix="/communes/{code}", tags=["Siting"])

POWER_CLASSES = {"ac_7": 7.0, "ac_22": 22.0, "dc_50": 50.0, "dc_150": 150.0}


class CandidateSpec(BaseModel):
    """Where new sites may go."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["intersections", "street_points", "parking", "hubs", "custom"] = Field(
        default="intersections",
        description="Street crossings, points every spacing_m along the streets, existing "
        "parking or hubs (co-location), or your own points (features).",
    )
    spacing_m: float = Field(default=100.0, ge=10, le=5000, description="For street_points.")
    parking_kind: ParkingKind | None = Field(default=None, description="For parking candidates.")
    hub_mode: HubMode | None = Field(default=None, description="For hub candidates.")
    features: dict[str, Any] | None = Field(
        default=None,
        description="For custom: a GeoJSON FeatureCollection of Points; properties id, name, cost.",
    )


class SitingBody(BaseModel):
    """A siting question."""

    model_config = ConfigDict(extra="forbid")

    layer: Layer = Field(description="The layer the new sites belong to.")
    mode: Literal["walk", "drive"] = "walk"
    within_m: float | None = Field(default=None, gt=0, le=50_000)
    within_min: float | None = Field(default=None, gt=0, le=180)
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
    power_class: Literal["ac_7", "ac_22", "dc_50", "dc_150"] | None = Field(
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


def _candidates(body: SitingBody, store: Store, code: str, engine: Any) -> list[Any]:
    spec = body.candidates
    if spec.type == "intersections":
        return candidate_sources.intersections(engine)
    if spec.type == "street_points":
        return candidate_sources.street_points(engine, spacing_m=spec.spacing_m)
    if spec.type == "parking":
        rule = AssetFilter(Layer.PARKING, kind=spec.parking_kind)
        return candidate_sources.from_assets(
            rule.apply(commune_assets(store, code, Layer.PARKING, body.scenario)), "parking"
        )
    if spec.type == "hubs":
        rule = AssetFilter(Layer.HUBS, mode=spec.hub_mode)
        return candidate_sources.from_assets(
            rule.apply(commune_assets(store, code, Layer.HUBS, body.scenario)), "hub"
        )
    return candidate_sources.from_features(spec.features)


@router.post(
    "/siting",
    operation_id="suggestSites",
    summary="Suggest where the next sites should go, ranked, with what each one gains",
    response_model=AnalysisFeatureCollection,
    response_class=JSONResponse,
    responses=problem_responses(404, 422),
)
def suggest(
    code: CodePath,
    request: Request,
    store: StoreDep,
    body: Annotated[SitingBody, Body()],
) -> Any:
    """Solve the maximal covering problem on the streets, existing sites fixed."""
    threshold = make_threshold(body.mode, within_m=body.within_m, within_min=body.within_min)
    existing_filter = AssetFilter(
        body.layer,
        min_power_kw=POWER_CLASSES[body.power_class] if body.power_class else None,
        kind=body.parking_kind,
        mode=body.hub_mode,
    )
    cache: ContextCache = request.app.state.contexts
    context = cache.get(store, code)
    engine = context.engine(body.mode)
    existing = existing_filter.apply(commune_assets(store, code, body.layer, body.scenario))
    answer = suggest_sites(
        context,
        existing,
        _candidates(body, store, code, engine),
        SitingRequest(
            threshold=threshold,
            existing_filter=existing_filter,
            count=body.count,
            budget=body.budget,
            cost_per_site=body.cost_per_site,
            min_spacing_m=body.min_spacing_m,
            method=body.method,
            time_limit_s=body.time_limit_s,
        ),
        exclusions=candidate_sources.read_exclusions(body.exclusions),
    )
    method = describe_method(context, threshold, existing_filter, len(existing))
    if body.scenario is not None:
        method["scenario"] = read_scenario(store, code, body.scenario).describe()
    method["siting"] = (
        "maximal covering location problem on the street network: new sites chosen among "
        f"{body.candidates.type} candidates to cover the most inhabitants not yet within reach "
        "of an existing site; 'greedy' adds the best site one at a time (at least 1 - 1/e "
        "of the optimum) then keeps any single swap that covers more, with an upper bound "
        "stated), 'exact' a sparse MILP (HiGHS or CBC, chosen by the "
        "model's size; summary.backend names it) with its proven gap"
    )
    return JSONResponse(
        {
            "type": "FeatureCollection",
            "features": [site.to_feature() for site in answer.sites],
            "summary": answer.summary(),
            "notes": answer.notes,
            "method": method,
        },
        media_type="application/geo+json",
    )
