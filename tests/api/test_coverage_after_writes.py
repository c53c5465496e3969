# SPDX-License-Identifier: MIT
"""A write through the app is in the next coverage: the filtered layer is never a stale view.

Each step writes a charging point (create, update of its power, move, delete) and compares the
warm app's coverage, for filters that keep and drop it, with a fresh app's (no view, no kept
filter or snap: everything read again). On both stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import API_KEY, make_settings
from tests.support import builders

KEY = {"X-API-Key": API_KEY}
ITEM = "/collections/charging-points/items/FRV75ENEW0001"
QUERIES: list[dict[str, Any]] = [
    {},
    {"min_power_kw": 40},
    {"min_power_kw": 100, "pmr": True},
    {"free": True},
]
HOME_FAR_FROM_CHARGERS = (2.3655, 48.8815)
"""A corner of the 10e (by the canal): the new point covers homes no other point does."""


def coverage(client: TestClient, query: dict[str, Any]) -> dict[str, Any]:
    params = {"layer": "charging-points", "mode": "walk", "within_m": 300, **query}
    response = client.get("/communes/75110/coverage", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    return {"summary": body["summary"], "assets": body["method"]["assets"]}


def assert_as_fresh(warm: TestClient, url: str) -> list[dict[str, Any]]:
    """The warm app answers every filter as an app started now does; return those answers."""
    answers = [coverage(warm, query) for query in QUERIES]
    with TestClient(create_app(make_settings(url))) as fresh:
        assert answers == [coverage(fresh, query) for query in QUERIES]
    return answers


@pytest.fixture
def warm(sample_store_url: str) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(sample_store_url))) as client:
        for query in QUERIES:  # every view, filter and snap kept before the writes
            coverage(client, query)
        yield client


def test_every_write_is_in_the_next_coverage(warm: TestClient, sample_store_url: str) -> None:
    before = assert_as_fresh(warm, sample_store_url)
    properties = builders.charging_point_properties(
        id_pdc_itinerance="FRV75ENEW0001",
        puissance_nominale=50.0,
        gratuit=True,
        accessibilite_pmr="Réservé PMR",
    )
    body = builders.feature(properties, *HOME_FAR_FROM_CHARGERS, feature_id="FRV75ENEW0001")
    made = warm.post("/collections/charging-points/items", json=body, headers=KEY)
    assert made.status_code == 201, made.text
    created = assert_as_fresh(warm, sample_store_url)
    counts = [answer["assets"]["count"] for answer in created]
    assert counts == [before[0]["assets"]["count"] + 1, *counts[1:]]
    assert counts[1] == before[1]["assets"]["count"] + 1  # 50 kW: kept at 40 kW
    assert counts[3] == before[3]["assets"]["count"] + 1  # free
    assert created[0]["summary"]["population_covered"] > before[0]["summary"]["population_covered"]

    patch = {"Content-Type": "application/merge-patch+json", **KEY}
    lowered = warm.patch(ITEM, json={"properties": {"puissance_nominale": 22.0}}, headers=patch)
    assert lowered.status_code == 200, lowered.text
    after_update = assert_as_fresh(warm, sample_store_url)
    assert after_update[1]["assets"]["count"] == before[1]["assets"]["count"]  # 22 kW: dropped

    served = warm.get(ITEM).json()
    served["geometry"]["coordinates"] = [2.3600, 48.8760]
    moved = warm.put(ITEM, json=served, headers=KEY)
    assert moved.status_code == 200, moved.text
    after_move = assert_as_fresh(warm, sample_store_url)
    assert after_move[0]["summary"] != created[0]["summary"]

    gone = warm.delete(ITEM, headers=KEY)
    assert gone.status_code == 204, gone.text
    assert assert_as_fresh(warm, sample_store_url) == before
