# SPDX-License-Identifier: MIT
"""Schemathesis drives the real ASGI app from its own OpenAPI document.

Every generated request must get a documented status, a body matching the documented schema, and
never a 500. Writes are sent with a valid key so that validation, not authentication, answers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from api.main import create_app
from tests.conftest import API_KEY, make_settings


@pytest.fixture(scope="module")
def contract_app(
    tmp_path_factory: pytest.TempPathFactory, sample_template: object
) -> Iterator[FastAPI]:
    from tests.support.stores import copy_sqlite

    url = copy_sqlite(sample_template, tmp_path_factory.mktemp("contract") / "store.sqlite")  # type: ignore[arg-type]
    app = create_app(make_settings(url))
    with TestClient(app):  # runs the lifespan: the store is open while the module's tests run
        yield app


schema = schemathesis.pytest.from_fixture("contract_schema")


@pytest.fixture(scope="module")
def contract_schema(contract_app: FastAPI) -> object:
    return schemathesis.openapi.from_asgi("/api", contract_app)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_honours_its_contract(case: schemathesis.Case) -> None:
    case.call_and_validate(headers={"X-API-Key": API_KEY})
