# SPDX-License-Identifier: MIT
"""Intermodal hubs over HTTP, on the shipped commune (both backends) and one without assets."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from mobility.assets import Asset, Layer, Parking
from mobility.scenarios import AssetChange
from tests.support.communes import add_saint_germain

HUBS = "/communes/75110/hubs/intermodality"
CANDIDATES = f"{HUBS}/candidates"


def test_report_states_reach_formula_hubs_and_additions(any_client: TestClient) -> None:
    response = any_client.get(HUBS)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["commune"] == "75110"
    assert body["reach_m"] == dict.fromkeys(body["expected_modes"], 300.0)
    assert body["expected_modes"] == [
        "public_transport",
        "bike_share",
        "bike_parking",
        "charging",
        "car_share",
        "car_parking",
    ]
    assert "/ 6 expected modes" in body["score_formula"]
    hubs = body["hubs"]
    assert len(hubs) == body["summary"]["hubs"] == 66
    assert sum(body["summary"]["score_distribution"].values()) == 66
    assert [h["rank"] for h in hubs] == list(range(1, 67))
    scores = [h["completeness"] for h in hubs]
    assert scores == sorted(scores)  # least complete first
    for hub in hubs:
        assert hub["completeness"] == pytest.approx(len(hub["expected_present"]) / 6, abs=1e-4)
        assert len(hub["expected_present"]) + len(hub["missing"]) == 6
        for mode in hub["hub_modes"]:
            assert hub["nearest_m"][mode] == 0.0
    nord = next(h for h in hubs if h["name"] == "Gare du Nord")
    assert nord["main_mode"] == "rail"
    assert nord["lines"][:2] == ["LIGNE H", "LIGNE K"]
    assert "train station without car share within 300 m" in [m["message"] for m in nord["missing"]]
    additions = body["additions"]
    gains = [a["hubs_gaining"] for a in additions]
    assert gains == sorted(gains, reverse=True) and gains[0] == 9
    top = additions[0]
    assert top["hub_id"] in top["gaining_hub_ids"]
    assert top["options"][top["missing_mode"]] == top["hubs_gaining"]
    assert any("no car share" in note for note in body["notes"])
    assert body["method"]["mode"] == "walk"
    assert "secure" in body["method"]["modes"]["secure_bike_parking"]


def test_a_per_mode_reach_changes_that_mode_only(client: TestClient) -> None:
    base = {h["id"]: h for h in client.get(HUBS).json()["hubs"]}
    body = client.get(HUBS, params={"bike_parking_within_m": 150}).json()
    assert body["reach_m"]["bike_parking"] == 150 and body["reach_m"]["charging"] == 300
    magenta = next(h for h in body["hubs"] if h["name"] == "Magenta")
    assert "RER station without bike parking within 150 m" in [
        m["message"] for m in magenta["missing"]
    ]
    for hub in body["hubs"]:
        assert hub["nearest_m"] == base[hub["id"]]["nearest_m"]
        was = base[hub["id"]]["expected_present"]
        assert set(hub["expected_present"]) - {"bike_parking"} == set(was) - {"bike_parking"}
    lost = {
        hub["id"]
        for hub in body["hubs"]
        if "bike_parking" in base[hub["id"]]["expected_present"]
        and "bike_parking" not in hub["expected_present"]
    }
    between = {  # bike parking farther than the new reach, within the default one
        key
        for key, hub in base.items()
        if hub["nearest_m"]["bike_parking"] is not None
        and 150 < hub["nearest_m"]["bike_parking"] <= 300
    }
    assert lost == between and between


def test_geojson_gives_the_hubs_at_their_place(client: TestClient) -> None:
    response = client.get(HUBS, params={"f": "geojson"})
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 66
    rows = {h["id"]: h for h in client.get(HUBS).json()["hubs"]}
    for feature in body["features"]:
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert 2.34 < lon < 2.38 and 48.86 < lat < 48.89
        assert feature["properties"]["missing"] == rows[feature["id"]]["missing"]


def test_candidates_are_accepted_by_the_siting_route(any_client: TestClient) -> None:
    response = any_client.get(CANDIDATES, params={"missing_mode": "charging"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    features = response.json()["features"]
    assert features and all(f["properties"]["missing_mode"] == "charging" for f in features)
    assert [f["properties"]["rank"] for f in features] == list(range(1, len(features) + 1))
    for feature in features:
        assert feature["properties"]["id"] == feature["id"]
        assert feature["properties"]["name"]
    siting = any_client.post(
        "/communes/75110/siting",
        json={
            "layer": "charging-points",
            "within_m": 300,
            "count": 3,
            "candidates": {
                "type": "custom",
                "features": {"type": "FeatureCollection", "features": features},
            },
        },
    )
    assert siting.status_code == 200, siting.text
    chosen = [f["properties"]["candidate_id"] for f in siting.json()["features"]]
    assert chosen and set(chosen) <= {f["id"] for f in features}
    best = any_client.get(CANDIDATES).json()["features"]
    assert len({f["properties"]["hub_id"] for f in best}) == len(best)


def test_a_scenario_adding_bike_parking_completes_the_station(client: TestClient) -> None:
    nord = next(h for h in client.get(HUBS).json()["hubs"] if h["name"] == "Gare du Nord")
    assert "bike_parking" not in nord["expected_present"]
    lon, lat = _hub_point(client, nord["id"])
    shelter = Asset(
        Layer.PARKING,
        "plan-velo-nord",
        "75110",
        lon,
        lat,
        Parking(kind="bicycle", capacity=100, covered=True, access="customers"),
    )
    store = client.app.state.store  # type: ignore[attr-defined]
    scenario = store.create_scenario(
        "75110", "Véligo Gare du Nord", [AssetChange("add", Layer.PARKING, shelter.id, shelter)]
    )
    body = client.get(HUBS, params={"scenario": scenario.id}).json()
    after = next(h for h in body["hubs"] if h["name"] == "Gare du Nord")
    assert "bike_parking" in after["expected_present"]
    assert "secure_bike_parking" in after["modes_present"]
    assert after["completeness"] == pytest.approx(nord["completeness"] + 1 / 6, abs=1e-4)
    assert body["method"]["scenario"]["id"] == scenario.id
    assert client.get(HUBS, params={"scenario": "nope"}).status_code == 404


def test_bad_questions_get_problems_naming_the_field(client: TestClient) -> None:
    cases: list[tuple[str, dict[str, Any], str]] = [
        (HUBS, {"within_m": 5}, "within_m"),
        (HUBS, {"within_m": 5001}, "within_m"),
        (HUBS, {"charging_within_m": 9000}, "charging_within_m"),
        (HUBS, {"bike_parking_within_m": "far"}, "bike_parking_within_m"),
        (HUBS, {"f": "xml"}, "f"),
        (HUBS, {"scenario": "no spaces"}, "scenario"),
        (CANDIDATES, {"missing_mode": "rail"}, "missing_mode"),
    ]
    for path, params, field in cases:
        response = client.get(path, params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}, params
    assert client.get("/communes/99999/hubs/intermodality").status_code == 404
    assert client.get("/communes/99999/hubs/intermodality/candidates").status_code == 404


def test_a_commune_without_assets_answers_with_reasons(sample_url: str, client: TestClient) -> None:
    assert add_saint_germain(sample_url) == 0
    response = client.get("/communes/78551/hubs/intermodality")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["hubs"] == [] and body["additions"] == []
    assert body["summary"]["hubs"] == 0 and body["summary"]["mean_completeness"] is None
    assert any("no hubs" in note for note in body["notes"])
    candidates = client.get("/communes/78551/hubs/intermodality/candidates")
    assert candidates.status_code == 200
    assert candidates.json()["features"] == []
    geojson = client.get("/communes/78551/hubs/intermodality", params={"f": "geojson"})
    assert geojson.status_code == 200 and geojson.json()["features"] == []


def _hub_point(client: TestClient, hub_id: str) -> tuple[float, float]:
    feature = client.get(f"/collections/hubs/items/{hub_id}").json()
    lon, lat = feature["geometry"]["coordinates"]
    return float(lon), float(lat)


def test_assessing_only_rail_stations_keeps_every_hubs_modes(client: TestClient) -> None:
    everything = client.get("/communes/75110/hubs/intermodality").json()
    rer = client.get("/communes/75110/hubs/intermodality?hub_mode=rer").json()
    hubs = client.get("/collections/hubs/items?mode=rer&limit=1000").json()["features"]
    assert sorted(h["id"] for h in rer["hubs"]) == sorted(f["id"] for f in hubs)
    assert 0 < len(rer["hubs"]) < len(everything["hubs"])
    same = {h["id"]: h for h in everything["hubs"]}
    for hub in rer["hubs"]:
        # the Vélib' stations nearby still bring bike share: the row is the unfiltered one
        assert hub["modes_present"] == same[hub["id"]]["modes_present"]
        assert hub["missing"] == same[hub["id"]]["missing"]
    assessed = {h["id"] for h in rer["hubs"]}
    for addition in rer["additions"]:
        assert set(addition["gaining_hub_ids"]) <= assessed
    assert "served by rer" in rer["method"]["hubs_assessed"]
