# SPDX-License-Identifier: MIT
"""Refuse a JSON body that is too large, not UTF-8, or uses NaN or Infinity, before any route.

RFC 8259 JSON is UTF-8 and has no ``NaN`` or ``Infinity``, but Python's parser reads both, and a
body that is not UTF-8 made FastAPI answer a bare 400. Every route that reads JSON is covered
here once: the body is read (up to ``MOBILITY_MAX_JSON_MB``: a JSON body is held in memory whole,
so its limit is far below the upload limit of files), checked, and handed on unchanged. A body
with a syntax error is left to the route's own validation, which names the position. File imports
(``/communes/{code}/imports/…``) are files, not requests: their readers and the upload limit
judge them.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from api.body_replay import replaying
from api.errors import send_problem
from mobility.errors import FieldProblem

FILE_UPLOADS = re.compile(r"^/communes/[^/]+/imports/")


class StrictJsonBody:
    """ASGI middleware: 413, or 400 naming the fault, for JSON bodies the API cannot take."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # noqa: D102
        if scope["type"] != "http" or not _is_json(scope) or FILE_UPLOADS.match(scope["path"]):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                limit_mb = self.max_bytes / 1_000_000
                detail = (
                    f"the JSON body exceeds the limit of {limit_mb:g} MB (MOBILITY_MAX_JSON_MB)"
                )
                await _refuse(scope, send, 413, detail)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        problem = body_problem(body)
        if problem is not None:
            await _refuse(scope, send, 400, problem)
            return
        await self.app(scope, replaying(body, receive), send)


def body_problem(body: bytes) -> str | None:
    """Return why a JSON body is refused before parsing (not UTF-8, NaN, Infinity), or None."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as error:
        return f"the body is not UTF-8: byte 0x{body[error.start]:02x} at offset {error.start}"

    def refuse_constant(name: str) -> object:
        raise _NotJsonError(name)

    try:
        json.loads(text, parse_constant=refuse_constant)
    except _NotJsonError as error:
        return f"the body uses {error.args[0]}, which is not a JSON number (RFC 8259)"
    except ValueError:
        return None  # a syntax error: the route's validation names its position
    return None


class _NotJsonError(ValueError):
    """Raised by the parser on ``NaN``, ``Infinity`` or ``-Infinity``."""


def _is_json(scope: Scope) -> bool:
    raw: bytes = dict(scope.get("headers", [])).get(b"content-type", b"")
    media_type = raw.split(b";")[0].strip().lower()
    return media_type == b"application/json" or media_type.endswith(b"+json")


async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
    await send_problem(scope, send, status, detail, problems=[FieldProblem("body", detail)])
