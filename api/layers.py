# SPDX-License-Identifier: MIT
"""The three published asset layers: titles, descriptions, feature schemas and filters.

The items routes (``api.routers.assets``) and the collections' descriptions
(``api.routers.ogc``) both read these specs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from pydantic import BaseModel

from api import schemas
from api.params import HubModeQuery, MaxPowerKw, MinPowerKw, ParkingKindQuery
from api.query import Paging
from mobility.assets import Layer
from mobility.errors import FieldProblem, InvalidInputError
from mobility.store.base import AssetQuery


@dataclass(frozen=True)
class LayerFilters:
    """Layer-specific filters, already validated."""

    min_power_kw: float | None = None
    max_power_kw: float | None = None
    kind: str | None = None
    mode: str | None = None

    def asset_query(self, layer: Layer, paging: Paging) -> AssetQuery:
        """Return the store query for one page of the layer, these filters applied."""
        return AssetQuery(
            layer=layer,
            commune=paging.commune,
            surroundings=paging.include_surroundings,
            bbox=paging.bbox,
            min_power_kw=self.min_power_kw,
            max_power_kw=self.max_power_kw,
            kind=self.kind,
            mode=self.mode,
            limit=paging.limit,
            offset=paging.offset,
        )


async def charging_filters(
    min_power_kw: MinPowerKw = None, max_power_kw: MaxPowerKw = None
) -> LayerFilters:
    """Read the power filters of the charging-points layer; an empty range is refused."""
    if min_power_kw is not None and max_power_kw is not None and min_power_kw > max_power_kw:
        message = f"min_power_kw ({min_power_kw:g}) exceeds max_power_kw ({max_power_kw:g})"
        raise InvalidInputError(
            "the power range is empty",
            problems=[FieldProblem("min_power_kw", message), FieldProblem("max_power_kw", message)],
        )
    return LayerFilters(min_power_kw=min_power_kw, max_power_kw=max_power_kw)


async def parking_filters(kind: ParkingKindQuery = None) -> LayerFilters:
    """Read the kind filter of the parking layer."""
    return LayerFilters(kind=kind)


async def hub_filters(mode: HubModeQuery = None) -> LayerFilters:
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
    filters: Callable[..., Awaitable[LayerFilters]]
    example_id: str
    """A feature of the shipped commune, the example the OpenAPI document gives for featureId."""


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
        "FRV75EPX10113",
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
        "osm-node-2551682391",
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
        "idfm-42280",
    ),
)
