# SPDX-License-Identifier: MIT
"""The audit of writes: each write request made with a key is recorded with the key's id.

The key check (:mod:`api.auth`) leaves the key id on the request's state; once the answer has
gone out, this middleware appends the key id, method, path, status and time to the store's
``write_audit`` table. A refused write is recorded too (its status says so), so that a key
probing where it may not write shows up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mobility.store import Store, WriteRecord

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class WriteAudit:
    """ASGI middleware recording every keyed write in the store once it is answered."""

    def __init__(self, app: ASGIApp, *, store: Callable[[], Store]) -> None:
        self.app = app
        self.store = store

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or scope["method"] not in WRITE_METHODS:
            await self.app(scope, receive, send)
            return
        status = 500

        async def watching(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, watching)
        finally:
            key_id = scope.get("state", {}).get("key_id")
            if key_id is not None:
                entry = WriteRecord(
                    key_id, scope["method"], scope["path"], status, datetime.now(UTC)
                )
                await run_in_threadpool(self.store().record_write, entry)
