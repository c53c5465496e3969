# SPDX-License-Identifier: MIT
"""Analyses answered again from the answer kept while nothing they read has changed.

An analysis (coverage, gaps, service areas, siting, hubs, SDIRVE, AFIR) reads only the store
and its request, and costs from a few milliseconds to seconds of CPU; dashboards, the map page
and several planners of one commune ask the same questions again and again. So each worker keeps
the answers it gave (status 200 only) under the request (method, path, query, body, and the
headers an answer may depend on) and the store's data version
(:mod:`mobility.store.data_version`), which the database raises at every committed change of the
assets, communes, their files and inputs, and the scenarios, whoever wrote it. A kept answer is
served only while that version is unchanged, with an ``Age`` header (RFC 9111) saying how many
seconds ago it was computed; its ``method.computed_at``, where it has one, is that moment too.
The same question asked again while it is being computed waits for that computation.

Nothing is kept when reads need a key (``MOBILITY_READ_REQUIRES_KEY``): the key check runs
inside the routes, and an answer must not reach a key that could not have asked for it. The
rate limits and the time limit stand outside this middleware: a kept answer is still counted.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.body_replay import replaying
from api.time_limit import ANALYSES
from mobility.errors import StoreUnavailableError
from mobility.store import Store

VARYING_HEADERS = frozenset(
    {b"accept", b"host", b"x-forwarded-host", b"x-forwarded-proto", b"x-forwarded-prefix"}
)
"""Request headers an answer may depend on (its format, the address in its links)."""

LARGEST_KEPT_BODY = 1_000_000
"""A request body larger than this (a siting request with many custom candidates) is not kept."""

Key = tuple[str, str, bytes, bytes, tuple[tuple[bytes, bytes], ...]]


@dataclass(frozen=True)
class KeptAnswer:
    """One 200 answer as it was sent: its headers and body, and when it was computed."""

    version: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    computed_at: float

    @property
    def size(self) -> int:
        """Bytes it holds (the body; headers are small)."""
        return len(self.body)


class KeptAnswers:
    """ASGI middleware: the analyses' answers kept per worker, least recently used dropped first.

    The answers live on the event loop's thread only, so they need no lock.
    """

    def __init__(self, app: ASGIApp, *, store: Callable[[], Store], budget_bytes: int) -> None:
        self.app = app
        self.store = store
        self.budget_bytes = budget_bytes
        self._kept: OrderedDict[Key, KeptAnswer] = OrderedDict()
        self._bytes = 0
        self._computing: dict[Key, tuple[int, asyncio.Future[KeptAnswer | None]]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if (
            not self.budget_bytes
            or scope["type"] != "http"
            or scope["method"] not in ("GET", "POST")
            or not ANALYSES.match(scope["path"])
        ):
            await self.app(scope, receive, send)
            return
        body, complete = await _read_body(receive)
        replay = replaying(body, receive, complete=complete)
        if not complete:
            await self.app(scope, replay, send)
            return
        key = _key(scope, body)
        try:
            # one short read, on the event loop: through the thread pool it was the slow part
            # of a kept answer under load (see the reads in api/routers/assets.py)
            version = self.store().data_version()
        except StoreUnavailableError:
            # answered by the route, which meets the same fault and says so (503)
            await self.app(scope, replay, send)
            return
        kept = self._kept.get(key)
        if kept is not None and kept.version == version:
            self._kept.move_to_end(key)
            await _send_kept(kept, send)
            return
        computing = self._computing.get(key)
        if computing is not None and computing[0] == version:
            answer = await asyncio.shield(computing[1])
            if answer is not None:
                await _send_kept(answer, send)
                return
        await self._compute(key, version, scope, replay, send)

    async def _compute(
        self, key: Key, version: int, scope: Scope, receive: Receive, send: Send
    ) -> None:
        """Run the analysis; the same question asked meanwhile waits for this answer.

        Without it, a question asked by many clients at once (a dashboard opened by a whole
        office, a worker's first minute) would be computed as many times, side by side.
        """
        done: asyncio.Future[KeptAnswer | None] = asyncio.get_running_loop().create_future()
        self._computing[key] = (version, done)
        try:
            await self.app(scope, receive, self._keeping(key, version, send))
        finally:
            kept = self._kept.get(key)
            done.set_result(kept if kept is not None and kept.version == version else None)
            if self._computing.get(key, (version, None))[1] is done:
                del self._computing[key]

    def _keeping(self, key: Key, version: int, send: Send) -> Send:
        """Return a ``send`` that passes the answer on and keeps it when it is a whole 200."""
        start: Message | None = None
        chunks: list[bytes] = []
        size = 0

        async def keeping(message: Message) -> None:
            nonlocal start, size
            await send(message)
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body" and start is not None:
                chunk = message.get("body", b"")
                size += len(chunk)
                if start["status"] != 200 or size > self.budget_bytes // 4:
                    start = None  # not kept: an error, or an answer too large to be worth it
                    return
                chunks.append(chunk)
                if not message.get("more_body", False):
                    headers = [(bytes(k), bytes(v)) for k, v in start.get("headers", [])]
                    self._keep(
                        key, KeptAnswer(version, headers, b"".join(chunks), time.monotonic())
                    )

        return keeping

    def _keep(self, key: Key, answer: KeptAnswer) -> None:
        replaced = self._kept.pop(key, None)
        if replaced is not None:
            self._bytes -= replaced.size
        self._kept[key] = answer
        self._bytes += answer.size
        while self._bytes > self.budget_bytes:
            _, dropped = self._kept.popitem(last=False)
            self._bytes -= dropped.size


def _key(scope: Scope, body: bytes) -> Key:
    headers = tuple(sorted((k, v) for k, v in scope["headers"] if k.lower() in VARYING_HEADERS))
    return (scope["method"], scope["path"], scope["query_string"], body, headers)


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """Read the request body up to :data:`LARGEST_KEPT_BODY`; say whether it was read whole."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            return b"".join(chunks), False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > LARGEST_KEPT_BODY:
            return b"".join(chunks), False


async def _send_kept(answer: KeptAnswer, send: Send) -> None:
    age = str(int(time.monotonic() - answer.computed_at)).encode()
    headers = [*answer.headers, (b"age", age)]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body, "more_body": False})
