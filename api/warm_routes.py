# SPDX-License-Identifier: MIT
"""Route one request at start-up, so that no user's first request pays for building the routes.

FastAPI builds each included router's handling of its routes (their dependencies, parameters
and response fields: some 300 model fields here) when a request first walks it: 0.23 s of CPU
on the first request of a worker, whatever it asked (the first coverage after a restart paid
it on top of its own work). A request for a path no route serves walks every router, so one
such request routed at start-up, straight to the router (past the middlewares: nothing is
counted, audited or answered), builds them all while the worker starts.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.types import Message

WARM_PATH = "/.well-known/mobility-warm-routes"
"""A path no route serves (``.well-known`` is never a route of the API)."""


async def warm_routes(app: FastAPI) -> None:
    """Walk every router with a request for :data:`WARM_PATH`; its 404 is dropped."""
    scope: dict[str, Any] = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": WARM_PATH,
        "raw_path": WARM_PATH.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "client": None,
        "server": None,
        "app": app,
    }

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        return None

    try:
        await app.router(scope, receive, send)
    except HTTPException:  # the 404 of a path no route serves, raised since "app" is in scope
        pass
