# SPDX-License-Identifier: MIT
"""Complete the generated OpenAPI document with what holds for every operation.

FastAPI documents each route from its decorator; a few facts are true of the whole API and are
written here once rather than repeated on every route:

- every error answer is an RFC 9457 ``application/problem+json`` body (FastAPI's default 422
  schema describes a body this API never sends);
- an operation that reads a body also answers 400 (a body that is not UTF-8 JSON, or uses
  ``NaN``/``Infinity``) and 413 (over the size limit);
- ``HEAD`` is served wherever ``GET`` is (see :mod:`api.methods`): same parameters and statuses,
  no body;
- an optional header is absent or a string, never JSON ``null`` (FastAPI writes ``str | None``
  as "string or null", which a client would send as the text ``null``).
"""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any

from fastapi import FastAPI

from api.errors import PROBLEM_MEDIA_TYPE, TITLES

PROBLEM_REF = "#/components/schemas/Problem"
FOREIGN_ERROR_SCHEMAS = {"#/components/schemas/HTTPValidationError", PROBLEM_REF}
BODY_STATUSES = {
    400: "The body is not UTF-8 JSON (or uses NaN or Infinity, which JSON does not have).",
    413: "The body is larger than the server's limit.",
}


def install_openapi(app: FastAPI) -> None:
    """Make ``app.openapi()`` return the completed document (built once, then cached)."""
    build: Callable[[], dict[str, Any]] = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = complete_document(build())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def complete_document(document: dict[str, Any]) -> dict[str, Any]:
    """Return the document with problem+json errors, body errors and HEAD operations added."""
    for methods in document.get("paths", {}).values():
        for method, operation in list(methods.items()):
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "header":
                    parameter["schema"] = _without_null(parameter.get("schema", {}))
            if "requestBody" in operation:
                for status, description in BODY_STATUSES.items():
                    operation["responses"].setdefault(str(status), {"description": description})
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    _as_problem(int(status), response)
            if method == "get":
                methods["head"] = _head_of(operation)
    schemas = document.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _without_null(schema: dict[str, Any]) -> dict[str, Any]:
    """Return the schema without its ``null`` branch (``anyOf: [X, null]`` becomes X)."""
    branches = schema.get("anyOf")
    if not isinstance(branches, list):
        return schema
    kept = [branch for branch in branches if branch != {"type": "null"}]
    if len(kept) != 1:
        return schema
    rest = {key: value for key, value in schema.items() if key != "anyOf"}
    return {**kept[0], **rest}


def _as_problem(status: int, response: dict[str, Any]) -> None:
    """Document an error answer as problem+json unless it names its own model (OCPI's envelope)."""
    content = response.get("content", {})
    refs = {media.get("schema", {}).get("$ref") for media in content.values()} - {None}
    if refs - FOREIGN_ERROR_SCHEMAS:
        return
    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": PROBLEM_REF}}}
    if response.get("description") in (None, "", "Validation Error", "Unprocessable Entity"):
        response["description"] = TITLES.get(status, "Error")


def _head_of(get: dict[str, Any]) -> dict[str, Any]:
    """Return the HEAD twin of a GET operation: its parameters and statuses, no body."""
    operation_id = str(get["operationId"])
    stem = operation_id.removeprefix("get")
    head: dict[str, Any] = {
        "tags": list(get.get("tags", [])),
        "summary": f"{get.get('summary', operation_id)} (headers only)",
        "operationId": f"head{stem[:1].upper()}{stem[1:]}",
        "responses": {
            status: {"description": response.get("description", "")}
            for status, response in get["responses"].items()
        },
    }
    if "parameters" in get:
        head["parameters"] = deepcopy(get["parameters"])
    return head
