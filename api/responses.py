# SPDX-License-Identifier: MIT
"""Response classes and documented error responses shared by the routers."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse, Response

from api import schemas
from api.links import GEOJSON


class GeoJSONResponse(JSONResponse):
    """A JSON body served as ``application/geo+json``."""

    media_type = GEOJSON


class EncodedGeoJSONResponse(Response):
    """A GeoJSON body already encoded (``mobility.geojson.feature_collection_json``), sent as is.

    Items are served this way: each feature's text is built from its stored text, and the page
    is joined once, instead of a generic encoder walking every nested value of every feature.
    """

    media_type = GEOJSON


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """Document the given statuses as RFC 9457 problem+json answers in the OpenAPI."""
    return {
        status: {"model": schemas.Problem, "content": {"application/problem+json": {}}}
        for status in statuses
    }
