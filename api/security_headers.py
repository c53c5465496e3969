# SPDX-License-Identifier: MIT
"""Security headers on every answer, whatever route or error produced it.

An answer that already sets a header keeps its own (the map and documentation pages set a
Content-Security-Policy fitted to what they load); every other answer is data, never a page to
render or frame, so its policy forbids everything.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DATA_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
"""The Content-Security-Policy of answers that are data (JSON, GeoJSON, CSV, problems)."""

DEFAULT_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"content-security-policy", DATA_POLICY.encode()),
)


class SecurityHeaders:
    """ASGI middleware adding :data:`DEFAULT_HEADERS` to each response that lacks them."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [item for item in DEFAULT_HEADERS if item[0] not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
