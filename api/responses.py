# SPDX-License-Identifier: MIT
"""Response classes and documented error responses shared by the routers."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api import schemas
from api.links import GEOJSON

ORJSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS


class FastJSONResponse(JSONResponse):
    """A JSON body encoded by orjson; the standard encoder only for what orjson does not know.

    Large answers (tens of thousands of features) take milliseconds where the standard encoder
    takes seconds. The text parses to the same values as the standard encoder's. Not-a-number
    and infinite floats, which the standard encoder refuses, become null.
    """

    def render(self, content: Any) -> bytes:
        """Return the body's bytes."""
        try:
            return orjson.dumps(content, option=ORJSON_OPTIONS)
        except TypeError:
            return super().render(content)


class GeoJSONResponse(FastJSONResponse):
    """A JSON body served as ``application/geo+json``."""

    media_type = GEOJSON


class ModelJSONResponse(Response):
    """A response model encoded once by pydantic (``model_dump_json``), sent as is.

    The route has validated its answer into the model: FastAPI would validate it again and walk
    every nested value through its generic encoder before ``json.dumps``.
    """

    media_type = "application/json"

    def __init__(self, model: BaseModel, status_code: int = 200) -> None:
        super().__init__(content=model.model_dump_json(by_alias=True), status_code=status_code)


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
