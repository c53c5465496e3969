# SPDX-License-Identifier: MIT
"""The largest items page comes from MOBILITY_ITEMS_MAX_LIMIT, through the real app."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import make_settings

ITEMS = ["/collections/charging-points/items", "/collections/communes/items"]


@pytest.fixture
def small_client(sample_url: str) -> Iterator[TestClient]:
    """The shipped commune served with pages of at most 3 features."""
    with TestClient(create_app(make_settings(sample_url, items_max_limit=3))) as test_client:
        yield test_client


@pytest.mark.parametrize("path", ITEMS)
def test_a_page_over_the_configured_maximum_is_refused_naming_limit(
    small_client: TestClient, path: str
) -> None:
    response = small_client.get(path, params={"limit": 4})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    [error] = response.json()["errors"]
    assert error["field"] == "limit"
    assert "at most 3" in error["message"]


def test_a_page_at_the_configured_maximum_is_served_with_a_next_link(
    small_client: TestClient,
) -> None:
    page = small_client.get(ITEMS[0], params={"limit": 3, "commune": "75110"}).json()
    assert page["numberReturned"] == 3 and page["numberMatched"] > 3
    [following] = [link["href"] for link in page["links"] if link["rel"] == "next"]
    assert "limit=3" in following and "offset=3" in following


def test_a_larger_configured_maximum_serves_larger_pages(sample_url: str) -> None:
    settings = make_settings(sample_url, items_max_limit=20_000)
    with TestClient(create_app(settings)) as client:
        response = client.get(ITEMS[0], params={"limit": 15_000})
        refused = client.get(ITEMS[0], params={"limit": 20_001})
    assert response.status_code == 200
    assert response.json()["numberReturned"] == response.json()["numberMatched"]
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "limit"


def test_the_api_document_states_the_default_maximum(client: TestClient) -> None:
    operation = client.get("/api").json()["paths"][ITEMS[0]]["get"]
    [limit] = [p for p in operation["parameters"] if p["name"] == "limit"]
    assert limit["schema"]["maximum"] == 10_000
    assert client.get(ITEMS[0], params={"limit": 10_000}).status_code == 200
    assert client.get(ITEMS[0], params={"limit": 10_001}).status_code == 422
