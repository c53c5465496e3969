# SPDX-License-Identifier: MIT
"""Guards on the shape of the house: the domain stays pure, the OpenAPI document stays true."""

from __future__ import annotations

import ast
import json

import pytest

from api.openapi import current_openapi, render
from api.settings import Settings
from tests.support.paths import ROOT

WEB_PACKAGES = {"fastapi", "starlette", "uvicorn"}


def _imports(path: object) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))  # type: ignore[attr-defined]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_the_domain_never_imports_the_web_framework_or_the_api() -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imports(path) & (WEB_PACKAGES | {"api"}))
        for path in (ROOT / "mobility").rglob("*.py")
        if _imports(path) & (WEB_PACKAGES | {"api"})
    }
    assert offenders == {}


def test_committed_openapi_matches_the_app() -> None:
    committed = (ROOT / "openapi" / "openapi.json").read_text(encoding="utf-8")
    assert committed == render(current_openapi()), "run `make openapi` and commit the result"


def test_openapi_operation_ids_are_stable_and_unique() -> None:
    document = current_openapi()
    ids = [
        operation["operationId"]
        for path in document["paths"].values()
        for operation in path.values()
    ]
    assert len(ids) == len(set(ids))
    for expected in (
        "getChargingPoints",
        "getChargingPoint",
        "createChargingPoint",
        "replaceParking",
        "updateHub",
        "deleteHub",
        "getCommunes",
        "getCollections",
    ):
        assert expected in ids


def test_openapi_document_is_valid() -> None:
    from openapi_spec_validator import validate

    validate(json.loads(render(current_openapi())))


def test_settings_refuse_unsafe_combinations() -> None:
    with pytest.raises(ValueError, match="16 characters"):
        Settings(api_keys=["short"])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="cannot be combined"):
        Settings(cors_origins=["*", "https://a.example"])
    with pytest.raises(ValueError, match="DATABASE_URL"):
        Settings(database_url="mysql://x")


def test_settings_read_comma_separated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOBILITY_API_KEYS", "a" * 16 + ", " + "b" * 16)
    monkeypatch.setenv("MOBILITY_CORS_ORIGINS", "https://one.example,https://two.example")
    settings = Settings()
    assert settings.accepts_key("b" * 16) and not settings.accepts_key("c" * 16)
    assert settings.cors_origins == ["https://one.example", "https://two.example"]
