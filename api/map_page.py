# SPDX-License-Identifier: MIT
"""The map page's HTML: the built page with its configuration filled in, and its static files.

The page's HTML, JavaScript and CSS are built from ``web/`` by ``make web`` (npm ci, then a copy of
Leaflet and ``web/src`` into ``api/static/map``, a git-ignored folder) and served from ``/static``;
nothing is fetched from elsewhere. The server only fills in the page's configuration: the commune
to show, the loaded communes and the optional tile URL (``MOBILITY_MAP_TILE_URL``).
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

from api.settings import Settings
from mobility.store.base import Store

STATIC_DIR = Path(__file__).resolve().parent / "static"
"""Where ``make web`` writes the built assets (git-ignored); served under ``/static``."""
MAP_PAGE = STATIC_DIR / "map" / "index.html"
CONFIG_MARKER = "<!--MAP_CONFIG-->"
NOT_BUILT = (
    "<!doctype html><html lang='en'><meta charset='utf-8'><title>Map not built</title>"
    "<p>The map's assets are not built: run <code>make web</code> (npm ci and a copy "
    "into api/static/map), then reload.</p></html>"
)


class _BuiltAssets(StaticFiles):
    """Static files that answer 404, not a server error, while nothing has been built yet."""

    async def check_config(self) -> None:
        if self.directory is not None and not Path(self.directory).is_dir():
            return
        await super().check_config()


def static_files() -> StaticFiles:
    """Return the app for ``/static`` (the built map assets)."""
    return _BuiltAssets(directory=STATIC_DIR, check_dir=False)


def render_map_page(
    page: Path, store: Store, settings: Settings, commune: str | None
) -> HTMLResponse:
    """Return the built page showing a commune (the first loaded one by default); 503 unbuilt."""
    if not page.is_file():
        return HTMLResponse(NOT_BUILT, status_code=503)
    records = store.list_communes()
    code = store.get_commune(commune).code if commune else (records[0].code if records else None)
    tile_url = settings.map_tile_url or None
    config = {
        "commune": code,
        "communes": [{"code": record.code, "name": record.name} for record in records],
        "tileUrl": tile_url,
    }
    script = (
        '<script id="map-config" type="application/json">'
        + json.dumps(config, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        + "</script>"
    )
    html = page.read_text(encoding="utf-8").replace(CONFIG_MARKER, script, 1)
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": content_security_policy(tile_url),
            "X-Content-Type-Options": "nosniff",
        },
    )


def content_security_policy(tile_url: str | None) -> str:
    """Allow this server only (and the tile server's images when one is configured)."""
    images = "'self' data:"
    if tile_url and "://" in tile_url:
        parts = urlsplit(tile_url.replace("{s}", "*"))
        host = parts.netloc if "{" not in parts.netloc else ""
        images += f" {parts.scheme}://{host}" if host else f" {parts.scheme}:"
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src {images}; connect-src 'self'; object-src 'none'; base-uri 'self'; "
        "frame-ancestors 'self'; form-action 'self'"
    )
