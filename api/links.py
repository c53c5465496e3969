# SPDX-License-Identifier: MIT
"""Absolute links for OGC documents, honouring a configured public URL behind a proxy."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request

from api.settings import Settings

GEOJSON = "application/geo+json"
JSON = "application/json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.1"


def base_url(request: Request, settings: Settings) -> str:
    """Return the URL prefix clients use to reach this API, without a trailing slash."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return str(request.base_url).rstrip("/")


def url_for_path(request: Request, settings: Settings, path: str, **query: object) -> str:
    """Return an absolute URL for a path of this API with the given query (None values dropped)."""
    href = base_url(request, settings) + path
    params = {key: value for key, value in query.items() if value is not None}
    return f"{href}?{urlencode(params)}" if params else href


def paging_links(
    request: Request, settings: Settings, *, offset: int, limit: int, number_matched: int
) -> list[dict[str, str]]:
    """Return self/next/prev links for a page, keeping every other query parameter."""
    params = dict(request.query_params)
    path = request.url.path

    def page(start: int) -> str:
        return url_for_path(request, settings, path, **{**params, "offset": start, "limit": limit})

    links = [{"href": page(offset), "rel": "self", "type": GEOJSON, "title": "this page"}]
    if offset + limit < number_matched:
        links.append(
            {"href": page(offset + limit), "rel": "next", "type": GEOJSON, "title": "next page"}
        )
    if offset > 0:
        links.append(
            {
                "href": page(max(0, offset - limit)),
                "rel": "prev",
                "type": GEOJSON,
                "title": "previous page",
            }
        )
    return links


def item_links(
    request: Request, settings: Settings, collection: str, feature_id: str
) -> list[dict[str, str]]:
    """Return a feature's self and collection links, ``collection`` being its collection's path."""
    return [
        {
            "href": url_for_path(request, settings, f"{collection}/items/{feature_id}"),
            "rel": "self",
            "type": GEOJSON,
        },
        {"href": url_for_path(request, settings, collection), "rel": "collection", "type": JSON},
    ]
