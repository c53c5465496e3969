# SPDX-License-Identifier: MIT
"""One page of an OGC items answer: the features with their counts, time stamp and links."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import Request

from api.links import paging_links
from api.query import Paging
from api.responses import EncodedGeoJSONResponse
from api.settings import Settings
from mobility.feature_pages import EncodedPage
from mobility.geojson import joined_collection_json


def items_page(
    request: Request, settings: Settings, paging: Paging, page: EncodedPage
) -> EncodedGeoJSONResponse:
    """Return the page as a FeatureCollection with ``numberMatched`` and its paging links.

    The features come encoded (kept between requests, :mod:`mobility.feature_pages`); what
    belongs to this request (its time stamp, links with its own address) is added here.
    """
    links = paging_links(
        request,
        settings,
        offset=paging.offset,
        limit=paging.limit,
        number_matched=page.number_matched,
    )
    body = joined_collection_json(
        page.features,
        numberMatched=page.number_matched,
        numberReturned=page.number_returned,
        timeStamp=datetime.now(UTC).isoformat(),
        links=links,
    )
    return EncodedGeoJSONResponse(body)
