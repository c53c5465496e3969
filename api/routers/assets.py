# SPDX-License-Identifier: MIT
"""The three asset collections over OGC API – Features Part 1 (read) and Part 4 (write).

One factory builds the routes of a layer so that each layer gets its own typed OpenAPI operations
(distinct operationIds, its own filters and feature schema) without copying the route bodies.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response

from api import schemas
from api.deps import SettingsDep, StoreDep, WriteGuard
from api.layers import LayerFilters, LayerSpec
from api.links import item_links
from api.pages import items_page
from api.query import PagingDep
from api.responses import GeoJSONResponse, problem_responses
from api.settings import Settings
from mobility.assets import Layer
from mobility.features import (
    CommuneLocator,
    asset_from_feature,
    feature_from_asset,
    merge_patch,
    page_features,
)
from mobility.store.base import Store

FEATURE_ID_PATH = r"^[A-Za-z0-9][A-Za-z0-9._:*\-]{0,127}$"
FeatureIdPath = Annotated[str, Path(pattern=FEATURE_ID_PATH, description="Feature id.")]
PROBLEM_RESPONSES = problem_responses(400, 404, 422)
WRITE_RESPONSES = problem_responses(401, 403, 404, 409, 413, 415, 422)


def build_layer_router(spec: LayerSpec) -> APIRouter:
    """Return the items routes of one layer."""
    router = APIRouter(prefix=f"/collections/{spec.layer.value}", tags=[spec.title])
    feature_model = schemas.Feature[spec.properties]  # type: ignore[name-defined]
    collection_model = schemas.FeatureCollection[spec.properties]  # type: ignore[name-defined]
    layer = spec.layer
    feature_schema_ref = {"$ref": f"#/components/schemas/Feature_{spec.properties.__name__}_"}
    body_content = {
        "application/geo+json": {"schema": feature_schema_ref},
        "application/json": {"schema": feature_schema_ref},
    }
    patch_content = {
        "application/merge-patch+json": {"schema": {"type": "object"}},
        "application/json": {"schema": {"type": "object"}},
    }
    FilterDep = Annotated[LayerFilters, Depends(spec.filters)]  # noqa: N806

    @router.get(
        "/items",
        operation_id=f"get{spec.plural}",
        summary=f"{spec.title}: a page of features",
        response_model=collection_model,
        response_class=GeoJSONResponse,
        responses=PROBLEM_RESPONSES,
    )
    def list_items(
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        paging: PagingDep,
        filters: FilterDep,
    ) -> GeoJSONResponse:
        features, matched = page_features(store, filters.asset_query(layer, paging))
        return items_page(request, settings, paging, features, matched)

    @router.get(
        "/items/{featureId}",
        operation_id=f"get{spec.singular}",
        summary=f"{spec.title}: one feature",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=PROBLEM_RESPONSES,
    )
    def get_item(
        featureId: FeatureIdPath,  # noqa: N803 (OGC name)
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
    ) -> GeoJSONResponse:
        asset = store.get_asset(layer, featureId)
        return _feature_response(request, settings, layer, feature_from_asset(asset))

    @router.post(
        "/items",
        operation_id=f"create{spec.singular}",
        summary=f"{spec.title}: add a feature (API key)",
        status_code=201,
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=WRITE_RESPONSES,
        dependencies=WriteGuard,
        openapi_extra={"requestBody": {"required": True, "content": body_content}},
    )
    def create_item(
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        feature: Annotated[Any, Body(include_in_schema=False)],
    ) -> GeoJSONResponse:
        asset = asset_from_feature(layer, feature, locator=_locator(store))
        store.add_assets([asset])
        stored = feature_from_asset(store.get_asset(layer, asset.id))
        return _feature_response(request, settings, layer, stored, status_code=201)

    @router.put(
        "/items/{featureId}",
        operation_id=f"replace{spec.singular}",
        summary=f"{spec.title}: replace a feature (API key)",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=WRITE_RESPONSES,
        dependencies=WriteGuard,
        openapi_extra={"requestBody": {"required": True, "content": body_content}},
    )
    def replace_item(
        featureId: FeatureIdPath,  # noqa: N803
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        feature: Annotated[Any, Body(include_in_schema=False)],
    ) -> GeoJSONResponse:
        store.get_asset(layer, featureId)
        asset = asset_from_feature(layer, feature, locator=_locator(store), feature_id=featureId)
        stored = feature_from_asset(store.replace_asset(asset))
        return _feature_response(request, settings, layer, stored)

    @router.patch(
        "/items/{featureId}",
        operation_id=f"update{spec.singular}",
        summary=f"{spec.title}: change some fields, JSON merge patch (API key)",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=WRITE_RESPONSES,
        dependencies=WriteGuard,
        openapi_extra={"requestBody": {"required": True, "content": patch_content}},
    )
    def update_item(
        featureId: FeatureIdPath,  # noqa: N803
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        patch: Annotated[Any, Body(include_in_schema=False)],
    ) -> GeoJSONResponse:
        current = feature_from_asset(store.get_asset(layer, featureId))
        current["properties"].pop("commune", None)
        merged = merge_patch(current, patch)
        asset = asset_from_feature(layer, merged, locator=_locator(store), feature_id=featureId)
        stored = feature_from_asset(store.replace_asset(asset))
        return _feature_response(request, settings, layer, stored)

    @router.delete(
        "/items/{featureId}",
        operation_id=f"delete{spec.singular}",
        summary=f"{spec.title}: remove a feature (API key)",
        status_code=204,
        response_class=Response,
        responses=problem_responses(401, 403, 404, 422),
        dependencies=WriteGuard[:1],
    )
    def delete_item(
        featureId: FeatureIdPath,  # noqa: N803
        store: StoreDep,
    ) -> Response:
        store.delete_asset(layer, featureId)
        return Response(status_code=204)

    return router


def _locator(store: Store) -> CommuneLocator:
    return CommuneLocator(store.list_communes())


def _feature_response(
    request: Request,
    settings: Settings,
    layer: Layer,
    feature: dict[str, Any],
    *,
    status_code: int = 200,
) -> GeoJSONResponse:
    feature["links"] = item_links(request, settings, f"/collections/{layer.value}", feature["id"])
    self_href = feature["links"][0]["href"]
    headers = {"Location": self_href} if status_code == 201 else None
    return GeoJSONResponse(feature, status_code=status_code, headers=headers)
