# SPDX-License-Identifier: MIT
"""The application factory: settings in, a configured FastAPI app out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from api.audit import WriteAudit
from api.auth import require_read
from api.collector import settle_collector
from api.errors import install_error_handlers
from api.json_body import StrictJsonBody
from api.kept_answers import KeptAnswers
from api.layers import LAYER_SPECS
from api.limits import BodySizeLimit
from api.map_page import static_files
from api.methods import HeadAsGet
from api.openapi_doc import install_openapi
from api.rate_counter import RateCounter
from api.rate_limits import RateLimits
from api.routers import (
    analysis,
    batches,
    communes,
    docs,
    exports,
    imports,
    intermodality,
    ocpi,
    ocpi_credentials,
    ogc,
    regulation,
    scenarios,
    siting,
    web,
)
from api.routers.assets import build_layer_router
from api.security_headers import SecurityHeaders
from api.settings import Settings
from api.time_limit import AnalysisTimeLimit
from api.warm_routes import warm_routes
from mobility.coverage.context import ContextCache
from mobility.datafiles import use_data_dir
from mobility.feature_pages import FeaturePages
from mobility.store import open_store

API_VERSION = "0.1.0"
DESCRIPTION = """\
Clean Mobility Planner helps French communes plan EV charging points (IRVE), parking and
intermodal hubs over their real street map.

The asset layers are served as **OGC API – Features** collections (`/collections`), readable
by QGIS, GDAL and any OGC client; writes (Part 4) need an `X-API-Key` with the write scope.
Coordinates are EPSG:4326 in lon/lat order; distances are in metres. Errors are RFC 9457
`application/problem+json` bodies naming the field at fault.
"""


def create_app(settings: Settings, *, served: bool = False) -> FastAPI:
    """Build the API for the given settings (the entry point reads them from ``MOBILITY_*``).

    ``served``: the process exists to serve this app (``uvicorn api.main:app``), so after
    start-up the garbage collector is settled (:func:`api.collector.settle_collector`).
    """
    use_data_dir(settings.data_dir)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.store = open_store(settings.database_url, pool_size=settings.database_pool_size)
        app.state.contexts = ContextCache()
        app.state.feature_pages = FeaturePages()
        await warm_routes(app)
        if served:
            settle_collector()
        try:
            yield
        finally:
            app.state.store.close()

    app = FastAPI(
        title="Clean Mobility Planner",
        version=API_VERSION,
        description=DESCRIPTION,
        openapi_url="/api",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
        # open reads (the default) skip the check entirely: no dependency to solve per request
        dependencies=[Depends(require_read)] if settings.read_requires_key else [],
        license_info={"name": "MIT", "identifier": "MIT"},
    )
    app.state.settings = settings
    app.state.rate_counter = counter = RateCounter(lambda: app.state.store)
    install_error_handlers(app)
    app.include_router(ogc.router)
    for spec in LAYER_SPECS:
        app.include_router(build_layer_router(spec))
    app.include_router(communes.router)
    app.include_router(analysis.router)
    app.include_router(siting.router)
    app.include_router(intermodality.router)
    app.include_router(web.router)
    app.include_router(docs.router)
    app.mount("/static", static_files(), name="static")
    app.include_router(imports.router)
    app.include_router(exports.router)
    app.include_router(ocpi_credentials.router)
    app.include_router(ocpi.router)
    app.include_router(scenarios.router)
    app.include_router(regulation.router)
    app.include_router(batches.router)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
            allow_headers=["Content-Type", "X-API-Key", "Accept", "If-Match", "Authorization"],
            expose_headers=["Location", "ETag"],
        )
    if not settings.read_requires_key:
        # a key checked inside the routes must see every request: nothing kept when reads need one
        budget = int(settings.kept_answers_mb * 1_000_000)
        app.add_middleware(KeptAnswers, store=lambda: app.state.store, budget_bytes=budget)
    app.add_middleware(StrictJsonBody, max_bytes=int(settings.max_json_mb * 1_000_000))
    app.add_middleware(BodySizeLimit, max_bytes=int(settings.max_upload_mb * 1_000_000))
    app.add_middleware(AnalysisTimeLimit, limit_s=settings.analysis_time_limit_s)
    app.add_middleware(WriteAudit, store=lambda: app.state.store)
    app.add_middleware(RateLimits, counter=counter, settings=settings)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)
    install_openapi(app)
    return app


def __getattr__(name: str) -> FastAPI:
    """Build the module-level ``app`` (``uvicorn api.main:app``) on first access only.

    Building it lazily keeps importing this module free of side effects: tests and tools create
    their own apps with their own settings.
    """
    if name == "app":
        application = create_app(Settings(), served=True)
        globals()["app"] = application
        return application
    raise AttributeError(name)
