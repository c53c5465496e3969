# SPDX-License-Identifier: MIT
"""FastAPI dependencies as ``Annotated`` aliases: store, settings, counts, context, scenario, body.

This module and ``api/main.py`` are the only places that read ``app.state``: routers ask for
what they need by type.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.errors import ApiProblem
from api.params import CodePath, ScenarioQuery
from api.rate_counter import RateCounter
from api.settings import Settings
from mobility.coverage.context import CommuneContext, ContextCache
from mobility.feature_pages import FeaturePages
from mobility.scenarios import Scenario, read_scenario
from mobility.store import Store


async def get_store(request: Request) -> Store:
    """Return the store opened at start-up."""
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> Settings:
    """Return the settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_rate_counter(request: Request) -> RateCounter:
    """Return this worker's view of the shared rate-limit counts."""
    counter: RateCounter = request.app.state.rate_counter
    return counter


async def get_contexts(request: Request) -> ContextCache:
    """Return the cache of commune contexts built at start-up."""
    contexts: ContextCache = request.app.state.contexts
    return contexts


async def get_feature_pages(request: Request) -> FeaturePages:
    """Return this worker's encoded pages of features (kept while the data is unchanged)."""
    pages: FeaturePages = request.app.state.feature_pages
    return pages


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ContextCacheDep = Annotated[ContextCache, Depends(get_contexts)]
RateCounterDep = Annotated[RateCounter, Depends(get_rate_counter)]
FeaturePagesDep = Annotated[FeaturePages, Depends(get_feature_pages)]


def get_context(code: CodePath, store: StoreDep, contexts: ContextCacheDep) -> CommuneContext:
    """Return the context (graph, engines, demand) of the commune named in the path."""
    return contexts.get(store, code)


def get_scenario(
    code: CodePath, store: StoreDep, scenario: ScenarioQuery = None
) -> Scenario | None:
    """Return the scenario the query names, read once and checked to be the commune's."""
    return read_scenario(store, code, scenario) if scenario is not None else None


ContextDep = Annotated[CommuneContext, Depends(get_context)]
ScenarioDep = Annotated[Scenario | None, Depends(get_scenario)]

WRITE_MEDIA_TYPES = ("application/json", "application/geo+json", "application/merge-patch+json")


async def require_json_body(request: Request) -> None:
    """Refuse a body that is not JSON (415), before it is parsed."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in WRITE_MEDIA_TYPES:
        raise ApiProblem(
            415,
            f"send JSON ({', '.join(WRITE_MEDIA_TYPES)}), not {media_type or 'an untyped body'}",
        )
