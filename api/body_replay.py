# SPDX-License-Identifier: MIT
"""Hand a route the request body a middleware has already read, then whatever is left of it."""

from __future__ import annotations

from starlette.types import Message, Receive


def replaying(body: bytes, receive: Receive, *, complete: bool = True) -> Receive:
    """Return a ``receive`` that gives ``body`` first, then the rest from ``receive``.

    ``complete``: the body was read whole (else the route goes on reading where it stopped).
    """
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if replayed:
            return await receive()
        replayed = True
        return {"type": "http.request", "body": body, "more_body": not complete}

    return replay
