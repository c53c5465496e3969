# SPDX-License-Identifier: MIT
"""HTTP methods beyond the routes: ``HEAD`` wherever ``GET`` is, and a complete ``Allow`` on 405.

RFC 9110 asks that ``HEAD`` answer what ``GET`` would, without the body, and that a 405 name
every method the resource supports. Starlette answers 405 from the first route that matches the
path only (``Allow: GET`` on ``/collections/parking/items``, which also takes ``POST``), and
FastAPI routes declared for ``GET`` refuse ``HEAD``. Both are fixed here once for every route.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class HeadAsGet:
    """ASGI middleware: answer ``HEAD`` by running ``GET`` and dropping the body.

    The status and every header (``Content-Length`` included) are those of the ``GET`` answer,
    so a client can probe an item, a page or an export without transferring it.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if not message.get("more_body", False):
                    await send({"type": "http.response.body", "body": b""})
                return
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_without_body)


def allowed_methods(routes: list[BaseRoute], scope: Scope) -> list[str]:
    """Return every method some route serves at the scope's path, ``HEAD`` wherever ``GET`` is.

    Each method is tried against the routes as the router itself would match it, so included
    routers and mounted apps answer for their own paths.
    """
    allowed = [
        method
        for method in METHOD_ORDER
        if method != "HEAD"
        and any(
            route.matches({**scope, "type": "http", "method": method})[0] is Match.FULL
            for route in routes
        )
    ]
    if "GET" in allowed:
        allowed.insert(1, "HEAD")
    return allowed
