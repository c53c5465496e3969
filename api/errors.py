# SPDX-License-Identifier: MIT
"""RFC 9457 problem details: one body shape for every error the API returns.

One table maps domain exceptions to HTTP statuses. Request validation failures name each field.
An unexpected exception is logged with its trace and answered with a generic 500 that never echoes
internal text.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import Scope, Send

from api.methods import allowed_methods
from mobility.errors import (
    ConflictError,
    FieldProblem,
    ForbiddenError,
    InvalidInputError,
    MobilityError,
    NotFoundError,
    PreconditionFailedError,
    PreconditionRequiredError,
    StoreUnavailableError,
    UnsupportedFormatError,
)

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger("mobility.api")

STATUS_BY_ERROR: dict[type[MobilityError], int] = {
    UnsupportedFormatError: 422,
    InvalidInputError: 422,
    NotFoundError: 404,
    ConflictError: 409,
    PreconditionFailedError: 412,
    PreconditionRequiredError: 428,
    ForbiddenError: 403,
    StoreUnavailableError: 503,
}

TITLES = {
    400: "Bad request",
    401: "Missing API key",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid input",
    429: "Too many requests",
    428: "Precondition required",
    500: "Internal error",
    503: "Service unavailable",
}


class ApiProblem(Exception):  # noqa: N818 (a problem+json body to send, not a fault)
    """An HTTP-level refusal raised by the web layer itself (auth, media type, size)."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        problems: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.problems = problems or []
        self.headers = headers or {}


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    problems: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build an ``application/problem+json`` response (the OCPI envelope under ``/ocpi``)."""
    return problem_at(request.url.path, status, detail, problems=problems, headers=headers)


def problem_at(
    path: str,
    status: int,
    detail: str,
    *,
    problems: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Build the refusal of a request to ``path``: problem+json, or the OCPI envelope.

    Routes reach it through :func:`problem_response`, middleware through :func:`send_problem`,
    so that every refusal has one shape whichever layer makes it.
    """
    if path.startswith(OCPI_PREFIX):
        return ocpi_error(status, detail, problems=problems, headers=headers)
    body: dict[str, Any] = {
        "type": f"https://clean-mobility-planner.fr/problems/{status}",
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": path,
    }
    if problems:
        body["errors"] = [problem.to_dict() for problem in problems]
    return JSONResponse(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


async def send_problem(
    scope: Scope,
    send: Send,
    status: int,
    detail: str,
    *,
    problems: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Answer a request from ASGI middleware, before any route, with :func:`problem_at`'s body.

    Middleware (body size, JSON checks, rate limits, the analysis time limit) has no ``Request``
    and no exception handler around it: it sends the response's messages itself.
    """
    response = problem_at(
        str(scope.get("path", "")), status, detail, problems=problems, headers=headers
    )
    await send(
        {
            "type": "http.response.start",
            "status": response.status_code,
            "headers": response.raw_headers,
        }
    )
    await send({"type": "http.response.body", "body": response.body})


OCPI_PREFIX = "/ocpi/"
OCPI_CLIENT_ERROR, OCPI_INVALID_PARAMETERS, OCPI_SERVER_ERROR = 2000, 2001, 3000


def ocpi_error(
    status: int,
    message: str,
    *,
    problems: list[FieldProblem] | None = None,
    headers: dict[str, str] | None = None,
    ocpi_status: int | None = None,
) -> JSONResponse:
    """Build an OCPI 2.2.1 envelope without data: 2001 for bad parameters, 3000 server side."""
    code = ocpi_status or (
        OCPI_SERVER_ERROR
        if status >= 500
        else OCPI_INVALID_PARAMETERS
        if status in (400, 422)
        else OCPI_CLIENT_ERROR
    )
    details = "; ".join(f"{problem.field}: {problem.message}" for problem in problems or [])
    body = {
        "status_code": code,
        "status_message": f"{message} ({details})" if details else message,
        "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _status_for(error: MobilityError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 500


def _field_of(location: tuple[Any, ...]) -> str:
    parts = [str(part) for part in location]
    if parts and parts[0] in ("query", "path", "header", "body"):
        parts = parts[1:] if parts[0] != "body" or len(parts) > 1 else parts
    return ".".join(parts) or "request"


def _problem_of(error: Any) -> FieldProblem:
    """Turn one of FastAPI's validation errors into a field problem."""
    location = tuple(error.get("loc", ()))
    if error.get("type") == "json_invalid":  # loc is ("body", offset): the body is the field
        offset = location[-1] if len(location) > 1 else "?"
        reason = (error.get("ctx") or {}).get("error", "syntax error")
        return FieldProblem("body", f"not valid JSON at character {offset}: {reason}")
    return FieldProblem(_field_of(location), str(error.get("msg", "invalid")))


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every failure into problem+json."""

    @app.exception_handler(MobilityError)
    async def _domain(request: Request, exc: MobilityError) -> JSONResponse:
        status = _status_for(exc)
        if status >= 500:
            logger.error("store failure on %s: %s", request.url.path, exc, exc_info=exc)
        return problem_response(request, status, exc.message, problems=list(exc.problems))

    @app.exception_handler(ApiProblem)
    async def _api(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.detail, problems=exc.problems, headers=exc.headers
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem_of(error) for error in exc.errors()]
        fields = ", ".join(sorted({problem.field for problem in problems}))
        return problem_response(request, 422, f"invalid request: {fields}", problems=problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "")
        headers = dict(exc.headers or {})
        allowed = (
            []
            if exc.status_code != 405
            else allowed_methods(request.app.router.routes, request.scope)
        )
        if allowed:
            headers["Allow"] = ", ".join(allowed)
            detail = f"{request.method} is not served here; this resource takes {headers['Allow']}"
        return problem_response(request, exc.status_code, detail, headers=headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        logger.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem_response(request, 500, "an unexpected error occurred; it has been logged")
