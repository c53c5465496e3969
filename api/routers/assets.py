# SPDX-License-Identifier: MIT
"""The three asset collections over OGC API – Features Part 1 (read) and Part 4 (write).

One factory builds the routes of a layer so that each layer gets its own typed OpenAPI operations
(distinct operationIds, its own filters and feature schema) without copying the route bodies.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response
from pydantic import BaseModel

from api import schemas
from api.deps import SettingsDep, StoreDep, WriteGuard
from api.links import GEOJSON, paging_links, url_for_path
from api.query import PagingDep
from api.responses import GeoJSONResponse, problem_responses
from mobility.assets import HubMode, Layer, ParkingKind
from mobility.features import (
    CommuneLocator,
    asset_from_feature,
    feature_from_asset,
    merge_patch,
)
from mobility.store import AssetQuery

FEATURE_ID_PATH = r"^[A-Za-z0-9][A-Za-z0-9._:*\-]{0,127}$"
PROBLEM_RESPONSES = problem_responses(400, 404, 422)
WRITE_RESPONSES = problem_responses(401, 403, 404, 409, 413, 415, 422)


@dataclass(frozen=True)
class LayerFilters:
    """Layer-specific filters, already validated."""

    min_power_kw: float | None = None
    max_power_kw: float | None = None
    kind: str | None = None
    mode: str | None = None


def charging_filters(
    min_power_kw: Annotated[
        float | None, Query(ge=0, le=1000, description="Only points of at least this power (kW).")
    ] = None,
    max_power_kw: Annotated[
        float | None, Query(ge=0, le=1000, description="Only points of at most this power (kW).")
    ] = None,
) -> LayerFilters:
    """Read the power filters of the charging-points layer."""
    return LayerFilters(min_power_kw=min_power_kw, max_power_kw=max_power_kw)


def parking_filters(
    kind: Annotated[
        ParkingKind | None,
        Query(description="Only parking for this kind of vehicle."),
    ] = None,
) -> LayerFilters:
    """Read the kind filter of the parking layer."""
    return LayerFilters(kind=kind)


def hub_filters(
    mode: Annotated[
        HubMode | None,
        Query(description="Only hubs served by this mode."),
    ] = None,
) -> LayerFilters:
    """Read the mode filter of the hubs layer."""
    return LayerFilters(mode=mode)


@dataclass(frozen=True)
class LayerSpec:
    """What the factory needs to publish a layer."""

    layer: Layer
    title: str
    description: str
    singular: str
    plural: str
    properties: type[BaseModel]
    filters: Callable[..., LayerFilters]


LAYER_SPECS: tuple[LayerSpec, ...] = (
    LayerSpec(
        Layer.CHARGING_POINTS,
        "Charging points (IRVE)",
        "Public EV charging points with the IRVE statique v2.3 attributes; one feature per "
        "point de charge, identified by id_pdc_itinerance.",
        "ChargingPoint",
        "ChargingPoints",
        schemas.ChargingPointProperties,
        charging_filters,
    ),
    LayerSpec(
        Layer.PARKING,
        "Parking",
        "Car parks, street parking areas, bicycle and motorcycle parking: capacity, EV-ready and "
        "PMR spaces, access, fee, placement, operator.",
        "Parking",
        "Parkings",
        schemas.ParkingProperties,
        parking_filters,
    ),
    LayerSpec(
        Layer.HUBS,
        "Intermodal hubs",
        "Stations and stop areas with the modes that meet there (rail, RER, metro, tram, bus, "
        "bike share, car share), their lines and capacity where known.",
        "Hub",
        "Hubs",
        schemas.HubProperties,
        hub_filters,
    ),
)


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
    ) -> Any:
        page = store.query_assets(
            AssetQuery(
                layer=layer,
                commune=paging.commune,
                bbox=paging.bbox,
                min_power_kw=filters.min_power_kw,
                max_power_kw=filters.max_power_kw,
                kind=filters.kind,
                mode=filters.mode,
                limit=paging.limit,
                offset=paging.offset,
            )
        )
        return GeoJSONResponse(
            {
                "type": "FeatureCollection",
                "features": [feature_from_asset(asset) for asset in page.assets],
                "numberMatched": page.number_matched,
                "numberReturned": len(page.assets),
                "timeStamp": datetime.now(UTC).isoformat(),
                "links": paging_links(
                    request,
                    settings,
                    offset=paging.offset,
                    limit=paging.limit,
                    number_matched=page.number_matched,
                ),
            }
        )

    @router.get(
        "/items/{featureId}",
        operation_id=f"get{spec.singular}",
        summary=f"{spec.title}: one feature",
        response_model=feature_model,
        response_class=GeoJSONResponse,
        responses=PROBLEM_RESPONSES,
    )
    def get_item(
        featureId: Annotated[str, _feature_id_path()],  # noqa: N803 (OGC name)
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
    ) -> Any:
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
    ) -> Any:
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
        featureId: Annotated[str, _feature_id_path()],  # noqa: N803
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        feature: Annotated[Any, Body(include_in_schema=False)],
    ) -> Any:
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
        featureId: Annotated[str, _feature_id_path()],  # noqa: N803
        request: Request,
        store: StoreDep,
        settings: SettingsDep,
        patch: Annotated[Any, Body(include_in_schema=False)],
    ) -> Any:
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
        featureId: Annotated[str, _feature_id_path()],  # noqa: N803
        store: StoreDep,
    ) -> Response:
        store.delete_asset(layer, featureId)
        return Response(status_code=204)

    return router


def _feature_id_path() -> Any:
    from fastapi import Path

    return Path(pattern=FEATURE_ID_PATH, description="Feature id.")


def _locator(store: StoreDep) -> CommuneLocator:
    return CommuneLocator(store.list_communes())


def _feature_response(
    request: Request,
    settings: SettingsDep,
    layer: Layer,
    feature: dict[str, Any],
    *,
    status_code: int = 200,
) -> GeoJSONResponse:
    base = f"/collections/{layer.value}"
    self_href = url_for_path(request, settings, f"{base}/items/{feature['id']}")
    feature["links"] = [
        {"href": self_href, "rel": "self", "type": GEOJSON},
        {
            "href": url_for_path(request, settings, base),
            "rel": "collection",
            "type": "application/json",
        },
    ]
    headers = {"Location": self_href} if status_code == 201 else None
    return GeoJSONResponse(feature, status_code=status_code, headers=headers)
