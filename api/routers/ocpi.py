# SPDX-License-Identifier: MIT
"""OCPI 2.2.1 *Locations* (CPO interface, GET only) over the stored IRVE charging points.

The mapping lives in :mod:`mobility.formats.ocpi` and is written out in ``docs/ocpi-mapping.md``.
Every request needs the token C of a registered party (see :mod:`api.routers.ocpi_credentials`),
as OCPI clients expect, though the data is public open data. Answers use the OCPI envelope; an
unknown location id is HTTP 404 with OCPI ``status_code`` 2003 ("Unknown Location"), the
status the specification gives to a request for an object the server does not know.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, BeforeValidator, Field
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep, StoreDep
from api.links import url_for_path
from api.ocpi_auth import registered_call
from mobility.formats.ocpi import OCPI_VERSION
from mobility.ocpi_locations import (
    DEFAULT_PAGE,
    MAX_PAGE,
    find_location,
    now_timestamp,
    page_locations,
)

router = APIRouter(
    prefix=f"/ocpi/{OCPI_VERSION}", tags=["OCPI 2.2.1"], dependencies=[Depends(registered_call)]
)

LOCATION_ID_PATTERN = r"^[A-Za-z0-9._:*\-]{1,36}$"
ISO_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|z|[+-]\d{2}:?\d{2})?$"
)


def _iso_datetime_only(value: object) -> object:
    """Refuse what is not an ISO 8601 date-time (pydantic alone reads ``0.5`` as a timestamp)."""
    if isinstance(value, str) and not ISO_DATETIME.match(value):
        raise ValueError("must be an ISO 8601 date-time such as 2024-07-01T00:00:00Z")
    return value


OcpiDateTime = Annotated[datetime, BeforeValidator(_iso_datetime_only)]
SUCCESS, UNKNOWN_LOCATION = 1000, 2003

ConnectorType = Literal[
    "CHADEMO", "CHAOJI", "DOMESTIC_A", "DOMESTIC_B", "DOMESTIC_C", "DOMESTIC_D", "DOMESTIC_E",
    "DOMESTIC_F", "DOMESTIC_G", "DOMESTIC_H", "DOMESTIC_I", "DOMESTIC_J", "DOMESTIC_K",
    "DOMESTIC_L", "DOMESTIC_M", "DOMESTIC_N", "DOMESTIC_O", "GBT_AC", "GBT_DC",
    "IEC_60309_2_single_16", "IEC_60309_2_three_16", "IEC_60309_2_three_32",
    "IEC_60309_2_three_64", "IEC_62196_T1",
    "IEC_62196_T1_COMBO", "IEC_62196_T2", "IEC_62196_T2_COMBO", "IEC_62196_T3A",
    "IEC_62196_T3C", "NEMA_5_20", "NEMA_6_30", "NEMA_6_50", "NEMA_10_30", "NEMA_10_50",
    "NEMA_14_30", "NEMA_14_50", "PANTOGRAPH_BOTTOM_UP", "PANTOGRAPH_TOP_DOWN", "TESLA_R",
    "TESLA_S",
]  # fmt: skip


class GeoLocation(BaseModel):
    """WGS 84 coordinates as decimal strings (OCPI GeoLocation)."""

    latitude: str = Field(pattern=r"^-?[0-9]{1,2}\.[0-9]{5,7}$")
    longitude: str = Field(pattern=r"^-?[0-9]{1,3}\.[0-9]{5,7}$")


class BusinessDetails(BaseModel):
    """An operator or owner."""

    name: str = Field(max_length=100)


class RegularHours(BaseModel):
    """A weekly opening period."""

    weekday: int = Field(ge=1, le=7)
    period_begin: str = Field(pattern=r"^([0-1][0-9]|2[0-3]):[0-5][0-9]$")
    period_end: str = Field(pattern=r"^([0-1][0-9]|2[0-3]):[0-5][0-9]$")


class Hours(BaseModel):
    """Opening times: always open, or regular hours."""

    twentyfourseven: bool
    regular_hours: list[RegularHours] | None = None


class Connector(BaseModel):
    """One connector of an EVSE."""

    id: str = Field(max_length=36)
    standard: ConnectorType
    format: Literal["SOCKET", "CABLE"]
    power_type: Literal["AC_1_PHASE", "AC_2_PHASE", "AC_2_PHASE_SPLIT", "AC_3_PHASE", "DC"]
    max_voltage: int
    max_amperage: int
    max_electric_power: int | None = None
    last_updated: datetime


class Evse(BaseModel):
    """One charging point (EVSE)."""

    uid: str = Field(max_length=36)
    evse_id: str | None = Field(default=None, max_length=48)
    status: Literal[
        "AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "REMOVED",
        "RESERVED", "UNKNOWN",
    ]  # fmt: skip
    capabilities: list[str] | None = None
    connectors: list[Connector] = Field(min_length=1)
    coordinates: GeoLocation | None = None
    physical_reference: str | None = Field(default=None, max_length=16)
    parking_restrictions: (
        list[Literal["EV_ONLY", "PLUGGED", "DISABLED", "CUSTOMERS", "MOTORCYCLES"]] | None
    ) = None
    last_updated: datetime


class Location(BaseModel):
    """One charging station (OCPI Location)."""

    country_code: str = Field(min_length=2, max_length=2)
    party_id: str = Field(min_length=3, max_length=3)
    id: str = Field(max_length=36)
    publish: bool
    name: str | None = Field(default=None, max_length=255)
    address: str = Field(max_length=45)
    city: str = Field(max_length=45)
    postal_code: str | None = Field(default=None, max_length=10)
    country: str = Field(min_length=3, max_length=3)
    coordinates: GeoLocation
    parking_type: (
        Literal[
            "ALONG_MOTORWAY", "PARKING_GARAGE", "PARKING_LOT", "ON_DRIVEWAY", "ON_STREET",
            "UNDERGROUND_GARAGE",
        ]
        | None
    ) = None  # fmt: skip
    evses: list[Evse] | None = None
    operator: BusinessDetails | None = None
    owner: BusinessDetails | None = None
    time_zone: str
    opening_times: Hours | None = None
    last_updated: datetime


class LocationsAnswer(BaseModel):
    """OCPI envelope around a page of Locations."""

    data: list[Location]
    status_code: int
    status_message: str | None = None
    timestamp: datetime


class LocationAnswer(BaseModel):
    """OCPI envelope around one Location."""

    data: Location
    status_code: int
    status_message: str | None = None
    timestamp: datetime


class OcpiError(BaseModel):
    """OCPI envelope of a refusal (no data)."""

    status_code: int = Field(description="2003: unknown location.")
    status_message: str | None = None
    timestamp: datetime


PROBLEMS: dict[int | str, dict[str, Any]] = {
    401: {"model": OcpiError, "description": "No token C: OCPI status_code 2000."},
    422: {"model": OcpiError, "description": "Invalid parameters: OCPI status_code 2001."},
    429: {"model": OcpiError, "description": "Too many wrong tokens from this client."},
}


def _envelope(data: Any) -> dict[str, Any]:
    return {
        "data": data,
        "status_code": SUCCESS,
        "status_message": "Success",
        "timestamp": now_timestamp(),
    }


@router.get(
    "/locations",
    operation_id="getOcpiLocations",
    summary="OCPI 2.2.1 Locations: a page of charging stations with their EVSEs and connectors",
    description="One Location per IRVE station (id_station_itinerance), one EVSE per charging "
    "point, connectors from the prise_type_* flags. Paged with `offset`/`limit` (at most "
    f'{MAX_PAGE}); `X-Total-Count`, `X-Limit` and a `Link` header with rel="next" as OCPI '
    "asks; `date_from` (inclusive) and `date_to` (exclusive) filter on last_updated.",
    response_model=LocationsAnswer,
    responses=PROBLEMS,
)
async def get_locations(
    request: Request,
    store: StoreDep,
    settings: SettingsDep,
    offset: Annotated[int, Query(ge=0, description="Index of the first location.")] = 0,
    limit: Annotated[
        int, Query(ge=1, description=f"Locations per page (capped at {MAX_PAGE}).")
    ] = DEFAULT_PAGE,
    date_from: Annotated[
        OcpiDateTime | None, Query(description="Only locations updated at or after this time.")
    ] = None,
    date_to: Annotated[
        OcpiDateTime | None, Query(description="Only locations updated before this time.")
    ] = None,
) -> JSONResponse:
    """Return a page of OCPI Locations in the OCPI envelope."""
    page = await run_in_threadpool(
        page_locations, store, offset=offset, limit=limit, date_from=date_from, date_to=date_to
    )
    headers = {"X-Total-Count": str(page.total), "X-Limit": str(page.limit)}
    if page.next_offset is not None:
        params = {**dict(request.query_params), "offset": page.next_offset, "limit": page.limit}
        href = url_for_path(request, settings, request.url.path, **params)
        headers["Link"] = f'<{href}>; rel="next"'
    return JSONResponse(_envelope(page.locations), headers=headers)


@router.get(
    "/locations/{location_id}",
    operation_id="getOcpiLocation",
    summary="OCPI 2.2.1 Location: one charging station by id",
    response_model=LocationAnswer,
    responses={
        404: {
            "model": OcpiError,
            "description": "Unknown location: OCPI status_code 2003.",
        },
        **PROBLEMS,
    },
)
async def get_location(
    location_id: Annotated[
        str, Path(pattern=LOCATION_ID_PATTERN, description="Location id (CiString(36)).")
    ],
    store: StoreDep,
) -> JSONResponse:
    """Return one OCPI Location, or OCPI 2003 with HTTP 404."""
    location = await run_in_threadpool(find_location, store, location_id)
    if location is not None:
        return JSONResponse(_envelope(location))
    return JSONResponse(
        {
            "status_code": UNKNOWN_LOCATION,
            "status_message": f"Unknown Location {location_id}",
            "timestamp": now_timestamp(),
        },
        status_code=404,
    )
