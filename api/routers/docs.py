# SPDX-License-Identifier: MIT
"""The documentation pages, ``/docs`` (Swagger UI) and ``/redoc``, from files this server holds.

Swagger UI and Redoc are copied from their npm packages into ``api/static/docs`` by ``make web``
(as the map's Leaflet is), so the pages work offline: nothing is loaded from a CDN.
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.docs_pages import redoc_page, swagger_page

router = APIRouter(include_in_schema=False)


@router.get("/docs", response_class=HTMLResponse)
def swagger_ui() -> HTMLResponse:
    """Serve Swagger UI over this API's OpenAPI document."""
    return swagger_page()


@router.get("/redoc", response_class=HTMLResponse)
def redoc() -> HTMLResponse:
    """Serve Redoc over this API's OpenAPI document."""
    return redoc_page()
