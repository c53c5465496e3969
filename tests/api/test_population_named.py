# SPDX-License-Identifier: MIT
"""Every answer names the population it counts: field, what it counts, year and file."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

SHIPPED = {
    "field": "C11_POP15P",
    "description": "residents aged 15 or more",
    "age_group": None,
    "year": 2011,
    "source": "iris_75110_pop15p_2011.geojson",
}
QUESTION = {"layer": "charging-points", "within_m": 300}


def test_the_commune_states_its_population(any_client: TestClient) -> None:
    commune = any_client.get("/collections/communes/items/75110").json()
    assert commune["properties"]["info"]["demand"]["population"] == SHIPPED


def test_a_coverage_answer_names_the_shipped_population(any_client: TestClient) -> None:
    answer = any_client.get("/communes/75110/coverage", params=QUESTION).json()
    assert answer["method"]["population"] == SHIPPED
    assert answer["method"]["demand"]["population"] == SHIPPED
    # The 10e's zones lie inside its boundary (it is their union): nothing was cut.
    clip = answer["method"]["demand"]["boundary_clip"]
    assert clip["zones_straddling"] == [] and clip["population_outside"] == 0
    assert clip["zones_inside"] == 42


@pytest.mark.parametrize(
    "path",
    [
        "/communes/75110/coverage/zones",
        "/communes/75110/gaps",
        "/communes/75110/service-areas",
    ],
)
def test_gaps_zones_and_service_areas_name_it(client: TestClient, path: str) -> None:
    answer = client.get(path, params=QUESTION).json()
    assert answer["method"]["population"] == SHIPPED


def test_siting_and_intermodality_name_it(client: TestClient) -> None:
    siting = client.post("/communes/75110/siting", json={**QUESTION, "count": 2})
    assert siting.status_code == 200, siting.text
    assert siting.json()["method"]["population"] == SHIPPED
    hubs = client.get("/communes/75110/hubs/intermodality").json()
    assert hubs["method"]["population"] == SHIPPED
