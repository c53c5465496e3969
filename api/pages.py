# SPDX-License-Identifier: MIT
"""One page of an OGC items answer: the features with their counts, time stamp and links."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Request

from api.links import paging_links
from api.query import Paging
from api.responses import GeoJSONResponse
from api.settings import Settings
from mobility.geojson import feature_collection


def items_page(
    request: Request,
    settings: Settings,
    paging: Paging,
    features: list[dict[str, Any]],
    number_matched: int,
) -> GeoJSONResponse:
    """Return the page as a FeatureCollection with ``numberMatched`` and its paging links."""
    links = paging_links(
        request, settings, offset=paging.offset, limit=paging.limit, number_matched=number_matched
    )
    return GeoJSONResponse(
        feature_collection(
            features,
            numberMatched=number_matched,
            numberReturned=len(features),
            timeStamp=datetime.now(UTC).isoformat(),
            links=links,
        )
    )
