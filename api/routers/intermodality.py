# SPDX-License-Identifier: MIT
"""Intermodal hubs: which modes meet at each hub along the streets, and what to add where."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.deps import StoreDep
from api.query import CodePath, ScenarioQuery
from api.responses import GeoJSONResponse, problem_responses
from api.schemas_analysis import AnalysisFeatureCollection
from api.schemas_intermodality import IntermodalityReport
from mobility.assets import HubMode, Layer
from mobility.coverage.context import ContextCache
from mobility.intermodality import AddableMode, IntermodalityResult, Reach, analyse_intermodality
from mobility.intermodality.analysis import (
    addition_properties,
    candidate_feature,
    hub_properties,
)
from mobility.intermodality.modes import (
    DEFAULT_WITHIN_M,
    EXPECTED_MODES,
    MAX_WITHIN_M,
    MIN_WITHIN_M,
    score_formula,
)
from mobility.scenarios import commune_assets, read_scenario

router = APIRouter(prefix="/communes/{code}/hubs", tags=["Intermodal hubs"])
PROBLEMS = problem_responses(404, 422)

WithinM = Annotated[
    float,
    Query(
        ge=MIN_WITHIN_M,
        le=MAX_WITHIN_M,
        description="Walking reach along the streets for every mode, metres (10 to 5000).",
    ),
]


def _override(label: str) -> Any:
    return Query(
        ge=MIN_WITHIN_M,
        le=MAX_WITHIN_M,
        description=f"Reach for {label}, metres; within_m when absent.",
    )


@dataclass(frozen=True)
class HubsQuery:
    """The question, validated: which commune, which reach, which scenario."""

    code: str
    reach: Reach
    scenario: str | None
    hub_mode: HubMode | None = None


def read_hubs_query(
    code: CodePath,
    within_m: WithinM = DEFAULT_WITHIN_M,
    public_transport_within_m: Annotated[
        float | None, _override("public transport (rail, RER, metro, tram, bus)")
    ] = None,
    bike_share_within_m: Annotated[float | None, _override("bike share")] = None,
    bike_parking_within_m: Annotated[
        float | None, _override("bike parking (secure or not)")
    ] = None,
    charging_within_m: Annotated[float | None, _override("charging points")] = None,
    car_share_within_m: Annotated[float | None, _override("car share")] = None,
    car_parking_within_m: Annotated[float | None, _override("car parking")] = None,
    hub_mode: Annotated[
        HubMode | None,
        Query(
            description="Assess only the hubs served by this mode (e.g. rer); every hub still "
            "brings its modes to the others."
        ),
    ] = None,
    scenario: ScenarioQuery = None,
) -> HubsQuery:
    """Read the reach (one for all modes, overridable per mode) and the scenario."""
    reach = Reach.build(
        within_m,
        {
            "public_transport": public_transport_within_m,
            "bike_share": bike_share_within_m,
            "bike_parking": bike_parking_within_m,
            "charging": charging_within_m,
            "car_share": car_share_within_m,
            "car_parking": car_parking_within_m,
        },
    )
    return HubsQuery(code=code, reach=reach, scenario=scenario, hub_mode=hub_mode)


HubsQueryDep = Annotated[HubsQuery, Depends(read_hubs_query)]


def _analyse(request: Request, store: StoreDep, query: HubsQuery) -> IntermodalityResult:
    cache: ContextCache = request.app.state.contexts
    context = cache.get(store, query.code)

    def layer(name: Layer) -> list[Any]:
        return commune_assets(store, query.code, name, query.scenario)

    result = analyse_intermodality(
        context,
        hubs=layer(Layer.HUBS),
        parking=layer(Layer.PARKING),
        charging_points=layer(Layer.CHARGING_POINTS),
        reach=query.reach,
        hub_mode=query.hub_mode,
    )
    if query.scenario is not None:
        result.method["scenario"] = read_scenario(store, query.code, query.scenario).describe()
    return result


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
    request: Request,
    store: StoreDep,
    query: HubsQueryDep,
    f: Annotated[
        Literal["json", "geojson"],
        Query(description="json: report; geojson: the hubs as Points with their rows."),
    ] = "json",
) -> Any:
    """Assess every hub along the walking streets; rank the hubs and the additions."""
    result = _analyse(request, store, query)
    best = result.best_additions()
    rows = [
        hub_properties(hub, rank, best.get(hub.hub.id))
        for rank, hub in enumerate(result.hubs, start=1)
    ]
    if f == "geojson":
        features = [
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [hub.hub.lon, hub.hub.lat]},
                "properties": row,
            }
            for hub, row in zip(result.hubs, rows, strict=True)
        ]
        return GeoJSONResponse(
            {
                "type": "FeatureCollection",
                "features": features,
                "summary": result.summary(),
                "notes": result.notes,
                "method": result.method,
            }
        )
    return JSONResponse(
        {
            "commune": result.commune,
            "reach_m": query.reach.to_dict(),
            "expected_modes": list(EXPECTED_MODES),
            "score_formula": score_formula(),
            "summary": result.summary(),
            "hubs": rows,
            "additions": [
                addition_properties(addition, rank, query.reach)
                for rank, addition in enumerate(result.additions, start=1)
            ],
            "notes": result.notes,
            "method": result.method,
        }
    )


@router.get(
    "/intermodality/candidates",
    operation_id="getHubIntermodalityCandidates",
    summary="The ranked additions as siting candidates (POST them to /siting as custom)",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_candidates(
    request: Request,
    store: StoreDep,
    query: HubsQueryDep,
    missing_mode: Annotated[
        AddableMode | None,
        Query(
            description="Only hubs lacking this mode, ranked by the hubs an asset of it would "
            "serve (for a siting question on the matching layer); every hub's best mode when "
            "absent."
        ),
    ] = None,
) -> Any:
    """Return the additions as Points with id, name and gain, in the custom candidates shape."""
    result = _analyse(request, store, query)
    additions = result.candidates(missing_mode)
    notes = list(result.notes)
    if not additions:
        notes.append("no hub lacks an addable mode within its reach: no candidate")
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": [
                candidate_feature(addition, rank, query.reach)
                for rank, addition in enumerate(additions, start=1)
            ],
            "summary": result.summary(),
            "notes": notes,
            "method": result.method
            | {
                "candidates": "POST the FeatureCollection as candidates: {type: 'custom', "
                "features: …} to /communes/{code}/siting; each point is the hub's location"
            },
        }
    )
