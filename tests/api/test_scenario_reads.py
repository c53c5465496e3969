# SPDX-License-Identifier: MIT
"""Each analysis request reads its scenario from the store once, whatever it computes."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import API_KEY
from tests.support.counting import CountingStore

KEY = {"X-API-Key": API_KEY}


@pytest.fixture
def counted(client: TestClient) -> tuple[TestClient, CountingStore, str]:
    """The client, its store wrapped to count scenario reads, and a stored scenario's id."""
    hub = client.get("/collections/hubs/items?limit=1").json()["features"][0]
    response = client.post(
        "/scenarios",
        json={
            "commune": "75110",
            "name": "One less hub",
            "remove": [{"layer": "hubs", "ids": [hub["id"]]}],
        },
        headers=KEY,
    )
    assert response.status_code == 201, response.text
    counting = CountingStore(client.app.state.store, "get_scenario")  # type: ignore[attr-defined]
    client.app.state.store = counting  # type: ignore[attr-defined]
    return client, counting, response.json()["id"]


@pytest.mark.parametrize(
    "path",
    [
        "/communes/75110/coverage?layer=hubs&within_m=300",
        "/communes/75110/coverage?layer=hubs&within_m=300&f=geojson",
        "/communes/75110/gaps?layer=hubs&within_m=300",
        "/communes/75110/coverage/zones?layer=hubs&within_m=300",
        "/communes/75110/hubs/intermodality?within_m=300",
        "/communes/75110/hubs/intermodality/candidates?within_m=300",
    ],
)
def test_an_analysis_reads_its_scenario_once(
    counted: tuple[TestClient, CountingStore, str], path: str
) -> None:
    client, counting, scenario_id = counted
    response = client.get(f"{path}&scenario={scenario_id}")
    assert response.status_code == 200, response.text
    assert response.json()["method"]["scenario"]["id"] == scenario_id
    assert counting.calls == 1


def test_siting_on_a_scenario_reads_it_once(
    counted: tuple[TestClient, CountingStore, str],
) -> None:
    client, counting, scenario_id = counted
    body = {
        "layer": "hubs",
        "within_m": 300,
        "count": 2,
        "method": "greedy",
        "candidates": {"type": "hubs"},
        "scenario": scenario_id,
    }
    response = client.post("/communes/75110/siting", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["method"]["scenario"]["id"] == scenario_id
    assert counting.calls == 1
