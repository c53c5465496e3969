# SPDX-License-Identifier: MIT
"""A charging point's id is its id_pdc_itinerance, on every way in; a body id matches its path.

Each refusal is a 422 problem naming the field, and the store is read back afterwards to show
that nothing was written (both backends).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from mobility.assets import Layer
from mobility.scenarios import AssetChange
from mobility.store import open_store
from tests.conftest import API_KEY
from tests.support import builders
from tests.support.communes import run_cli
from tests.support.paths import PARIS

KEY = {"X-API-Key": API_KEY}
ITEMS = "/collections/charging-points/items"
SHIPPED_ID = "FRV75EPX10134"  # a point of the shipped 10e


def _fields(response: Any) -> list[str]:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [error["field"] for error in response.json()["errors"]]


def _point(roaming_id: str, feature_id: str | None, lon: float = 2.357) -> dict[str, Any]:
    properties = builders.charging_point_properties(id_pdc_itinerance=roaming_id)
    return builders.feature(properties, lon=lon, lat=48.876, feature_id=feature_id)


def _ids(client: TestClient) -> list[str]:
    body = client.get(ITEMS, params={"limit": 10_000}).json()
    return sorted(str(feature["id"]) for feature in body["features"])


def _roaming_ids(client: TestClient) -> list[str]:
    body = client.get(ITEMS, params={"limit": 10_000}).json()
    return [feature["properties"]["id_pdc_itinerance"] for feature in body["features"]]


# -- POST, PUT, PATCH ---------------------------------------------------------------------------


def test_post_with_an_id_other_than_the_roaming_id_is_refused(any_client: TestClient) -> None:
    before = _ids(any_client)
    response = any_client.post(ITEMS, json=_point(SHIPPED_ID, "my-own-id"), headers=KEY)
    assert _fields(response) == ["properties.id_pdc_itinerance"]
    message = response.json()["errors"][0]["message"]
    assert SHIPPED_ID in message and "my-own-id" in message
    assert _ids(any_client) == before
    assert _roaming_ids(any_client).count(SHIPPED_ID) == 1


def test_post_with_the_roaming_id_or_without_id_is_accepted(any_client: TestClient) -> None:
    same = any_client.post(ITEMS, json=_point("FRV75ENEW01", "FRV75ENEW01"), headers=KEY)
    assert same.status_code == 201, same.text
    implied = any_client.post(ITEMS, json=_point("FRV75ENEW02", None), headers=KEY)
    assert implied.status_code == 201, implied.text
    assert implied.json()["id"] == "FRV75ENEW02"


def test_put_changing_the_roaming_id_is_refused(any_client: TestClient) -> None:
    before = any_client.get(f"{ITEMS}/{SHIPPED_ID}").json()
    response = any_client.put(
        f"{ITEMS}/{SHIPPED_ID}", json=_point("FRV75EOTHER1", None), headers=KEY
    )
    assert _fields(response) == ["properties.id_pdc_itinerance"]
    after = any_client.get(f"{ITEMS}/{SHIPPED_ID}").json()
    assert after["properties"] == before["properties"]
    assert any_client.get(f"{ITEMS}/FRV75EOTHER1").status_code == 404


def test_patch_changing_the_roaming_id_is_refused(any_client: TestClient) -> None:
    before = any_client.get(f"{ITEMS}/{SHIPPED_ID}").json()
    response = any_client.patch(
        f"{ITEMS}/{SHIPPED_ID}",
        json={"properties": {"id_pdc_itinerance": "FRV75EOTHER1"}},
        headers={**KEY, "Content-Type": "application/merge-patch+json"},
    )
    assert _fields(response) == ["properties.id_pdc_itinerance"]
    assert any_client.get(f"{ITEMS}/{SHIPPED_ID}").json()["properties"] == before["properties"]
    # a patch that leaves the roaming id alone still goes through
    power = any_client.patch(
        f"{ITEMS}/{SHIPPED_ID}",
        json={"properties": {"puissance_nominale": 11}},
        headers={**KEY, "Content-Type": "application/merge-patch+json"},
    )
    assert power.status_code == 200, power.text


def _first(client: TestClient, layer: Layer) -> dict[str, Any]:
    body = client.get(f"/collections/{layer.value}/items", params={"limit": 1}).json()
    feature: dict[str, Any] = body["features"][0]
    feature.pop("links", None)
    feature["properties"].pop("updated_at", None)
    return feature


@pytest.mark.parametrize("layer", list(Layer))
def test_put_whose_body_id_differs_from_the_path_is_refused(
    any_client: TestClient, layer: Layer
) -> None:
    current = _first(any_client, layer)
    path = f"/collections/{layer.value}/items/{current['id']}"
    renamed = {**current, "id": "another-id"}
    response = any_client.put(path, json=renamed, headers=KEY)
    assert "id" in _fields(response)
    assert "another-id" in response.json()["errors"][_fields(response).index("id")]["message"]
    assert any_client.get(f"/collections/{layer.value}/items/another-id").status_code == 404
    assert any_client.get(path).status_code == 200
    # the same body under its own id is a plain replacement
    assert any_client.put(path, json=current, headers=KEY).status_code == 200


@pytest.mark.parametrize("layer", list(Layer))
def test_patch_changing_the_id_is_refused(any_client: TestClient, layer: Layer) -> None:
    current = _first(any_client, layer)
    path = f"/collections/{layer.value}/items/{current['id']}"
    response = any_client.patch(
        path,
        json={"id": "another-id"},
        headers={**KEY, "Content-Type": "application/merge-patch+json"},
    )
    assert "id" in _fields(response)
    assert any_client.get(f"/collections/{layer.value}/items/another-id").status_code == 404


# -- imports ------------------------------------------------------------------------------------


def _geojson(*features: dict[str, Any]) -> bytes:
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def _import(client: TestClient, fmt: str, body: bytes, media_type: str) -> Any:
    return client.post(
        f"/communes/75110/imports/{fmt}",
        content=body,
        headers={**KEY, "Content-Type": media_type},
    )


def test_geojson_import_with_a_mismatched_id_writes_nothing(any_client: TestClient) -> None:
    before = _ids(any_client)
    body = _geojson(_point("FRV75ENEW01", "FRV75ENEW01"), _point("FRV75ENEW02", "not-its-id"))
    response = _import(any_client, "geojson", body, "application/geo+json")
    assert _fields(response) == ["line 2: id_pdc_itinerance"]
    assert response.json()["report"]["status"] == "refused"
    assert _ids(any_client) == before


def test_two_ids_with_one_roaming_id_in_one_file_are_refused(any_client: TestClient) -> None:
    before = _ids(any_client)
    body = _geojson(
        _point("FRV75ENEW01", "FRV75ENEW01", lon=2.357),
        _point("FRV75ENEW01", "FRV75ENEW01-bis", lon=2.358),
    )
    response = _import(any_client, "geojson", body, "application/geo+json")
    assert "line 2: id_pdc_itinerance" in _fields(response)
    assert _ids(any_client) == before
    kept = any_client.post(
        "/communes/75110/imports/geojson?mode=valid-rows",
        content=body,
        headers={**KEY, "Content-Type": "application/geo+json"},
    )
    assert kept.status_code == 200, kept.text
    assert _roaming_ids(any_client).count("FRV75ENEW01") == 1


def test_irve_rows_sharing_a_roaming_id_are_refused(any_client: TestClient) -> None:
    before = _ids(any_client)
    text = (PARIS / "irve_statique_75110.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    column = rows[0].index("id_pdc_itinerance")
    rows[2][column] = rows[1][column]  # two rows, one roaming id
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    response = _import(any_client, "irve", out.getvalue().encode("utf-8"), "text/csv")
    assert "line 2: id_pdc_itinerance" in _fields(response)
    assert _ids(any_client) == before


def test_cli_import_with_a_mismatched_id_writes_nothing(
    sample_store_url: str, tmp_path: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "points.geojson"
    path.write_bytes(_geojson(_point("FRV75ENEW01", "not-its-id")))
    capsys.readouterr()
    assert run_cli(sample_store_url, "--json", "assets", "load", "75110", str(path)) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["status"] == "refused"
    assert [(r["id"], r["field"]) for r in report["rejected"]] == [
        ("not-its-id", "id_pdc_itinerance")
    ]
    store = open_store(sample_store_url)
    try:
        assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 89
    finally:
        store.close()


# -- scenarios ----------------------------------------------------------------------------------


def test_scenario_adding_a_point_under_another_id_is_refused(any_client: TestClient) -> None:
    body = {
        "commune": "75110",
        "name": "mismatched",
        "add": [{"layer": "charging-points", "features": [_point("FRV75ENEW01", "plan-a")]}],
    }
    response = any_client.post("/scenarios", json=body, headers=KEY)
    assert _fields(response) == ["add[0].features[0].properties.id_pdc_itinerance"]
    changed = {
        "commune": "75110",
        "name": "renumbered",
        "change": [{"layer": "charging-points", "features": [_point("FRV75EOTHER1", SHIPPED_ID)]}],
    }
    response = any_client.post("/scenarios", json=changed, headers=KEY)
    assert _fields(response) == ["change[0].features[0].properties.id_pdc_itinerance"]


def test_promotion_refuses_a_stored_change_under_another_id(
    sample_store_url: str, any_client: TestClient
) -> None:
    """A scenario stored without the check (an older one) cannot bring the mismatch in."""
    store = open_store(sample_store_url)
    try:
        point = builders.charging_point("FRV75ENEW01", lon=2.3605, lat=48.8745)
        renamed = dataclasses.replace(point, id="plan-1")
        scenario = store.create_scenario(
            "75110", "old plan", [AssetChange("add", Layer.CHARGING_POINTS, "plan-1", renamed)]
        )
    finally:
        store.close()
    response = any_client.post(f"/scenarios/{scenario.id}/promote", headers=KEY)
    assert _fields(response) == ["changes[0].properties.id_pdc_itinerance"]
    assert any_client.get(f"{ITEMS}/plan-1").status_code == 404
    assert "FRV75ENEW01" not in _roaming_ids(any_client)
    assert any_client.get(f"/scenarios/{scenario.id}").json()["promoted_at"] is None
