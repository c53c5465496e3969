# SPDX-License-Identifier: MIT
"""Rate limits that hold across workers: fixed windows counted in the store, 429 with Retry-After.

Every worker counts in the same table (:meth:`~mobility.store.Store.count_hit`, one atomic
statement), so N workers do not grant N times the budget. Three budgets: all requests of a client
address (``MOBILITY_RATE_LIMIT_PER_CLIENT``), the costly analyses (siting, service areas) of a
client (``MOBILITY_RATE_LIMIT_COSTLY``), and, checked where the key is known (:mod:`api.auth`),
the requests of one key and the wrong keys of one client.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import ApiProblem, send_problem
from api.settings import Settings
from mobility.store import Store

COSTLY = re.compile(r"^/communes/[^/]+/(siting|service-areas)$")
"""The analyses that cost seconds of CPU each."""
UNCOUNTED = ("/static/",)


def client_of(scope: Scope) -> str:
    """Return the client address of a request (the proxy's, unless the server trusts headers)."""
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def retry_after(window_s: int, now_s: float) -> int:
    """Return the whole seconds until the current fixed window ends (at least 1)."""
    return max(1, math.ceil(window_s - now_s % window_s))


def over_budget(store: Store, bucket: str, limit: int, window_s: int) -> int | None:
    """Count a hit; return the Retry-After seconds when the bucket is over its limit, else None."""
    now = time.time()
    if store.count_hit(bucket, window_s, now) > limit:
        return retry_after(window_s, now)
    return None


def too_many(detail: str, seconds: int) -> ApiProblem:
    """Return the 429 refusal, saying when to come back."""
    return ApiProblem(429, detail, headers={"Retry-After": str(seconds)})


class RateLimits:
    """ASGI middleware: the per-client and costly-analysis budgets, before any route runs."""

    def __init__(self, app: ASGIApp, *, store: Callable[[], Store], settings: Settings) -> None:
        self.app = app
        self.store = store
        self.settings = settings

    def _checks(self, scope: Scope) -> list[tuple[str, int, str]]:
        client = client_of(scope)
        checks = []
        if self.settings.rate_limit_per_client:
            limit = self.settings.rate_limit_per_client
            checks.append((f"client:{client}", limit, "requests from this client"))
        if self.settings.rate_limit_costly and COSTLY.match(scope["path"]):
            limit = self.settings.rate_limit_costly
            checks.append((f"costly:{client}", limit, "siting and service-area requests"))
        return checks

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or scope["path"].startswith(UNCOUNTED):
            await self.app(scope, receive, send)
            return
        window = self.settings.rate_limit_window_s
        for bucket, limit, what in self._checks(scope):
            wait = await run_in_threadpool(over_budget, self.store(), bucket, limit, window)
            if wait is not None:
                detail = f"too many {what}: at most {limit} per {window} s; retry in {wait} s"
                await send_problem(scope, send, 429, detail, headers={"Retry-After": str(wait)})
                return
        await self.app(scope, receive, send)
