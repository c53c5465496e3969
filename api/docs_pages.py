# SPDX-License-Identifier: MIT
"""The HTML of the documentation pages, pointing only at this server's own files.

FastAPI's page builders are used with every URL replaced by one under ``/static/docs`` (built by
``make web``), Google Fonts left out and Swagger UI's online validator badge switched off: the
pages load nothing from another origin, which their Content-Security-Policy also enforces.
"""

from __future__ import annotations

from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

OPENAPI_URL = "/api"
ASSETS = "/static/docs"
TITLE = "Clean Mobility Planner"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
"""Swagger UI and Redoc start from an inline script and inject styles; nothing else is allowed."""


def _secured(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = DOCS_POLICY
    return page


def swagger_page() -> HTMLResponse:
    """Return Swagger UI over the OpenAPI document, from the local copy of its files."""
    return _secured(
        get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{TITLE} - Swagger UI",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},
        )
    )


def redoc_page() -> HTMLResponse:
    """Return Redoc over the OpenAPI document, from the local copy of its bundle."""
    return _secured(
        get_redoc_html(
            openapi_url=OPENAPI_URL,
            title=f"{TITLE} - ReDoc",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon-32x32.png",
            with_google_fonts=False,
        )
    )
