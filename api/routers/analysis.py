# SPDX-License-Identifier: MIT
"""Coverage, service areas and gaps of a commune, along the real streets."""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from api.deps import StoreDep
from api.query import CodePath, ScenarioQuery
from api.responses import problem_responses
from api.schemas_analysis import AnalysisFeatureCollection, CoverageReport
from mobility.assets import HubMode, Layer, ParkingKind
from mobility.coverage.analysis import CoverageResult, compute_coverage, describe_method
from mobility.coverage.areas import compute_service_areas, describe_drawing
from mobility.coverage.context import CommuneContext, ContextCache
from mobility.coverage.filters import AssetFilter
from mobility.coverage.gaps import demand_spacing_m, find_gaps
from mobility.coverage.threshold import Threshold, make_threshold
from mobility.scenarios import commune_assets, read_scenario
from mobility.store import Store

router = APIRouter(prefix="/communes/{code}", tags=["Coverage and gaps"])
PROBLEMS = problem_responses(404, 422)


@dataclass(frozen=True)
class AnalysisQuery:
    """The question, validated: which assets, which mode, which reach."""

    code: str
    layer: Layer
    threshold: Threshold
    asset_filter: AssetFilter
    scenario: str | None = None


def read_analysis_query(
    code: CodePath,
    layer: Annotated[Layer, Query(description="Which assets serve the population.")],
    mode: Annotated[Literal["walk", "drive"], Query(description="Travel mode.")] = "walk",
    within_m: Annotated[
        float | None, Query(gt=0, le=50_000, description="Reach along the streets, metres.")
    ] = None,
    within_min: Annotated[
        float | None, Query(gt=0, le=180, description="Reach in travel time, minutes.")
    ] = None,
    min_power_kw: Annotated[
        float | None, Query(ge=0, le=1000, description="Charging points of at least this power.")
    ] = None,
    free: Annotated[bool, Query(description="Only free-of-charge charging points.")] = False,
    pmr: Annotated[bool, Query(description="Only charging points accessible to PMR.")] = False,
    kind: Annotated[ParkingKind | None, Query(description="Parking for this vehicle.")] = None,
    hub_mode: Annotated[HubMode | None, Query(description="Hubs served by this mode.")] = None,
    scenario: ScenarioQuery = None,
) -> AnalysisQuery:
    """Read and validate the parameters shared by every analysis route."""
    threshold = make_threshold(mode, within_m=within_m, within_min=within_min)
    asset_filter = AssetFilter(
        layer=layer,
        min_power_kw=min_power_kw,
        free_only=free,
        pmr_only=pmr,
        kind=kind,
        mode=hub_mode,
    )
    return AnalysisQuery(
        code=code,
        layer=layer,
        threshold=threshold,
        asset_filter=asset_filter,
        scenario=scenario,
    )


QueryDep = Annotated[AnalysisQuery, Depends(read_analysis_query)]


def _context(request: Request, store: Store, code: str) -> CommuneContext:
    cache: ContextCache = request.app.state.contexts
    return cache.get(store, code)


def _assets(store: Store, query: AnalysisQuery) -> list[Any]:
    assets = commune_assets(store, query.code, query.layer, query.scenario)
    return query.asset_filter.apply(assets)


def _scenario_method(store: Store, query: AnalysisQuery) -> dict[str, Any]:
    """Return the method entry naming the scenario analysed, or nothing for the base data."""
    if query.scenario is None:
        return {}
    return {"scenario": read_scenario(store, query.code, query.scenario).describe()}


def run_coverage(request: Request, store: Store, query: AnalysisQuery) -> CoverageResult:
    """Answer the coverage question on the base data or the scenario the query names."""
    context = _context(request, store, query.code)
    result = compute_coverage(
        context,
        _assets(store, query),
        threshold=query.threshold,
        asset_filter=query.asset_filter,
    )
    result.method.update(_scenario_method(store, query))
    return result


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
    request: Request,
    store: StoreDep,
    query: QueryDep,
    f: Annotated[
        Literal["json", "geojson"],
        Query(description="json: report; geojson: every demand point with its distance."),
    ] = "json",
) -> Any:
    """Return who lives within the threshold of the layer's assets, along the streets."""
    result = run_coverage(request, store, query)
    if f == "geojson":
        return JSONResponse(
            {
                "type": "FeatureCollection",
                "features": _demand_features(result),
                "summary": result.summary(),
                "notes": result.notes,
                "method": result.method,
            },
            media_type="application/geo+json",
        )
    return {
        "commune": result.commune,
        "layer": query.layer.value,
        "mode": query.threshold.mode,
        "summary": result.summary(),
        "zones": [zone.to_dict() for zone in result.zones()],
        "notes": result.notes,
        "method": result.method,
    }


def _demand_features(result: CoverageResult) -> list[dict[str, Any]]:
    features = []
    for index in range(len(result.population)):
        distance = float(result.distance_m[index])
        properties: dict[str, Any] = {
            "distance_m": round(distance, 2) if distance != float("inf") else None,
            "covered": bool(result.covered[index]),
            "population": round(float(result.population[index]), 3),
            "zone": str(result.zone[index]),
            "off_network": bool(result.off_network[index]),
        }
        if result.threshold.weight == "time":
            seconds = float(result.cost[index])
            properties["time_min"] = round(seconds / 60, 3) if seconds != float("inf") else None
        features.append(
            {
                "type": "Feature",
                "id": index,
                "geometry": {
                    "type": "Point",
                    "coordinates": [float(result.lon[index]), float(result.lat[index])],
                },
                "properties": properties,
            }
        )
    return features


@router.get(
    "/service-areas",
    operation_id="getServiceAreas",
    summary="The streets within reach of each asset (or of all, dissolved)",
    response_model=AnalysisFeatureCollection,
    response_class=JSONResponse,
    responses=PROBLEMS,
)
def get_service_areas(
    request: Request,
    store: StoreDep,
    query: QueryDep,
    dissolve: Annotated[
        bool, Query(description="One area for the whole layer instead of one per asset.")
    ] = True,
) -> Any:
    """Return the reached street stretches as bands, per asset or dissolved."""
    context = _context(request, store, query.code)
    assets = _assets(store, query)
    areas = compute_service_areas(context, assets, threshold=query.threshold, dissolve=dissolve)
    return JSONResponse(
        {
            "type": "FeatureCollection",
            "features": [area.to_feature(query.threshold) for area in areas],
            "notes": [] if assets else [f"no {query.asset_filter.describe()} in this commune"],
            "method": describe_method(context, query.threshold, query.asset_filter, len(assets))
            | {"drawing": describe_drawing()}
            | _scenario_method(store, query),
        },
        media_type="application/geo+json",
    )


@router.get(
    "/gaps",
    operation_id="getGaps",
    summary="Where the uncovered inhabitants live, ranked by unserved population",
    response_model=AnalysisFeatureCollection,
    response_class=JSONResponse,
    responses=PROBLEMS,
)
def get_gaps(
    request: Request,
    store: StoreDep,
    query: QueryDep,
    min_population: Annotated[
        float, Query(ge=0, le=10_000_000, description="Leave out smaller gaps (inhabitants).")
    ] = 0.0,
) -> Any:
    """Return the gap polygons with their unserved population, area and nearest asset."""
    result = run_coverage(request, store, query)
    spacing = demand_spacing_m(result)
    gaps = find_gaps(
        result,
        result_boundary(request, store, query.code),
        spacing_m=spacing,
        min_population=min_population,
    )
    return JSONResponse(
        {
            "type": "FeatureCollection",
            "features": [gap.to_feature() for gap in gaps],
            "summary": result.summary(),
            "notes": result.notes,
            "method": result.method
            | {
                "gaps": f"uncovered demand points grown by {spacing:g} m (the demand "
                "spacing), merged where they touch and clipped to the commune boundary"
            },
        },
        media_type="application/geo+json",
    )


def result_boundary(request: Request, store: Store, code: str) -> dict[str, Any]:
    """Return the commune's boundary from its cached context."""
    return _context(request, store, code).record.boundary
