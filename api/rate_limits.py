# SPDX-License-Identifier: MIT
"""Rate limits that hold across workers: a budget per audience, 429 with Retry-After.

Every request of a client address is counted against one budget, by what it costs: reads
(``MOBILITY_RATE_LIMIT_READS``, generous), analyses (coverage, gaps, service areas, siting...:
``MOBILITY_RATE_LIMIT_ANALYSES``, seconds of CPU each) and writes
(``MOBILITY_RATE_LIMIT_WRITES``). Where the key is known (:mod:`api.auth`) the requests of one key
and the wrong keys of one client are counted too. Every worker adds to the same counts in the
store (:mod:`api.rate_counter`), so N workers do not grant N times a budget.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from api.client_address import client_address, trusted_networks
from api.errors import ApiProblem, send_problem
from api.rate_counter import RateCounter
from api.settings import Settings
from api.time_limit import ANALYSES

UNCOUNTED = ("/static/",)
READ_METHODS = ("GET", "HEAD", "OPTIONS")


def too_many(detail: str, seconds: int) -> ApiProblem:
    """Return the 429 refusal, saying when to come back."""
    return ApiProblem(429, detail, headers={"Retry-After": str(seconds)})


def budget_of(scope: Scope, settings: Settings) -> tuple[str, int]:
    """Return the audience a request is counted in (analyses, reads, writes) and its budget."""
    if ANALYSES.match(scope["path"]):
        return "analyses", settings.rate_limit_analyses
    if scope["method"] in READ_METHODS:
        return "reads", settings.rate_limit_reads
    return "writes", settings.rate_limit_writes


class RateLimits:
    """ASGI middleware: each request against its client's budget, before any route runs."""

    def __init__(self, app: ASGIApp, *, counter: RateCounter, settings: Settings) -> None:
        self.app = app
        self.counter = counter
        self.settings = settings
        self.proxies = trusted_networks(settings.trusted_proxies)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or scope["path"].startswith(UNCOUNTED):
            await self.app(scope, receive, send)
            return
        audience, limit = budget_of(scope, self.settings)
        if limit:
            client = client_address(scope, self.proxies)
            bucket, window = f"{audience}:{client}", self.settings.rate_limit_window_s
            wait, due = self.counter.claim(bucket, limit, window)
            if due:
                # one short upsert, on the event loop (a thread hop cost more: api/kept_answers.py)
                wait = self.counter.settle(bucket, limit, window, due)
            if wait is not None:
                detail = (
                    f"too many {audience} from this client: at most {limit} per {window} s "
                    f"(MOBILITY_RATE_LIMIT_{audience.upper()}); retry in {wait} s"
                )
                await send_problem(scope, send, 429, detail, headers={"Retry-After": str(wait)})
                return
        await self.app(scope, receive, send)
