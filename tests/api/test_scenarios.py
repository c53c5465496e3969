# SPDX-License-Identifier: MIT
"""Scenarios over HTTP: made from a siting answer, analysed, compared, renamed, promoted."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.conftest import API_KEY
from tests.support import builders

KEY = {"X-API-Key": API_KEY}
CHARGING = "layer=charging-points&mode=walk&within_m=200"


def _create(client: TestClient, **body: Any) -> dict[str, Any]:
    payload = {"commune": "75110", "name": "Plan", **body}
    response = client.post("/scenarios", json=payload, headers=KEY)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def _first_charging_point(client: TestClient) -> dict[str, Any]:
    items = client.get("/collections/charging-points/items?limit=1").json()
    return items["features"][0]  # type: ignore[no-any-return]


def test_a_scenario_from_a_siting_answer_reproduces_the_announced_coverage(
    any_client: TestClient,
) -> None:
    siting = any_client.post(
        "/communes/75110/siting",
        json={"layer": "charging-points", "within_m": 200, "count": 4, "method": "greedy"},
    ).json()
    scenario = _create(
        any_client,
        name="Four new points",
        add=[
            {
                "layer": "charging-points",
                "source": "siting",
                "features": siting["features"],
                "properties": {"puissance_nominale": 22},
            }
        ],
    )
    assert scenario["counts"] == {"charging-points": {"add": 4, "change": 0, "remove": 0}}
    assert all(change["planned"] for change in scenario["changes"])
    street = siting["features"][0]["properties"]["street"]
    assert street and scenario["changes"][0]["feature"]["properties"]["adresse_station"] == street

    after = any_client.get(f"/communes/75110/coverage?{CHARGING}&scenario={scenario['id']}")
    assert after.status_code == 200
    summary = after.json()["summary"]
    assert summary["population_covered"] == pytest.approx(
        siting["summary"]["population_covered_after"], abs=0.1
    )
    assert after.json()["method"]["scenario"]["id"] == scenario["id"]
    base = any_client.get(f"/communes/75110/coverage?{CHARGING}").json()["summary"]
    assert base["population_covered"] == pytest.approx(
        siting["summary"]["population_covered_before"], abs=0.1
    )

    compared = any_client.get(
        f"/scenarios/{scenario['id']}/compare?within_m=200&layer=charging-points"
    ).json()
    (layer,) = compared["layers"]
    assert layer["population_covered"]["scenario"] == pytest.approx(
        summary["population_covered"], abs=0.1
    )
    assert layer["population_covered"]["change"] == pytest.approx(
        siting["summary"]["population_gained"], abs=0.2
    )
    zone_total = sum(z["population_covered"]["scenario"] for z in layer["zones"])
    assert zone_total == pytest.approx(summary["population_covered"], abs=1.0)
    assert layer["assets"] == {"base": base["assets_used"], "scenario": base["assets_used"] + 4}


def test_every_analysis_takes_the_scenario(client: TestClient) -> None:
    removed = [
        f["id"]
        for f in client.get("/collections/charging-points/items?limit=1000").json()["features"]
    ]
    scenario = _create(client, remove=[{"layer": "charging-points", "ids": removed}])
    sid = scenario["id"]
    coverage = client.get(f"/communes/75110/coverage?{CHARGING}&scenario={sid}").json()
    assert coverage["summary"]["population_covered"] == 0
    assert coverage["summary"]["assets_used"] == 0
    areas = client.get(f"/communes/75110/service-areas?{CHARGING}&scenario={sid}").json()
    assert [f["properties"]["area_m2"] for f in areas["features"]] == [0]  # dissolved: one
    assert areas["method"]["scenario"]["id"] == sid
    gaps = client.get(f"/communes/75110/gaps?{CHARGING}&scenario={sid}").json()
    unserved = sum(g["properties"]["population_unserved"] for g in gaps["features"])
    assert unserved == pytest.approx(coverage["summary"]["population"], abs=1.0)
    zones = client.get(f"/communes/75110/coverage/zones?{CHARGING}&scenario={sid}").json()
    assert zones["features"] and all(
        f["properties"]["share"] in (0, None) for f in zones["features"]
    )
    assert any(f["properties"]["share"] == 0 for f in zones["features"])
    siting = client.post(
        "/communes/75110/siting",
        json={"layer": "charging-points", "within_m": 200, "count": 1, "scenario": sid},
    ).json()
    assert siting["summary"]["population_covered_before"] == 0
    assert siting["method"]["scenario"]["id"] == sid
    # the base is untouched
    assert client.get(f"/communes/75110/coverage?{CHARGING}").json()["summary"]["assets_used"] > 0


def test_compare_states_gaps_closed(client: TestClient) -> None:
    gaps = client.get(f"/communes/75110/gaps?{CHARGING}").json()["features"]
    biggest = gaps[0]
    from shapely.geometry import shape

    point = shape(biggest["geometry"]).representative_point()
    scenario = _create(
        client,
        add=[
            {
                "layer": "charging-points",
                "features": [builders.feature({"puissance_nominale": 7.4}, point.x, point.y)],
            }
        ],
    )
    compared = client.get(
        f"/scenarios/{scenario['id']}/compare?within_m=200&layer=charging-points"
    ).json()
    report = compared["layers"][0]["gaps"]
    assert biggest["properties"]["rank"] in report["closed"] + report["reduced"]
    assert report["population_unserved"]["scenario"] < report["population_unserved"]["base"]
    assert report["count"]["base"] == len(gaps)


def test_scenario_assets_say_what_changed(client: TestClient) -> None:
    existing = _first_charging_point(client)
    changed = {**existing, "properties": {**existing["properties"], "puissance_nominale": 150}}
    scenario = _create(client, change=[{"layer": "charging-points", "features": [changed]}])
    layer = client.get(f"/scenarios/{scenario['id']}/assets/charging-points").json()
    by_id = {f["id"]: f["properties"] for f in layer["features"]}
    assert by_id[existing["id"]]["scenario_change"] == "change"
    assert by_id[existing["id"]]["puissance_nominale"] == 150
    base = client.get(f"/collections/charging-points/items/{existing['id']}").json()
    assert base["properties"]["puissance_nominale"] == existing["properties"]["puissance_nominale"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"remove": [{"layer": "charging-points", "ids": ["nope"]}]}, "remove[0].ids[0]"),
        (
            {
                "add": [
                    {
                        "layer": "charging-points",
                        "features": [builders.feature({"puissance_nominale": 22}, 4.83, 45.76)],
                    }
                ]
            },
            "add[0].features[0].geometry",
        ),
        (
            {"add": [{"layer": "charging-points", "features": [builders.feature({})]}]},
            "add[0].features[0].properties.puissance_nominale",
        ),
        (
            {"add": [{"layer": "hubs", "features": [builders.feature({"name": "X"})]}]},
            "add[0].features[0].properties.modes",
        ),
        (
            {"change": [{"layer": "parking", "features": [builders.feature({}, feature_id="x")]}]},
            "change[0].features[0].id",
        ),
        ({"name": ""}, "name"),
        ({"commune": "7511"}, "commune"),
    ],
)
def test_bad_changes_are_named(client: TestClient, body: dict[str, Any], field: str) -> None:
    payload = {"commune": "75110", "name": "Plan", **body}
    response = client.post("/scenarios", json=payload, headers=KEY)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    fields = [p["field"] for p in response.json().get("errors", [])]
    assert any(f == field or f.endswith(field) for f in fields), fields
    assert client.get("/scenarios").json()["scenarios"] == []


def test_an_added_id_that_exists_is_refused(client: TestClient) -> None:
    existing = _first_charging_point(client)
    response = client.post(
        "/scenarios",
        json={
            "commune": "75110",
            "name": "Twice",
            "add": [{"layer": "charging-points", "features": [existing]}],
        },
        headers=KEY,
    )
    assert response.status_code == 422
    assert "list it under change" in response.text


def test_unknown_or_foreign_scenarios(client: TestClient) -> None:
    assert client.get("/scenarios/0123456789abcdef").status_code == 404
    response = client.get(f"/communes/75110/coverage?{CHARGING}&scenario=0123456789abcdef")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert client.get(f"/communes/75110/coverage?{CHARGING}&scenario=a%20b").status_code == 422
    assert (
        client.post("/scenarios", json={"commune": "69381", "name": "x"}, headers=KEY).status_code
        == 404
    )


def test_writes_need_the_key(client: TestClient) -> None:
    assert client.post("/scenarios", json={"commune": "75110", "name": "x"}).status_code == 401
    scenario = _create(client)
    assert client.delete(f"/scenarios/{scenario['id']}").status_code == 401
    assert client.post(f"/scenarios/{scenario['id']}/promote").status_code == 401
    wrong = {"X-API-Key": "wrong-key-0123456789"}
    assert (
        client.patch(f"/scenarios/{scenario['id']}", json={"name": "y"}, headers=wrong).status_code
        == 403
    )


def test_list_rename_replace_delete(client: TestClient) -> None:
    first = _create(client, name="A")
    second = _create(client, name="B", description="second")
    listed = client.get("/scenarios?commune=75110").json()["scenarios"]
    assert [s["name"] for s in listed] == ["B", "A"]
    assert "changes" not in listed[0] or listed[0]["changes"] is None
    read = client.get(f"/scenarios/{first['id']}")
    renamed = client.patch(
        f"/scenarios/{first['id']}",
        json={"name": "A2"},
        headers={**KEY, "If-Match": read.headers["ETag"]},
    )
    assert renamed.status_code == 200 and renamed.json()["name"] == "A2"
    replaced = client.put(
        f"/scenarios/{second['id']}",
        json={
            "commune": "75110",
            "name": "B2",
            "add": [
                {
                    "layer": "parking",
                    "features": [builders.feature({"kind": "bicycle", "capacity": 10})],
                }
            ],
        },
        headers={**KEY, "If-Match": client.get(f"/scenarios/{second['id']}").headers["ETag"]},
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["counts"] == {"parking": {"add": 1, "change": 0, "remove": 0}}
    assert replaced.json()["description"] is None
    moved = client.put(
        f"/scenarios/{second['id']}",
        json={"commune": "69381", "name": "x"},
        headers={**KEY, "If-Match": replaced.headers["ETag"]},
    )
    assert moved.status_code == 422
    deleted = client.delete(
        f"/scenarios/{first['id']}", headers={**KEY, "If-Match": renamed.headers["ETag"]}
    )
    assert deleted.status_code == 204
    assert client.get(f"/scenarios/{first['id']}").status_code == 404
    assert [s["id"] for s in client.get("/scenarios").json()["scenarios"]] == [second["id"]]


def test_promotion_writes_the_changes_into_the_base(any_client: TestClient) -> None:
    planned = _create(
        any_client,
        add=[
            {"layer": "charging-points", "features": [builders.feature({"puissance_nominale": 22})]}
        ],
    )
    refused = any_client.post(f"/scenarios/{planned['id']}/promote", headers=KEY)
    assert refused.status_code == 422 and "planned" in refused.text

    complete = builders.feature(
        builders.charging_point_properties(id_pdc_itinerance="FRV75ENEWPOINT1"), 2.3605, 48.8745
    )
    before = any_client.get(f"/communes/75110/coverage?{CHARGING}").json()["summary"]
    scenario = _create(
        any_client,
        add=[
            {"layer": "charging-points", "features": [complete]},
            {
                "layer": "hubs",
                "features": [builders.feature({"name": "Nouveau pôle", "modes": ["bus"]})],
            },
        ],
    )
    expected = any_client.get(
        f"/communes/75110/coverage?{CHARGING}&scenario={scenario['id']}"
    ).json()["summary"]
    promoted = any_client.post(f"/scenarios/{scenario['id']}/promote", headers=KEY)
    assert promoted.status_code == 200, promoted.text
    assert promoted.json()["promoted_at"] is not None
    item = any_client.get("/collections/charging-points/items/FRV75ENEWPOINT1")
    assert item.status_code == 200
    now = any_client.get(f"/communes/75110/coverage?{CHARGING}").json()["summary"]
    assert now["assets_used"] == before["assets_used"] + 1
    assert now["population_covered"] == pytest.approx(expected["population_covered"], abs=0.1)
    assert any_client.post(f"/scenarios/{scenario['id']}/promote", headers=KEY).status_code == 409


def test_compare_puts_sdirve_objectives_and_the_afir_gap_side_by_side(client: TestClient) -> None:
    points = [
        builders.feature({"puissance_nominale": 22}, 2.3605 + i / 2000, 48.8745) for i in range(3)
    ]
    fast = builders.feature({"puissance_nominale": 150}, 2.356, 48.879)
    scenario = _create(
        client,
        add=[
            {"layer": "charging-points", "features": points},
            {"layer": "charging-points", "features": [fast]},
        ],
    )
    url = f"/scenarios/{scenario['id']}/compare?layer=charging-points&bev=3000&phev=1000"
    regulation = client.get(url).json()["regulation"]
    base_afir = client.get("/communes/75110/afir?bev=3000&phev=1000").json()
    afir = regulation["afir"]
    assert afir["required_kw"] == pytest.approx(1.3 * 3000 + 0.8 * 1000)
    assert afir["installed_kw"]["base"] == base_afir["installed"]["power_kw"]
    assert afir["installed_kw"]["scenario"] == pytest.approx(
        base_afir["installed"]["power_kw"] + 3 * 22 + 150
    )
    assert afir["gap_kw"]["scenario"] == pytest.approx(afir["gap_kw"]["base"] - 3 * 22 - 150)

    classes = regulation["sdirve"]["points_by_class"]
    base_sdirve = client.get("/communes/75110/sdirve").json()["existing"]["by_class"]
    assert classes["intervalle_2"]["scenario"] == base_sdirve["intervalle_2"] + 3
    assert classes["intervalle_4"]["scenario"] == base_sdirve["intervalle_4"] + 1
    assert classes["intervalle_1"]["scenario"] == base_sdirve["intervalle_1"]
    assert classes["intervalle_2"]["objective"] is None
    assert (
        regulation["sdirve"]["stations"]["scenario"] == regulation["sdirve"]["stations"]["base"] + 4
    )
    objectives = {"intervalle_1": 80, "intervalle_2": 10, "intervalle_3": 2, "intervalle_4": 8}
    inputs = {
        "date_adoption_sdirve": "2026-06-15",
        "date_objectifs": "2029-01-01",
        "objectives": objectives,
    }
    stored = client.put("/communes/75110/inputs/sdirve", json=inputs, headers=KEY)
    assert stored.status_code == 200, stored.text
    sdirve = client.get(url).json()["regulation"]["sdirve"]
    for suffix, objective in objectives.items():
        row = sdirve["points_by_class"][suffix]
        assert row["objective"] == objective
        assert row["remaining_base"] == max(0, objective - row["base"])
        assert row["remaining_scenario"] == max(0, objective - row["scenario"])
    assert sdirve["points_by_class"]["intervalle_2"]["remaining_scenario"] == max(
        0, 10 - base_sdirve["intervalle_2"] - 3
    )
