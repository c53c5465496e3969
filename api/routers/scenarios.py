# SPDX-License-Identifier: MIT
"""What-if scenarios: create, list, rename, delete, compare with the base, promote into it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from fastapi.responses import JSONResponse

from api.auth import WriteGuard, WriteStoreDep, require_api_key
from api.deps import ContextCacheDep, SettingsDep, StoreDep
from api.links import GEOJSON, JSON, url_for_path
from api.params import (
    BevQuery,
    CommuneQuery,
    PhevQuery,
    ScenarioIdPath,
    TravelMode,
    WithinM,
    WithinMin,
)
from api.preconditions import RequiredIfMatchDep, etag, with_etag
from api.responses import GeoJSONResponse, problem_responses
from api.schemas_scenarios import (
    ScenarioBody,
    ScenarioChanges,
    ScenarioDocument,
    ScenarioLayerCollection,
    ScenarioList,
    ScenarioPatch,
)
from api.settings import Settings
from mobility.assets import Layer
from mobility.features import feature_from_asset
from mobility.geojson import feature_collection
from mobility.regulation.scenario_comparison import (
    DEFAULT_COMPARE_WITHIN_M,
    compare_scenario,
    make_compare_threshold,
)
from mobility.scenarios import Scenario, edits
from mobility.scenarios.build import (
    AddGroup,
    ChangeGroup,
    ChangeRequest,
    RemoveGroup,
)
from mobility.scenarios.served import scenario_layer_features
from mobility.store import Store

router = APIRouter(prefix="/scenarios", tags=["Scenarios"])
WRITE_PROBLEMS = problem_responses(400, 401, 403, 404, 409, 412, 415, 422, 428, 429)

SCENARIO_LINKS = {
    name: {
        "operationId": operation_id,
        "parameters": {"scenario_id": "$response.body#/id"},
        "description": f"{name}: the scenario just created, by its id.",
    }
    for name, operation_id in {
        "Read": "getScenario",
        "Replace": "replaceScenario",
        "Update": "updateScenario",
        "Delete": "deleteScenario",
        "Promote": "promoteScenario",
        "Assets": "getScenarioAssets",
        "Compare": "compareScenario",
    }.items()
}
"""OpenAPI links from a created scenario to every operation on it (clients and stateful tests
follow them)."""


def _change_request(body: ScenarioChanges) -> ChangeRequest:
    """Return the body's changes in the domain's terms (checked when the scenario is stored)."""
    return ChangeRequest(
        add=[AddGroup(g.layer, g.features, g.properties, g.source) for g in body.add],
        change=[ChangeGroup(g.layer, g.features) for g in body.change],
        remove=[RemoveGroup(g.layer, g.ids) for g in body.remove],
    )


def _document(
    request: Request,
    settings: Settings,
    store: Store,
    scenario: Scenario,
    *,
    with_changes: bool = True,
    revision: int | None = None,
) -> ScenarioDocument:
    """Return the scenario as served, with its links.

    ``revision`` is the commune's current revision when the caller already knows it (a list
    reads every commune once instead of once per scenario).
    """
    href = url_for_path(request, settings, f"/scenarios/{scenario.id}")
    if revision is None:
        revision = store.get_commune(scenario.commune).revision
    document: dict[str, Any] = {
        "id": scenario.id,
        "commune": scenario.commune,
        "name": scenario.name,
        "description": scenario.description,
        "created_at": _iso(scenario.created_at),
        "updated_at": _iso(scenario.updated_at),
        "promoted_at": _iso(scenario.promoted_at),
        "base_revision": scenario.base_revision,
        "base_changed_since": revision != scenario.base_revision,
        "counts": scenario.counts(),
        "links": [
            {"href": href, "rel": "self", "type": JSON},
            {"href": f"{href}/compare", "rel": "compare", "type": JSON},
            *[
                {
                    "href": f"{href}/assets/{layer.value}",
                    "rel": "items",
                    "type": GEOJSON,
                    "title": f"{layer.value} as the scenario has them",
                }
                for layer in Layer
            ],
        ],
    }
    if with_changes:
        document["changes"] = [
            {
                "action": change.action,
                "layer": change.layer.value,
                "id": change.asset_id,
                "planned": change.planned,
                "feature": feature_from_asset(change.asset) if change.asset else None,
            }
            for change in scenario.changes
        ]
    return ScenarioDocument.model_validate(document)


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


@router.get(
    "",
    operation_id="listScenarios",
    summary="The scenarios, newest first",
    response_model=ScenarioList,
    responses=problem_responses(422),
)
def list_scenarios(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    commune: CommuneQuery = None,
) -> ScenarioList:
    """List the stored scenarios (without their changes)."""
    scenarios = store.list_scenarios(commune)
    revisions = {record.code: record.revision for record in store.list_communes()}
    return ScenarioList.model_validate(
        {
            "scenarios": [
                _document(
                    request, settings, store, s, with_changes=False, revision=revisions[s.commune]
                )
                for s in scenarios
            ],
            "links": [
                {"href": url_for_path(request, settings, "/scenarios"), "rel": "self", "type": JSON}
            ],
        }
    )


@router.post(
    "",
    operation_id="createScenario",
    summary="Create a scenario: assets added, changed or removed, the base untouched (API key)",
    status_code=201,
    response_model=ScenarioDocument,
    responses=with_etag(problem_responses(401, 403, 404, 415, 422, 429), 201),
    dependencies=WriteGuard,
    openapi_extra={"responses": {"201": {"links": SCENARIO_LINKS}}},
)
def create_scenario(
    request: Request,
    store: WriteStoreDep,
    settings: SettingsDep,
    body: Annotated[ScenarioBody, Body()],
) -> Response:
    """Check the changes against the commune's base data and store the scenario."""
    scenario = edits.create_scenario(
        store, body.commune, body.name, _change_request(body), description=body.description
    )
    document = _document(request, settings, store, scenario)
    headers = {"Location": document.links[0]["href"], "ETag": etag(scenario.revision)}
    return Response(
        content=document.model_dump_json(),
        status_code=201,
        media_type=JSON,
        headers=headers,
    )


@router.get(
    "/{scenario_id}",
    operation_id="getScenario",
    summary="A scenario with its changes",
    response_model=ScenarioDocument,
    responses=with_etag(problem_responses(404, 422)),
)
def get_scenario(
    scenario_id: ScenarioIdPath,
    request: Request,
    response: Response,
    store: StoreDep,
    settings: SettingsDep,
) -> ScenarioDocument:
    """Return the scenario, each change with the asset as the scenario has it."""
    scenario = store.get_scenario(scenario_id)
    response.headers["ETag"] = etag(scenario.revision)
    return _document(request, settings, store, scenario)


@router.put(
    "/{scenario_id}",
    operation_id="replaceScenario",
    summary="Replace a scenario's name, description and changes (API key)",
    response_model=ScenarioDocument,
    responses=with_etag(WRITE_PROBLEMS),
    dependencies=WriteGuard,
)
def replace_scenario(
    scenario_id: ScenarioIdPath,
    request: Request,
    response: Response,
    store: WriteStoreDep,
    settings: SettingsDep,
    if_match: RequiredIfMatchDep,
    body: Annotated[ScenarioBody, Body()],
) -> ScenarioDocument:
    """Replace the whole scenario; its commune cannot change."""
    changes = _change_request(body)
    scenario = edits.replace_scenario(
        store,
        scenario_id,
        body.commune,
        body.name,
        changes,
        description=body.description,
        if_match=if_match,
    )
    response.headers["ETag"] = etag(scenario.revision)
    return _document(request, settings, store, scenario)


@router.patch(
    "/{scenario_id}",
    operation_id="updateScenario",
    summary="Rename a scenario or change its description (API key)",
    response_model=ScenarioDocument,
    responses=with_etag(WRITE_PROBLEMS),
    dependencies=WriteGuard,
)
def update_scenario(
    scenario_id: ScenarioIdPath,
    request: Request,
    response: Response,
    store: WriteStoreDep,
    settings: SettingsDep,
    if_match: RequiredIfMatchDep,
    body: Annotated[ScenarioPatch, Body()],
) -> ScenarioDocument:
    """Change the name or the description; the changes stay as they are."""
    scenario = store.update_scenario(
        scenario_id,
        name=body.name,
        description=body.description,
        clear_description="description" in body.model_fields_set and body.description is None,
        if_match=if_match,
    )
    response.headers["ETag"] = etag(scenario.revision)
    return _document(request, settings, store, scenario)


@router.delete(
    "/{scenario_id}",
    operation_id="deleteScenario",
    summary="Delete a scenario; the base data is untouched (API key)",
    status_code=204,
    response_class=Response,
    responses=problem_responses(400, 401, 403, 404, 412, 422, 428, 429),
    dependencies=[Depends(require_api_key)],
)
def delete_scenario(
    scenario_id: ScenarioIdPath, store: WriteStoreDep, if_match: RequiredIfMatchDep
) -> Response:
    """Remove the scenario."""
    store.delete_scenario(scenario_id, if_match=if_match)
    return Response(status_code=204)


@router.post(
    "/{scenario_id}/promote",
    operation_id="promoteScenario",
    summary="Write a scenario's changes into the base data, all or none (API key)",
    response_model=ScenarioDocument,
    responses=problem_responses(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(require_api_key)],
)
def promote_scenario(
    scenario_id: ScenarioIdPath, request: Request, store: WriteStoreDep, settings: SettingsDep
) -> ScenarioDocument:
    """Apply the changes to the stored assets in one transaction; the scenario is then frozen."""
    scenario = store.promote_scenario(scenario_id)
    return _document(request, settings, store, scenario)


@router.get(
    "/{scenario_id}/assets/{layer}",
    operation_id="getScenarioAssets",
    summary="A layer's assets as the scenario has them",
    response_model=ScenarioLayerCollection,
    response_class=GeoJSONResponse,
    responses=problem_responses(404, 422),
)
def get_scenario_assets(
    scenario_id: ScenarioIdPath, layer: Layer, store: StoreDep
) -> GeoJSONResponse:
    """Return the layer's assets with the scenario applied, each saying how it was changed."""
    scenario = store.get_scenario(scenario_id)
    return GeoJSONResponse(feature_collection(scenario_layer_features(store, scenario, layer)))


@router.get(
    "/{scenario_id}/compare",
    operation_id="compareScenario",
    summary="Base against scenario: coverage per layer and IRIS, gaps closed, SDIRVE, AFIR",
    description="Without within_m or within_min, the reach compared is "
    f"{DEFAULT_COMPARE_WITHIN_M:g} m along the streets.",
    responses=problem_responses(404, 422),
)
def get_comparison(
    scenario_id: ScenarioIdPath,
    store: StoreDep,
    contexts: ContextCacheDep,
    mode: TravelMode = "walk",
    within_m: WithinM = None,
    within_min: WithinMin = None,
    layer: Annotated[
        list[Layer] | None, Query(description="Layers to compare (default: every layer).")
    ] = None,
    bev: BevQuery = None,
    phev: PhevQuery = None,
) -> JSONResponse:
    """Compute every figure on the base and on the scenario with the same rules, side by side."""
    scenario = store.get_scenario(scenario_id)
    threshold = make_compare_threshold(mode, within_m=within_m, within_min=within_min)
    context = contexts.get(store, scenario.commune)
    comparison = compare_scenario(
        context,
        store,
        scenario,
        threshold=threshold,
        layers=layer or list(Layer),
        today=date.today(),
        bev=bev,
        phev=phev,
    )
    return JSONResponse(comparison)
