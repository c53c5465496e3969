# SPDX-License-Identifier: MIT
"""Refuse request bodies over the configured size before they are read into memory (413)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import send_problem


class BodySizeLimit:
    """ASGI middleware: 413 problem+json when a body exceeds ``max_bytes``.

    The declared Content-Length is checked first; a chunked body is counted as it streams, so a
    client that lies about the length or sends none cannot exhaust memory either.
    """

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, send)
            return
        received = 0
        too_large = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLargeError
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLargeError:
            if not response_started:
                await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        limit_mb = self.max_bytes / 1_000_000
        detail = f"the request body exceeds the limit of {limit_mb:g} MB (MOBILITY_MAX_UPLOAD_MB)"
        await send_problem(scope, send, 413, detail, headers={"Connection": "close"})


class _TooLargeError(Exception):
    """Raised inside the app's receive when the streamed body passes the limit."""
