# SPDX-License-Identifier: MIT
"""The three asset collections over OGC API – Features Part 1 (read) and Part 4 (write).

One factory builds the routes of a layer so that each layer gets its own typed OpenAPI operations
(distinct operationIds, its own filters and feature schema) without copying the route bodies.

The two reads (a page, one item) are coroutines: their store call, one short statement (or
none, for a kept page), runs on the event loop. Handed to the thread pool instead, each read
waited for a thread and then for the interpreter lock on the way back; with two workers, the
database and the client sharing two cores, that wait reached hundreds of milliseconds for a
request in a hundred (``docs/performance.md``). The writes, longer, stay in the pool.
"""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Request, Response

from api import schemas
from api.auth import WriteGuard, WriteStoreDep
from api.deps import FeaturePagesDep, SettingsDep, StoreDep
from api.layers import LayerFilters, LayerSpec
from api.links import item_links
from api.pages import items_page
from api.preconditions import IfMatchDep, etag, with_etag
from api.query import PagingDep
from api.responses import EncodedGeoJSONResponse, GeoJSONResponse, problem_responses
from api.settings import Settings
from mobility.assets import Asset
from mobility.feature_edits import create_feature, patch_feature, replace_feature
from mobility.features import feature_from_asset, feature_json
from mobility.geojson import encode_json
from mobility.store import AssetJson

FEATURE_ID_PATH = r"^[A-Za-z0-9][A-Za-z0-9._:*\-]{0,127}$"
PROBLEM_RESPONSES = problem_responses(400, 404, 422)
WRITE_RULES = (
    "The point must lie inside a loaded commune (the commune whose outline holds it becomes the "
    "item's commune); a charging point's id is its id_pdc_itinerance (else 'local-' and its "
    "id_pdc_local); an id in the body must be the one in the path. Properties take JSON's own "
    'types (false, not 0; 12, not "12"); commune, updated_at and footprint are read-only.'
)
WRITE_RESPONSES = problem_responses(400, 401, 403, 404, 409, 412, 413, 415, 422, 429)


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
    FeatureIdPath = Annotated[  # noqa: N806
        str, Path(pattern=FEATURE_ID_PATH, description="Feature id.", examples=[spec.example_id])
    ]

    @router.get(
        "/items",
        operation_id=f"get{spec.plural}",
        summary=f"{spec.title}: a page of features",
        response_model=collection_model,
        response_class=GeoJSONResponse,
        responses=PROBLEM_RESPONSES,
    )
    async def list_items(
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        paging: PagingDep,
        filters: FilterDep,
        pages: FeaturePagesDep,
    ) -> EncodedGeoJSONResponse:
        page = pages.page(store, filters.asset_query(layer, paging))
        return items_page(request, settings, paging, page)

    @router.get(
        "/items/{featureId}",
        operation_id=f"get{spec.singular}",
        summary=f"{spec.title}: one feature",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=with_etag(PROBLEM_RESPONSES),
    )
    async def get_item(
        featureId: FeatureIdPath,  # noqa: N803 (OGC name)
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
    ) -> EncodedGeoJSONResponse:
        return _feature_response(request, settings, store.get_asset_json(layer, featureId))

    @router.post(
        "/items",
        operation_id=f"create{spec.singular}",
        description=WRITE_RULES,
        summary=f"{spec.title}: add a feature (API key)",
        status_code=201,
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=with_etag(WRITE_RESPONSES, 201),
        dependencies=WriteGuard,
        openapi_extra={
            "requestBody": {"required": True, "content": body_content},
            "responses": {"201": {"links": _item_links(spec.singular)}},
        },
    )
    def create_item(
        request: Request,
        store: WriteStoreDep,
        settings: SettingsDep,
        feature: Annotated[Any, Body(include_in_schema=False)],
    ) -> EncodedGeoJSONResponse:
        stored = create_feature(store, layer, feature)
        return _feature_response(request, settings, stored, status_code=201)

    @router.put(
        "/items/{featureId}",
        operation_id=f"replace{spec.singular}",
        description=WRITE_RULES,
        summary=f"{spec.title}: replace a feature (API key)",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=with_etag(WRITE_RESPONSES),
        dependencies=WriteGuard,
        openapi_extra={"requestBody": {"required": True, "content": body_content}},
    )
    def replace_item(
        featureId: FeatureIdPath,  # noqa: N803
        request: Request,
        store: WriteStoreDep,
        settings: SettingsDep,
        if_match: IfMatchDep,
        feature: Annotated[Any, Body(include_in_schema=False)],
    ) -> EncodedGeoJSONResponse:
        stored = replace_feature(store, layer, featureId, feature, if_match=if_match)
        return _feature_response(request, settings, stored)

    @router.patch(
        "/items/{featureId}",
        operation_id=f"update{spec.singular}",
        description=WRITE_RULES,
        summary=f"{spec.title}: change some fields, JSON merge patch (API key)",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=with_etag(WRITE_RESPONSES),
        dependencies=WriteGuard,
        openapi_extra={"requestBody": {"required": True, "content": patch_content}},
    )
    def update_item(
        featureId: FeatureIdPath,  # noqa: N803
        request: Request,
        store: WriteStoreDep,
        settings: SettingsDep,
        if_match: IfMatchDep,
        patch: Annotated[Any, Body(include_in_schema=False)],
    ) -> EncodedGeoJSONResponse:
        stored = patch_feature(store, layer, featureId, patch, if_match=if_match)
        return _feature_response(request, settings, stored)

    @router.delete(
        "/items/{featureId}",
        operation_id=f"delete{spec.singular}",
        summary=f"{spec.title}: remove a feature (API key)",
        status_code=204,
        response_class=Response,
        responses=problem_responses(400, 401, 403, 404, 412, 422, 429),
        dependencies=WriteGuard[:1],
    )
    def delete_item(
        featureId: FeatureIdPath,  # noqa: N803
        store: WriteStoreDep,
        if_match: IfMatchDep,
    ) -> Response:
        store.delete_asset(layer, featureId, if_match=if_match)
        return Response(status_code=204)

    return router


def _item_links(singular: str) -> dict[str, Any]:
    """Return the OpenAPI links from a created item to the operations on it (by its id)."""
    verbs = {"get": "Read", "replace": "Replace", "update": "Update", "delete": "Delete"}
    return {
        f"{title}{singular}": {
            "operationId": f"{verb}{singular}",
            "parameters": {"featureId": "$response.body#/id"},
            "description": f"{title} the {singular} just created.",
        }
        for verb, title in verbs.items()
    }


def _feature_response(
    request: Request,
    settings: Settings,
    asset: Asset | AssetJson,
    *,
    status_code: int = 200,
) -> EncodedGeoJSONResponse:
    """Return the stored feature with its links, its ETag and, when created, its Location."""
    collection = f"/collections/{asset.layer.value}"
    links = item_links(request, settings, collection, asset.id)
    headers = {"ETag": etag(asset.revision)}
    if status_code == 201:
        headers["Location"] = links[0]["href"]
    if isinstance(asset, Asset):
        text = encode_json(feature_from_asset(asset) | {"links": links})
    else:
        text = feature_json(asset, links=links)
    return EncodedGeoJSONResponse(text.encode("utf-8"), status_code=status_code, headers=headers)
