# SPDX-License-Identifier: MIT
"""Response models: OGC API – Features documents and the GeoJSON shapes of each layer.

They exist for the OpenAPI document (clients generate code from it, schemathesis checks the API
against it); the routes build plain dicts that these models validate on the way out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from mobility.assets import ChargingPoint, Hub, InseeCode, Parking
from mobility.geo import FRANCE_BOUNDS


class Link(BaseModel):
    """A typed link (OGC API common)."""

    href: str
    rel: str
    type: str | None = None
    title: str | None = None


class LandingPage(BaseModel):
    """The API's entry point."""

    title: str
    description: str
    attribution: str
    links: list[Link]


class Conformance(BaseModel):
    """The conformance classes the API implements."""

    conformsTo: list[str]  # noqa: N815 (OGC name)


class SpatialExtent(BaseModel):
    """Bounding boxes in CRS84."""

    bbox: list[list[float]]
    crs: str = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


class Extent(BaseModel):
    """Extent of a collection."""

    spatial: SpatialExtent


class Collection(BaseModel):
    """One feature collection's description."""

    id: str
    title: str
    description: str
    itemType: str = "feature"  # noqa: N815
    crs: list[str] = ["http://www.opengis.net/def/crs/OGC/1.3/CRS84"]
    extent: Extent | None = None
    numberOfFeatures: int | None = Field(default=None, description="Features stored.")  # noqa: N815
    links: list[Link]


class Collections(BaseModel):
    """The list of collections."""

    links: list[Link]
    collections: list[Collection]


WEST, SOUTH, EAST, NORTH = FRANCE_BOUNDS


class PointGeometry(BaseModel):
    """A GeoJSON Point, lon/lat (EPSG:4326), inside metropolitan France and Corsica."""

    type: Literal["Point"]
    coordinates: list[float] = Field(
        min_length=2,
        max_length=2,
        description="[lon, lat] in degrees, inside the Lambert-93 area (metropolitan France "
        "and Corsica); a height is refused rather than dropped.",
        json_schema_extra={
            "prefixItems": [
                {"type": "number", "minimum": WEST, "maximum": EAST, "description": "lon"},
                {"type": "number", "minimum": SOUTH, "maximum": NORTH, "description": "lat"},
            ]
        },
    )


class ServedFields(BaseModel):
    """Read-only properties the API adds to every asset."""

    commune: InseeCode | None = Field(
        default=None,
        description="INSEE code of the commune the point stands in (possibly not loaded; "
        "read-only).",
        json_schema_extra={"readOnly": True},
    )
    updated_at: datetime | None = Field(
        default=None,
        description="Last write, UTC (read-only).",
        json_schema_extra={"readOnly": True},
    )
    footprint: dict[str, Any] | None = Field(
        default=None,
        description="Outline (GeoJSON geometry) when mapped as an area (read-only).",
        json_schema_extra={"readOnly": True},
    )
    in_commune: bool | None = Field(
        default=None,
        description="Served for a commune (`commune=`): whether the point stands inside its "
        "boundary; false for a point of its surroundings (`include_surroundings=true`). "
        "Absent without a commune filter (read-only).",
        json_schema_extra={"readOnly": True},
    )


class ChargingPointProperties(ChargingPoint, ServedFields):
    """IRVE statique attributes of a charging point, plus the served fields."""


class ParkingProperties(Parking, ServedFields):
    """Parking attributes plus the served fields."""


class HubProperties(Hub, ServedFields):
    """Intermodal hub attributes plus the served fields."""


PropertiesT = TypeVar("PropertiesT", bound=BaseModel)


class Feature(BaseModel, Generic[PropertiesT]):
    """A GeoJSON Feature of one asset layer."""

    model_config = ConfigDict(extra="allow")

    type: Literal["Feature"]
    id: str | None = None
    geometry: PointGeometry
    properties: PropertiesT


class FeatureCollection(BaseModel, Generic[PropertiesT]):
    """A page of features (OGC API – Features items response)."""

    type: Literal["FeatureCollection"]
    features: list[Feature[PropertiesT]]
    numberMatched: int  # noqa: N815
    numberReturned: int  # noqa: N815
    timeStamp: datetime  # noqa: N815
    links: list[Link]


class CommuneProperties(BaseModel):
    """What is known of a loaded commune."""

    code: InseeCode
    name: str
    revision: int
    layers: dict[str, int] = Field(description="Number of assets per layer.")
    notes: list[str] = Field(description="What a planner should know: empty layers, dropped data.")
    info: dict[str, Any] = Field(description="Sources, load reports and demand method.")
    updated_at: datetime | None = None


class CommuneFeature(BaseModel):
    """A commune as a GeoJSON Feature (its boundary)."""

    type: Literal["Feature"]
    id: str
    geometry: dict[str, Any]
    properties: CommuneProperties


class CommuneCollection(BaseModel):
    """A page of communes."""

    type: Literal["FeatureCollection"]
    features: list[CommuneFeature]
    numberMatched: int  # noqa: N815
    numberReturned: int  # noqa: N815
    timeStamp: datetime  # noqa: N815
    links: list[Link]


class FieldError(BaseModel):
    """One refused field."""

    field: str
    message: str


class Problem(BaseModel):
    """RFC 9457 problem details."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
