# SPDX-License-Identifier: MIT
"""The map page (``GET /map``) and the two small GeoJSON routes it draws from.

The page's HTML, JavaScript and CSS are built from ``web/`` by ``make web`` (npm ci, then a copy of
Leaflet and ``web/src`` into ``api/static/map``, a git-ignored folder) and served from ``/static``;
nothing is fetched from elsewhere. The server only fills in the page's configuration: the commune
to show, the loaded communes and the optional tile URL (``MOBILITY_MAP_TILE_URL``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field

from api.deps import SettingsDep, StoreDep
from api.query import INSEE_PATTERN
from api.responses import GeoJSONResponse, problem_responses
from api.routers.analysis import QueryDep, run_coverage
from api.schemas_analysis import AnalysisFeatureCollection
from mobility.coverage.context import ContextCache
from mobility.coverage.streets import streets_feature_collection
from mobility.coverage.zones import commune_zones, zone_coverage_features

STATIC_DIR = Path(__file__).resolve().parents[1] / "static"
"""Where ``make web`` writes the built assets (git-ignored); served under ``/static``."""
MAP_PAGE = STATIC_DIR / "map" / "index.html"
CONFIG_MARKER = "<!--MAP_CONFIG-->"

router = APIRouter(tags=["Map"])
PROBLEMS = problem_responses(404, 422)


class StreetCollection(BaseModel):
    """The commune's street segments, for drawing (one feature per segment)."""

    type: Literal["FeatureCollection"]
    features: list[dict[str, Any]] = Field(
        description="LineStrings with name, length_m, walk, drive and oneway."
    )
    source: dict[str, Any] | None = Field(
        default=None, description="The street file: filename, attribution, licence, SHA-256."
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


@router.get("/map", include_in_schema=False, response_class=HTMLResponse)
def map_page(
    store: StoreDep,
    settings: SettingsDep,
    commune: Annotated[str | None, Query(pattern=INSEE_PATTERN)] = None,
) -> HTMLResponse:
    """Serve the map page for a commune (the first loaded one by default)."""
    if not MAP_PAGE.is_file():
        return HTMLResponse(
            "<!doctype html><html lang='en'><meta charset='utf-8'><title>Map not built</title>"
            "<p>The map's assets are not built: run <code>make web</code> (npm ci and a copy "
            "into api/static/map), then reload.</p></html>",
            status_code=503,
        )
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
    html = MAP_PAGE.read_text(encoding="utf-8").replace(CONFIG_MARKER, script, 1)
    return HTMLResponse(
        html,
        headers={
            "Cache-Control": "no-cache",
            "Content-Security-Policy": _content_security_policy(tile_url),
            "X-Content-Type-Options": "nosniff",
        },
    )


def _content_security_policy(tile_url: str | None) -> str:
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


@router.get(
    "/communes/{code}/streets.geojson",
    operation_id="getStreets",
    summary="The commune's streets as GeoJSON lines (one per segment), for drawing",
    response_model=StreetCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_streets(
    code: Annotated[str, PathParam(pattern=INSEE_PATTERN, description="INSEE code, e.g. 75110.")],
    request: Request,
    store: StoreDep,
) -> Any:
    """Return every street segment of the commune's graph, with its name and modes."""
    cache: ContextCache = request.app.state.contexts
    context = cache.get(store, code)
    sources = context.record.info.get("sources", [])
    source = next((s for s in sources if isinstance(s, dict) and s.get("role") == "streets"), None)
    collection = streets_feature_collection(context.model.graph)
    return GeoJSONResponse({**collection, "source": source})


@router.get(
    "/communes/{code}/coverage/zones",
    operation_id="getCoverageZones",
    summary="Coverage per population zone (IRIS), as the zones' polygons with their share",
    response_model=AnalysisFeatureCollection,
    response_class=GeoJSONResponse,
    responses=PROBLEMS,
)
def get_coverage_zones(request: Request, store: StoreDep, query: QueryDep) -> Any:
    """Return the coverage report's per-zone table joined to the zone polygons, with the summary."""
    cache: ContextCache = request.app.state.contexts
    context = cache.get(store, query.code)
    result = run_coverage(request, store, query)
    population = store.get_commune_file(query.code, "population")
    features = (
        zone_coverage_features(commune_zones(population, context.record.boundary), result.zones())
        if population is not None
        else []
    )
    return GeoJSONResponse(
        {
            "type": "FeatureCollection",
            "features": features,
            "summary": result.summary(),
            "notes": result.notes,
            "method": result.method,
        }
    )
