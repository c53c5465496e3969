# SPDX-License-Identifier: MIT
"""Siting over HTTP: the announced coverage is the coverage one gets by building the sites."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import API_KEY
from tests.support import builders

SITING = "/communes/75110/siting"


def _suggest(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(SITING, json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("method", ["greedy", "exact"])
def test_building_the_suggested_sites_gives_the_announced_coverage(
    client: TestClient, method: str
) -> None:
    answer = _suggest(client, layer="charging-points", within_m=300, count=3, method=method)
    summary = answer["summary"]
    assert summary["method"] == method
    assert [f["properties"]["rank"] for f in answer["features"]] == [1, 2, 3]
    gains = [f["properties"]["population_gained"] for f in answer["features"]]
    assert sum(gains) == pytest.approx(summary["population_gained"], abs=0.5)
    assert all(f["properties"]["street"] for f in answer["features"])
    before = client.get(
        "/communes/75110/coverage", params={"layer": "charging-points", "within_m": 300}
    ).json()["summary"]
    assert before["population_covered"] == pytest.approx(
        summary["population_covered_before"], abs=0.2
    )
    for index, site in enumerate(answer["features"]):
        lon, lat = site["geometry"]["coordinates"]
        properties = builders.charging_point_properties(id_pdc_itinerance=f"FRV75ESITE{index}")
        created = client.post(
            "/collections/charging-points/items",
            json=builders.feature(properties, lon=lon, lat=lat),
            headers={"X-API-Key": API_KEY},
        )
        assert created.status_code == 201, created.text
    after = client.get(
        "/communes/75110/coverage", params={"layer": "charging-points", "within_m": 300}
    ).json()["summary"]
    assert after["population_covered"] == pytest.approx(
        summary["population_covered_after"], abs=0.2
    )


def test_greedy_is_never_better_than_exact_and_states_its_gap(client: TestClient) -> None:
    body = {"layer": "hubs", "hub_mode": "bike_share", "within_m": 150, "count": 4}
    greedy = _suggest(client, **body, method="greedy")["summary"]
    exact = _suggest(client, **body, method="exact")["summary"]
    assert greedy["population_covered_after"] <= exact["population_covered_after"] + 0.1
    assert exact["optimality_gap"] == pytest.approx(0, abs=1e-4)
    assert greedy["upper_bound"] >= exact["population_covered_after"] - 0.1  # figures rounded


def test_candidates_exclusions_spacing_and_budget(client: TestClient) -> None:
    whole = builders.square((2.3, 48.8, 2.4, 48.9))
    refused = client.post(
        SITING, json={"layer": "charging-points", "within_m": 300, "count": 2, "exclusions": whole}
    )
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "exclusions"
    spaced = _suggest(
        client, layer="charging-points", within_m=300, count=4, min_spacing_m=600, method="greedy"
    )
    from math import cos, hypot, radians

    points = [f["geometry"]["coordinates"] for f in spaced["features"]]
    assert len(points) == 4  # (without spacing, two of the four best sites are 511 m apart)
    for i, (x1, y1) in enumerate(points):
        for x2, y2 in points[i + 1 :]:
            metres = hypot((x2 - x1) * 111_320 * cos(radians(48.87)), (y2 - y1) * 110_574)
            assert metres > 590
    budget = _suggest(client, layer="charging-points", within_m=300, budget=100, cost_per_site=30)
    assert len(budget["features"]) == 3  # 100 // 30: every site left gains someone
    custom = {
        "type": "FeatureCollection",
        "features": [
            builders.feature(
                {"name": "Square A", "cost": 10}, lon=2.3600, lat=48.8760, feature_id="a"
            ),
            builders.feature(
                {"name": "Square B", "cost": 10}, lon=2.3650, lat=48.8720, feature_id="b"
            ),
        ],
    }
    answer = _suggest(
        client,
        layer="charging-points",
        within_m=300,
        count=1,
        candidates={"type": "custom", "features": custom},
    )
    assert answer["features"][0]["properties"]["candidate_id"] in ("a", "b")


def test_absurd_requests_are_refused_with_reasons(client: TestClient) -> None:
    cases = [
        ({"layer": "charging-points", "within_m": 300, "count": 0}, "count"),
        ({"layer": "charging-points", "within_m": 300, "count": 10_000}, "count"),
        ({"layer": "charging-points", "within_m": 300}, "body"),
        (
            {"layer": "charging-points", "within_m": 300, "budget": 10, "cost_per_site": 30},
            "budget",
        ),
        ({"layer": "charging-points", "count": 2}, "within_m"),
        (
            {
                "layer": "charging-points",
                "within_m": 300,
                "count": 2,
                "candidates": {
                    "type": "custom",
                    "features": {"type": "FeatureCollection", "features": []},
                },
            },
            "candidates.features",
        ),
    ]
    for body, field in cases:
        response = client.post(SITING, json=body)
        assert response.status_code == 422, body
        assert response.headers["content-type"] == "application/problem+json"
        fields = {error["field"] for error in response.json()["errors"]}
        assert any(f.startswith(field) for f in fields), (body, fields)
