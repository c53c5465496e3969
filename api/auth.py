# SPDX-License-Identifier: MIT
"""Who a request acts for: the ``X-API-Key`` checked against the stored keys, and what it may do.

Writes need a key with the ``write`` scope; the store a write route receives is bound to the
key's communes (:mod:`mobility.keys.bound`), so a key of 92048 cannot change 75110. Reads are
open unless ``MOBILITY_READ_REQUIRES_KEY`` is set. The keys of the deprecated
``MOBILITY_API_KEYS`` list still work, as read-and-write keys of every commune. The key id is
left on the request's state for the audit of writes (:mod:`api.audit`); the key itself is never
logged or stored.
"""

from __future__ import annotations

import time
from typing import Annotated

from fastapi import Depends, Header, Request
from starlette.concurrency import run_in_threadpool

from api.client_address import client_address, trusted_networks
from api.deps import RateCounterDep, SettingsDep, StoreDep, require_json_body
from api.errors import ApiProblem
from api.rate_counter import RateCounter, retry_after
from api.rate_limits import too_many
from api.settings import Settings
from mobility.keys import Principal, Scope, authenticate, legacy_principal
from mobility.keys.bound import store_for
from mobility.store import Store

KeyHeader = Annotated[
    str | None,
    Header(
        description="An API key (`mobility keys create`); writes need the write scope, and a key "
        "bound to communes writes only there."
    ),
]
OPEN_READ_PATHS = ("/docs", "/redoc", "/api", "/static/", "/ocpi/")
"""Readable without a key even when reads are closed: the documentation, and OCPI (own tokens)."""


def identify(
    request: Request,
    settings: Settings,
    store: Store,
    counter: RateCounter,
    presented: str | None,
) -> Principal:
    """Return the key's Principal; 401 without a key, 403 for a key that is not valid.

    A client that sent too many wrong keys gets 429 for any key until its window ends; a key
    over its own budget gets 429 too.
    """
    if not presented:
        raise ApiProblem(
            401, "this operation needs an X-API-Key header", headers={"WWW-Authenticate": "ApiKey"}
        )
    refuse_locked_out_client(request, settings, store)
    legacy = [key.get_secret_value() for key in settings.api_keys]
    principal = authenticate(store, presented) or legacy_principal(presented, legacy)
    if principal is None:
        count_failed_attempt(request, settings, store)
        raise ApiProblem(403, "the X-API-Key is not valid (unknown, revoked or expired)")
    request.state.key_id = principal.key_id
    if settings.rate_limit_per_key:
        limit, window = settings.rate_limit_per_key, settings.rate_limit_window_s
        wait = counter.hit(f"key:{principal.key_id}", limit, window)
        if wait is not None:
            raise too_many(f"the key {principal.key_id} is over {limit} per {window} s", wait)
    return principal


def _failures(request: Request, settings: Settings) -> str:
    proxies = trusted_networks(settings.trusted_proxies)
    return f"failed-keys:{client_address(request.scope, proxies)}"


def refuse_locked_out_client(request: Request, settings: Settings, store: Store) -> None:
    """429 while the client's wrong keys (or OCPI tokens) are over the limit of their window."""
    limit, window = settings.failed_key_limit, settings.failed_key_window_s
    if limit and store.hits(_failures(request, settings), window, time.time()) >= limit:
        wait = retry_after(window, time.time())
        raise too_many(f"too many wrong keys from this client: retry in {wait} s", wait)


def count_failed_attempt(request: Request, settings: Settings, store: Store) -> None:
    """Count a wrong key or token of the client (the next ones may then be refused with 429)."""
    if settings.failed_key_limit:
        store.count_hit(_failures(request, settings), settings.failed_key_window_s, time.time())


def _needing(scope: Scope, principal: Principal) -> Principal:
    if not principal.may(scope):
        raise ApiProblem(403, f"the key {principal.key_id} lacks the {scope} scope")
    return principal


def require_api_key(
    request: Request,
    settings: SettingsDep,
    store: StoreDep,
    counter: RateCounterDep,
    x_api_key: KeyHeader = None,
) -> Principal:
    """Return the Principal of a key with the write scope (401 without a key, 403 otherwise)."""
    return _needing("write", identify(request, settings, store, counter, x_api_key))


WriterDep = Annotated[Principal, Depends(require_api_key)]


def get_write_store(store: StoreDep, principal: WriterDep) -> Store:
    """Return the store as the writing key may use it (bound to its communes, if it is)."""
    return store_for(store, principal)


WriteStoreDep = Annotated[Store, Depends(get_write_store)]
WriteGuard = [Depends(require_api_key), Depends(require_json_body)]


async def require_read(
    request: Request, settings: SettingsDep, store: StoreDep, counter: RateCounterDep
) -> None:
    """When reads are closed, refuse a read without a key holding the read scope.

    A coroutine, so that an open read (the usual case) costs no trip to the thread pool; the
    key check, which reads the store, runs there.
    """
    if not settings.read_requires_key or request.method not in ("GET", "HEAD"):
        return
    if request.url.path.startswith(OPEN_READ_PATHS):
        return
    presented = request.headers.get("x-api-key")
    principal = await run_in_threadpool(identify, request, settings, store, counter, presented)
    _needing("read", principal)
