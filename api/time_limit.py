# SPDX-License-Identifier: MIT
"""A whole-request time limit for the analyses: past it the answer is 503, the worker stays free.

The analysis runs in the thread pool as usual; this middleware waits for its answer at most
``MOBILITY_ANALYSIS_TIME_LIMIT_S`` and otherwise answers 503 problem+json itself, dropping what
the analysis sends later. A thread cannot be stopped from outside, so the abandoned analysis
finishes in the background (its result discarded) while the worker serves other requests; the
analyses rate limit bounds how many a client can leave running.
"""

from __future__ import annotations

import asyncio
import logging
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_problem

ANALYSES = re.compile(
    r"^/communes/[^/]+/(siting|service-areas|coverage|coverage/zones|gaps|hubs/intermodality"
    r"|hubs/intermodality/candidates|sdirve|afir)$"
)
logger = logging.getLogger(__name__)


class AnalysisTimeLimit:
    """ASGI middleware: 503 when an analysis has not started answering within ``limit_s``."""

    def __init__(self, app: ASGIApp, *, limit_s: float) -> None:
        self.app = app
        self.limit_s = limit_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or not self.limit_s or not ANALYSES.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()
        abandoned = False

        async def guarded_send(message: Message) -> None:
            if abandoned:
                return
            started.set()
            await send(message)

        task = asyncio.ensure_future(self.app(scope, receive, guarded_send))
        waiter = asyncio.ensure_future(started.wait())
        done, _ = await asyncio.wait(
            {task, waiter}, timeout=self.limit_s, return_when="FIRST_COMPLETED"
        )
        waiter.cancel()
        if done:
            await task
            return
        abandoned = True
        task.add_done_callback(_forget)
        logger.warning("analysis %s exceeded %.1f s: answered 503", scope["path"], self.limit_s)
        detail = (
            f"the analysis took longer than the limit of {self.limit_s:g} s "
            "(MOBILITY_ANALYSIS_TIME_LIMIT_S); ask a smaller question or retry later"
        )
        await send_problem(scope, send, 503, detail, headers={"Retry-After": "60"})


def _forget(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.info("an abandoned analysis failed: %s", task.exception())
