# SPDX-License-Identifier: MIT
"""The OCPI 2.2.1 answers this server builds: the envelope, versions, and its own credentials."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.links import url_for_path
from api.settings import Settings
from mobility.formats.ocpi import OCPI_VERSION
from mobility.ocpi_locations import now_timestamp

SUCCESS = 1000
VERSIONS_PATH = "/ocpi/versions"
DETAILS_PATH = f"/ocpi/{OCPI_VERSION}"
MODULES = (("credentials", "SENDER"), ("credentials", "RECEIVER"), ("locations", "SENDER"))
"""The modules served: credentials both ways (OCPI asks it of every party), Locations as CPO."""


class Envelope(BaseModel):
    """The OCPI envelope of every answer."""

    data: Any = None
    status_code: int = Field(description="1000: success; 2xxx: client error; 3xxx: server error.")
    status_message: str | None = None
    timestamp: str


def envelope(data: Any, status: int = 200) -> JSONResponse:
    """Return data in the OCPI success envelope."""
    body = {
        "data": data,
        "status_code": SUCCESS,
        "status_message": "Success",
        "timestamp": now_timestamp(),
    }
    return JSONResponse(body, status_code=status)


def versions(request: Request, settings: Settings) -> list[dict[str, str]]:
    """Return the versions this server speaks, with the URL of each one's details."""
    return [{"version": OCPI_VERSION, "url": url_for_path(request, settings, DETAILS_PATH)}]


def version_details(request: Request, settings: Settings) -> dict[str, Any]:
    """Return OCPI 2.2.1's endpoints on this server."""
    endpoints = [
        {
            "identifier": module,
            "role": role,
            "url": url_for_path(request, settings, f"{DETAILS_PATH}/{module}"),
        }
        for module, role in MODULES
    ]
    return {"version": OCPI_VERSION, "endpoints": endpoints}


def our_credentials(request: Request, settings: Settings, token: str) -> dict[str, Any]:
    """Return this server's Credentials object, carrying the token the party is to use."""
    return {
        "token": token,
        "url": url_for_path(request, settings, VERSIONS_PATH),
        "roles": [
            {
                "role": "CPO",
                "business_details": {"name": settings.ocpi_business_name},
                "party_id": settings.ocpi_party_id,
                "country_code": settings.ocpi_country_code,
            }
        ],
    }
