# SPDX-License-Identifier: MIT
"""OGC API – Features Part 4 writes: the key, validation, atomicity, persistence."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import API_KEY, make_settings
from tests.support import builders

KEY = {"X-API-Key": API_KEY}
ITEMS = "/collections/charging-points/items"
HUBS = "/collections/hubs/items"


def _errors(response: Any) -> dict[str, str]:
    assert response.headers["content-type"] == "application/problem+json", response.text
    return {error["field"]: error["message"] for error in response.json().get("errors", [])}


def test_writes_need_a_valid_key(client: TestClient) -> None:
    body = builders.feature(builders.charging_point_properties())
    missing = client.post(ITEMS, json=body)
    assert missing.status_code == 401
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = client.post(ITEMS, json=body, headers={"X-API-Key": "x" * 20})
    assert wrong.status_code == 403
    assert client.delete(f"{ITEMS}/FRV75EPX10134").status_code == 401
    assert client.get(f"{ITEMS}/FRV75EPX10134").status_code == 200


def test_writes_are_refused_when_no_key_is_configured(sample_url: str) -> None:
    app = create_app(make_settings(sample_url, api_keys=[]))
    with TestClient(app) as client:
        body = builders.feature(builders.charging_point_properties())
        response = client.post(ITEMS, json=body, headers=KEY)
        assert response.status_code == 403
        assert "not valid" in response.json()["detail"]


def test_create_read_replace_patch_delete(client: TestClient) -> None:
    body = builders.feature(builders.charging_point_properties(id_pdc_itinerance="FRV75ENEW01"))
    created = client.post(ITEMS, json=body, headers=KEY)
    assert created.status_code == 201, created.text
    assert created.headers["location"].endswith(f"{ITEMS}/FRV75ENEW01")
    assert created.json()["properties"]["commune"] == "75110"
    count = client.get(ITEMS, params={"limit": 1}).json()["numberMatched"]
    assert count == 90

    replaced_props = builders.charging_point_properties(
        id_pdc_itinerance="FRV75ENEW01", puissance_nominale=50.0
    )
    replaced = client.put(
        f"{ITEMS}/FRV75ENEW01",
        json=builders.feature(replaced_props, lon=2.358, lat=48.877),
        headers=KEY,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["properties"]["puissance_nominale"] == 50.0
    assert replaced.json()["geometry"]["coordinates"] == [2.358, 48.877]

    patched = client.patch(
        f"{ITEMS}/FRV75ENEW01",
        json={"properties": {"puissance_nominale": 150.0, "gratuit": None}},
        headers={**KEY, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["properties"]["puissance_nominale"] == 150.0
    assert patched.json()["properties"]["nom_station"] == "Test station"

    assert client.delete(f"{ITEMS}/FRV75ENEW01", headers=KEY).status_code == 204
    assert client.get(f"{ITEMS}/FRV75ENEW01").status_code == 404
    assert client.delete(f"{ITEMS}/FRV75ENEW01", headers=KEY).status_code == 404


def test_a_feature_read_can_be_written_back_unchanged(client: TestClient) -> None:
    served = client.get(f"{ITEMS}/FRV75EPX10134").json()
    response = client.put(f"{ITEMS}/FRV75EPX10134", json=served, headers=KEY)
    assert response.status_code == 200, response.text
    assert response.json()["properties"] == {
        **served["properties"],
        "updated_at": response.json()["properties"]["updated_at"],
    }


def test_bad_features_name_each_field_and_write_nothing(client: TestClient) -> None:
    before = client.get(ITEMS, params={"limit": 1}).json()["numberMatched"]
    cases: list[tuple[dict[str, Any], str]] = [
        (builders.feature(builders.charging_point_properties(), lon=2.30, lat=48.86), "geometry"),
        (
            builders.feature(builders.charging_point_properties(), lon=48.876, lat=2.357),
            "geometry.coordinates",
        ),
        (
            builders.feature(builders.charging_point_properties(puissance_nominale=-3)),
            "properties.puissance_nominale",
        ),
        (
            builders.feature(builders.charging_point_properties(puissance_nominale=22000)),
            "properties.puissance_nominale",
        ),
        (
            builders.feature(builders.charging_point_properties(condition_acces="Ouvert")),
            "properties.condition_acces",
        ),
        (
            builders.feature(builders.charging_point_properties(id_pdc_itinerance="bad id")),
            "properties.id_pdc_itinerance",
        ),
        (builders.feature(builders.charging_point_properties(colour="red")), "properties.colour"),
        (
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[2.35, 48.87]]},
                "properties": builders.charging_point_properties(),
            },
            "geometry.type",
        ),
        (
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": ["a", "b"]},
                "properties": builders.charging_point_properties(),
            },
            "geometry.coordinates",
        ),
        ({"type": "FeatureCollection", "features": []}, "type"),
    ]
    for body, field in cases:
        response = client.post(ITEMS, json=body, headers=KEY)
        assert response.status_code == 422, (field, response.text)
        assert field in _errors(response), (field, response.json())
    after = client.get(ITEMS, params={"limit": 1}).json()["numberMatched"]
    assert after == before


def test_non_json_and_taken_ids(client: TestClient) -> None:
    response = client.post(
        ITEMS, content=b"id,power\n1,2", headers={**KEY, "Content-Type": "text/csv"}
    )
    assert response.status_code == 415
    broken = client.post(
        ITEMS, content=b'{"type": "Feature",', headers={**KEY, "Content-Type": "application/json"}
    )
    assert broken.status_code == 422
    assert broken.headers["content-type"] == "application/problem+json"
    taken = builders.feature(builders.charging_point_properties(id_pdc_itinerance="FRV75EPX10134"))
    conflict = client.post(ITEMS, json=taken, headers=KEY)
    assert conflict.status_code == 409


def test_other_layers_validate_their_own_rules(client: TestClient) -> None:
    park = builders.feature({"kind": "car", "capacity": 10, "pmr_spaces": 12}, feature_id="p-new")
    response = client.post("/collections/parking/items", json=park, headers=KEY)
    assert response.status_code == 422
    assert "properties" in _errors(response)
    hub = builders.feature({"name": "Gare", "modes": ["teleport"]}, feature_id="h-new")
    response = client.post("/collections/hubs/items", json=hub, headers=KEY)
    assert response.status_code == 422
    assert any(field.startswith("properties.modes") for field in _errors(response))
    no_id = builders.feature({"name": "Gare", "modes": ["bus"]})
    response = client.post("/collections/hubs/items", json=no_id, headers=KEY)
    assert "id" in _errors(response)
    good = builders.feature({"name": "Gare", "modes": ["bus", "tram"]}, feature_id="h-new")
    assert client.post("/collections/hubs/items", json=good, headers=KEY).status_code == 201
    modes = client.get("/collections/hubs/items/h-new").json()["properties"]["modes"]
    assert modes == ["bus", "tram"]


def test_edits_survive_a_restart(sample_url: str) -> None:
    body = builders.feature(builders.charging_point_properties(id_pdc_itinerance="FRV75EKEEP1"))
    with TestClient(create_app(make_settings(sample_url))) as first:
        hubs = first.get(HUBS, params={"limit": 1000}).json()
        hub_ids = [feature["id"] for feature in hubs["features"]]
        assert len(hub_ids) == hubs["numberMatched"] > 1
        gone = hub_ids[0]
        assert first.post(ITEMS, json=body, headers=KEY).status_code == 201
        assert first.delete(f"{HUBS}/{gone}", headers=KEY).status_code == 204
    with TestClient(create_app(make_settings(sample_url))) as second:
        assert second.get(f"{ITEMS}/FRV75EKEEP1").status_code == 200
        assert second.get(f"{HUBS}/{gone}").status_code == 404
        assert second.get(f"{HUBS}/{hub_ids[1]}").status_code == 200
        assert second.get(HUBS, params={"limit": 1}).json()["numberMatched"] == len(hub_ids) - 1


def test_oversized_bodies_get_413(sample_url: str) -> None:
    app = create_app(make_settings(sample_url, max_upload_mb=0.001))
    with TestClient(app) as client:
        body = builders.feature(builders.charging_point_properties(observations="x" * 5000))
        response = client.post(ITEMS, json=body, headers=KEY)
        assert response.status_code == 413
        assert response.headers["content-type"] == "application/problem+json"


def test_cors_allows_the_configured_origins_only(sample_url: str) -> None:
    app = create_app(make_settings(sample_url, cors_origins=["https://dashboard.example.fr"]))
    with TestClient(app) as client:
        allowed = client.get(ITEMS, headers={"Origin": "https://dashboard.example.fr"})
        assert allowed.headers["access-control-allow-origin"] == "https://dashboard.example.fr"
        other = client.get(ITEMS, headers={"Origin": "https://evil.example.com"})
        assert "access-control-allow-origin" not in other.headers
        preflight = client.options(
            ITEMS,
            headers={
                "Origin": "https://dashboard.example.fr",
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "X-API-Key, Content-Type",
            },
        )
        assert preflight.status_code == 200
