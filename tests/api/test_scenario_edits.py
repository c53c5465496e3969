# SPDX-License-Identifier: MIT
"""Scenario writes: a replacement keeps its commune; a refusal stores nothing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.conftest import API_KEY

KEY = {"X-API-Key": API_KEY}


def test_a_replacement_over_another_commune_is_refused_and_writes_nothing(
    client: TestClient,
) -> None:
    hub = client.get("/collections/hubs/items?limit=1").json()["features"][0]
    body = {"commune": "75110", "name": "Plan", "remove": [{"layer": "hubs", "ids": [hub["id"]]}]}
    posted = client.post("/scenarios", json=body, headers=KEY)
    created = posted.json()
    moved = {**body, "commune": "75111", "name": "Elsewhere"}
    headers = {**KEY, "If-Match": posted.headers["ETag"]}
    response = client.put(f"/scenarios/{created['id']}", json=moved, headers=headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "commune", "message": "must be 75110"}]
    kept = client.get(f"/scenarios/{created['id']}").json()
    assert kept["name"] == "Plan" and kept["counts"] == created["counts"]


def test_a_removal_of_an_unknown_asset_is_refused_before_anything_is_stored(
    client: TestClient,
) -> None:
    body = {"commune": "75110", "name": "Plan", "remove": [{"layer": "hubs", "ids": ["NOPE"]}]}
    response = client.post("/scenarios", json=body, headers=KEY)
    assert response.status_code == 422
    assert client.get("/scenarios").json()["scenarios"] == []
