# SPDX-License-Identifier: MIT
"""One page of an OGC items answer: the features with their counts, time stamp and links."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request

from api.links import paging_links
from api.query import Paging
from api.responses import EncodedGeoJSONResponse
from api.settings import Settings
from mobility.geojson import feature_collection_json


def items_page(
    request: Request,
    settings: Settings,
    paging: Paging,
    features: list[str],
    number_matched: int,
) -> EncodedGeoJSONResponse:
    """Return the page as a FeatureCollection with ``numberMatched`` and its paging links.

    ``features`` are already JSON text: the page is encoded once, as bytes, here.
    """
    links = paging_links(
        request, settings, offset=paging.offset, limit=paging.limit, number_matched=number_matched
    )
    body = feature_collection_json(
        features,
        numberMatched=number_matched,
        numberReturned=len(features),
        timeStamp=datetime.now(UTC).isoformat(),
        links=links,
    )
    return EncodedGeoJSONResponse(body)
