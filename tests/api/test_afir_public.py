# SPDX-License-Identifier: MIT
"""AFIR counts publicly accessible points: reserved-access points apart, counted only on request.

The expected figures are summed here from the stored charging points (read through the items
route, not through the regulation code) and checked against arithmetic written down by hand.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import API_KEY

AFIR = "/communes/75110/afir"
RESERVED = "Accès réservé"


def _stored_points(client: TestClient) -> list[dict[str, Any]]:
    response = client.get("/collections/charging-points/items", params={"limit": 10_000})
    assert response.status_code == 200, response.text
    return [feature["properties"] for feature in response.json()["features"]]


def _power_kw(points: list[dict[str, Any]]) -> float:
    return sum(float(p["puissance_nominale"]) for p in points)


def test_default_counts_public_points_only(any_client: TestClient) -> None:
    points = _stored_points(any_client)
    public = [p for p in points if p["condition_acces"] != RESERVED]
    reserved = [p for p in points if p["condition_acces"] == RESERVED]
    # The shipped 10e: 80 public points of 625 kW, 9 reserved ones of 2,044 kW.
    assert (len(public), _power_kw(public)) == (80, 625.0)
    assert (len(reserved), _power_kw(reserved)) == (9, 2044.0)

    body = any_client.get(AFIR, params={"bev": 1000, "phev": 500}).json()
    assert body["installed"]["power_kw"] == _power_kw(public)
    assert body["installed"]["points"] == len(public)
    assert sum(c["points"] for c in body["installed"]["by_class"].values()) == len(public)
    assert body["reserved_access"] == {
        "points": len(reserved),
        "power_kw": _power_kw(reserved),
        "counted": False,
    }
    assert body["required_kw"] == 1700.0  # 1.3 x 1000 + 0.8 x 500
    assert body["gap_kw"] == 1075.0  # 1700 - 625
    assert body["target_met"] is False
    assert "publicly accessible points only" in body["method"]["installed"]
    assert "include_reserved=true counts them" in body["method"]["installed"]
    assert any("9 points (2044 kW) have reserved access" in note for note in body["notes"])


def test_include_reserved_counts_every_point(any_client: TestClient) -> None:
    points = _stored_points(any_client)
    body = any_client.get(AFIR, params={"bev": 1000, "phev": 500, "include_reserved": True}).json()
    assert body["installed"]["power_kw"] == _power_kw(points) == 2669.0
    assert body["installed"]["points"] == len(points)
    assert body["reserved_access"] == {"points": 9, "power_kw": 2044.0, "counted": True}
    assert body["gap_kw"] == 0.0 and body["target_met"] is True
    assert "include_reserved=true asked" in body["method"]["installed"]
    explicit = any_client.get(AFIR, params={"include_reserved": False}).json()
    assert explicit["installed"]["power_kw"] == 625.0


def test_include_reserved_must_be_a_boolean(client: TestClient) -> None:
    response = client.get(AFIR, params={"include_reserved": "perhaps"})
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert "include_reserved" in [error["field"] for error in response.json()["errors"]]


def test_sdirve_keeps_every_point_and_shows_reserved_ones_apart(client: TestClient) -> None:
    existing = client.get("/communes/75110/sdirve").json()["existing"]
    assert existing["points"] == 89
    assert existing["reserved_access_points"] == 9
    assert sum(existing["by_class"].values()) == 89


def test_scenario_comparison_counts_the_same_points_as_afir(client: TestClient) -> None:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [2.36, 48.875]},
        "properties": {"puissance_nominale": 50},
    }
    created = client.post(
        "/scenarios",
        json={
            "commune": "75110",
            "name": "one fast point",
            "add": [{"layer": "charging-points", "features": [feature]}],
        },
        headers={"X-API-Key": API_KEY},
    )
    assert created.status_code == 201, created.text
    compare = client.get(
        f"/scenarios/{created.json()['id']}/compare",
        params={"layer": "charging-points", "bev": 1000, "phev": 500},
    ).json()["regulation"]["afir"]
    assert compare["installed_kw"] == {"base": 625.0, "scenario": pytest.approx(675.0)}
    assert compare["gap_kw"] == {"base": 1075.0, "scenario": pytest.approx(1025.0)}
    reserved = {"points": 9, "power_kw": 2044.0, "counted": False}
    assert compare["reserved_access"] == {"base": reserved, "scenario": reserved}
    assert "publicly accessible points only" in compare["method"]
