# SPDX-License-Identifier: MIT
"""SDIRVE diagnostic, SDIRVE CSV (checked by frictionless) and AFIR check on the shipped commune.

Expected figures come from an independent route: the shipped IRVE file read with the csv module,
the IRIS file read with json and tested point-in-polygon with shapely in lon/lat, and AFIR
arithmetic written down by hand.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from shapely.geometry import Point, shape

from tests.conftest import API_KEY
from tests.support.communes import add_saint_germain
from tests.support.paths import DATA, PARIS

SDIRVE_SCHEMA = DATA / "schema-sdirve" / "schema.json"
KEY = {"X-API-Key": API_KEY}
SDIRVE = "/communes/75110/sdirve"
INPUTS = "/communes/75110/inputs/sdirve"
FLEET = "/communes/75110/inputs/fleet"
USAGE = {
    "nb_moyen_recharges": 5.3,
    "duree_moyenne_recharges": 126.34,
    "taux_disponibilite_moyen": 97.5,
    "period": {"start": "2023-08-01", "end": "2025-05-31"},
    "source": "Belib' operator report (example figures for the test)",
}
FORECAST = {"bev": 9000, "phev": 3000, "horizon": "2028-01-01", "source": "commune study"}
OBJECTIVES = {"intervalle_1": 300, "intervalle_2": 60, "intervalle_3": 10, "intervalle_4": 8}
COMMUNE_INPUTS = {
    "date_realisation_diagnostic": "2025-05-31",
    "date_adoption_sdirve": "2025-06-15",
    "date_objectifs": "2028-01-01",
    "url_sdirve": "https://www.paris.fr/sdirve",
    "usage": USAGE,
    "forecast_fleet": FORECAST,
    "objectives": OBJECTIVES,
}


def _class(power_kw: float) -> int:
    """The schema's classes, written again here: <=7.4, <=22, <150, >=150."""
    if power_kw <= 7.4:
        return 1
    if power_kw <= 22:
        return 2
    return 3 if power_kw < 150 else 4


def _shipped_points() -> dict[str, dict[str, str]]:
    with (PARIS / "irve_statique_75110.csv").open(encoding="utf-8") as handle:
        return {row["id_pdc_itinerance"]: row for row in csv.DictReader(handle)}


def _shipped_iris() -> list[tuple[str, Any]]:
    collection = json.loads((PARIS / "iris_75110_pop15p_2011.geojson").read_text("utf-8"))
    return [(f["properties"]["DCOMIRIS"], shape(f["geometry"])) for f in collection["features"]]


def _values(level: dict[str, Any], prefix: str) -> list[Any]:
    return [level["values"][f"{prefix}_intervalle_{n}"] for n in range(1, 5)]


def _validate(tmp_path: Path, text: str) -> Any:
    from frictionless import Resource, Schema, validate

    (tmp_path / "sdirve.csv").write_text(text, encoding="utf-8")
    schema = Schema.from_descriptor(json.loads(SDIRVE_SCHEMA.read_text(encoding="utf-8")))
    return validate(Resource(path="sdirve.csv", basepath=str(tmp_path), schema=schema))


def _scenario(client: TestClient, features: list[tuple[float, float, float]]) -> str:
    body: dict[str, Any] = {"commune": "75110", "name": "SDIRVE plan"}
    if features:
        body["add"] = [
            {
                "layer": "charging-points",
                "features": [
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"puissance_nominale": power},
                    }
                    for lon, lat, power in features
                ],
            }
        ]
    response = client.post("/scenarios", json=body, headers=KEY)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


# -- SDIRVE JSON ------------------------------------------------------------------------------


def test_existing_points_per_class_match_the_shipped_file(any_client: TestClient) -> None:
    shipped = _shipped_points()
    expected = Counter(_class(float(row["puissance_nominale"])) for row in shipped.values())
    assert [expected[n] for n in range(1, 5)] == [74, 8, 0, 7]  # written down once by hand
    response = any_client.get(SDIRVE)
    assert response.status_code == 200, response.text
    body = response.json()
    assert _values(body["indicators"], "existant_nb_pdc") == [expected[n] for n in range(1, 5)]
    assert body["existing"]["points"] == len(shipped) == 89
    assert body["existing"]["stations"] == len(
        {r["id_station_itinerance"] for r in shipped.values()}
    )
    assert body["existing"]["duplicate_rows_dropped"] == 0
    assert body["existing"]["latest_update"] == max(r["date_maj"] for r in shipped.values())
    assert body["indicators"]["provenance"]["existant_nb_pdc_intervalle_1"] == "irve"
    assert body["sources"]["irve"]["date"] == body["existing"]["latest_update"]


def test_per_iris_counts_match_an_independent_point_in_polygon(client: TestClient) -> None:
    iris = _shipped_iris()
    expected: dict[str, Counter[int]] = defaultdict(Counter)
    for row in _shipped_points().values():
        lon, lat = json.loads(row["coordonneesXY"])
        code = next(code for code, polygon in iris if polygon.covers(Point(lon, lat)))
        expected[code][_class(float(row["puissance_nominale"]))] += 1
    body = client.get(SDIRVE).json()
    assert len(body["iris"]) == 42 == len(iris)
    assert [level["code_iris_insee"] for level in body["iris"]] == sorted(c for c, _ in iris)
    for level in body["iris"]:
        counts = expected[level["code_iris_insee"]]
        assert _values(level, "existant_nb_pdc") == [counts[n] for n in range(1, 5)]
    totals = [sum(_values(level, "existant_nb_pdc")[i] for level in body["iris"]) for i in range(4)]
    assert totals == _values(body["indicators"], "existant_nb_pdc")
    assert body["existing"]["unassigned_to_iris"] == 0


def test_usage_and_other_inputs_are_never_invented(client: TestClient) -> None:
    body = client.get(SDIRVE).json()
    values = body["indicators"]["values"]
    missing = {entry["field"]: entry for entry in body["missing_inputs"]}
    for name in (
        "date_adoption_sdirve",
        "date_objectifs",
        "existant_nb_moyen_recharges",
        "existant_duree_moyenne_recharges",
        "existant_taux_disponibilite_moyen",
        "evaluation_developpement_nb_pdc_intervalle_1",
        "estimation_vehicules_particuliers_electriques",
        "estimation_vehicules_particuliers_hybrides_rechargeables",
        "objectifs_nb_pdc_intervalle_4",
        "objectifs_nb_total_stations",
    ):
        assert values[name] is None, name
        assert missing[name]["required"] is True
    assert missing["existant_taux_disponibilite_moyen"]["supply"]["input"] == (
        "usage.taux_disponibilite_moyen"
    )
    assert missing["evaluation_developpement_nb_pdc_intervalle_1"]["supply"]["query"] == "scenario"
    assert values["date_realisation_diagnostic"] == date.today().isoformat()
    per_iris = {entry["field"]: entry for entry in body["iris_missing_inputs"]}
    assert len(per_iris["existant_nb_moyen_recharges"]["iris"]) == 42
    assert per_iris["existant_nb_moyen_recharges"]["supply"]["input"] == (
        "iris.<code>.usage.nb_moyen_recharges"
    )
    assert body["planned"] is None


def test_supplied_inputs_and_a_scenario_fill_the_diagnostic(client: TestClient) -> None:
    put = client.put(INPUTS, json=COMMUNE_INPUTS, headers=KEY)
    assert put.status_code == 200, put.text
    assert put.json()["value"]["usage"]["source"] == USAGE["source"]
    scenario = _scenario(
        client, [(2.357, 48.876, 22.0), (2.360, 48.872, 7.4), (2.362, 48.878, 150.0)]
    )
    body = client.get(SDIRVE, params={"scenario": scenario}).json()
    values = body["indicators"]["values"]
    assert _values(body["indicators"], "evaluation_developpement_nb_pdc") == [1, 1, 0, 1]
    assert values["existant_taux_disponibilite_moyen"] == 97.5
    assert values["estimation_vehicules_particuliers_electriques"] == 9000
    assert _values(body["indicators"], "objectifs_nb_pdc") == [300, 60, 10, 8]
    assert values["objectifs_nb_total_stations"] == 18 + 3  # base stations + 3 planned ones
    assert values["date_realisation_diagnostic"] == "2025-05-31"
    provenance = body["indicators"]["provenance"]
    assert body["sources"][provenance["existant_nb_moyen_recharges"]]["date"] == "2025-05-31"
    assert body["sources"][provenance["estimation_vehicules_particuliers_electriques"]][
        "description"
    ].startswith("commune study")
    assert body["sources"]["usage"]["stored_at"] is not None
    planned_per_iris = [
        sum(_values(level, "evaluation_developpement_nb_pdc")) for level in body["iris"]
    ]
    assert sum(planned_per_iris) == 3
    assert [m["field"] for m in body["missing_inputs"] if m["required"]] == []


# -- SDIRVE CSV -------------------------------------------------------------------------------


def test_csv_is_refused_with_the_missing_fields_until_supplied(client: TestClient) -> None:
    response = client.get(f"{SDIRVE}.csv")
    assert response.status_code == 409
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert "PUT /communes/75110/inputs/sdirve" in problem["detail"]
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert "existant_nb_moyen_recharges" in fields
    assert "usage.nb_moyen_recharges" in fields["existant_nb_moyen_recharges"]
    assert "scenario" in fields["evaluation_developpement_nb_pdc_intervalle_1"]
    assert "existant_nb_pdc_intervalle_1" not in fields  # computed, never missing
    client.put(INPUTS, json=COMMUNE_INPUTS, headers=KEY)
    still = client.get(f"{SDIRVE}.csv").json()
    assert {e["field"] for e in still["errors"]} == {
        *(f"evaluation_developpement_nb_pdc_intervalle_{n}" for n in range(1, 5)),
        "objectifs_nb_total_stations",  # neither supplied nor counted from a scenario
    }


def test_commune_csv_passes_the_schema_validator(client: TestClient, tmp_path: Path) -> None:
    assert client.put(INPUTS, json=COMMUNE_INPUTS, headers=KEY).status_code == 200
    scenario = _scenario(client, [(2.357, 48.876, 50.0)])
    response = client.get(f"{SDIRVE}.csv", params={"scenario": scenario})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    report = _validate(tmp_path, response.text)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    schema = json.loads(SDIRVE_SCHEMA.read_text(encoding="utf-8"))
    (row,) = list(csv.DictReader(io.StringIO(response.text)))
    assert list(row) == [field["name"] for field in schema["fields"]]
    assert row["code_commune_insee"] == "75110" and row["code_iris_insee"] == ""
    assert [row[f"existant_nb_pdc_intervalle_{n}"] for n in range(1, 5)] == ["74", "8", "0", "7"]
    assert [row[f"evaluation_developpement_nb_pdc_intervalle_{n}"] for n in range(1, 5)] == [
        "0",
        "0",
        "1",
        "0",
    ]
    assert row["existant_duree_moyenne_recharges"] == "126.34"
    assert row["objectifs_nb_total_stations"] == "19"


def test_iris_csv_needs_per_iris_figures_then_validates(client: TestClient, tmp_path: Path) -> None:
    first = client.put(INPUTS, json=COMMUNE_INPUTS, headers=KEY)
    scenario = _scenario(client, [])
    refused = client.get(f"{SDIRVE}.csv", params={"level": "iris", "scenario": scenario})
    assert refused.status_code == 409
    messages = {e["field"]: e["message"] for e in refused.json()["errors"]}
    assert "missing for 42 IRIS" in messages["existant_nb_moyen_recharges"]
    assert "iris.<code>.usage.nb_moyen_recharges" in messages["existant_nb_moyen_recharges"]
    codes = [code for code, _ in _shipped_iris()]
    figures = {"usage": USAGE, "forecast_fleet": FORECAST, "objectives": OBJECTIVES}
    inputs = {**COMMUNE_INPUTS, "iris": dict.fromkeys(codes, figures)}
    replaced = client.put(INPUTS, json=inputs, headers={**KEY, "If-Match": first.headers["ETag"]})
    assert replaced.status_code == 200
    response = client.get(f"{SDIRVE}.csv", params={"level": "iris", "scenario": scenario})
    assert response.status_code == 200, response.text
    report = _validate(tmp_path, response.text)
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert sorted(r["code_iris_insee"] for r in rows) == sorted(codes)
    assert sum(int(r["existant_nb_pdc_intervalle_1"]) for r in rows) == 74
    assert sum(int(r["existant_nb_pdc_intervalle_4"]) for r in rows) == 7


# -- AFIR -------------------------------------------------------------------------------------


def test_afir_installed_power_and_gap_checked_by_hand(any_client: TestClient) -> None:
    shipped = _shipped_points()
    installed = sum(float(row["puissance_nominale"]) for row in shipped.values())
    # 67 x 7 + 4 x 3 + 3 x 4 + 8 x 22 + 6 x 300 + 1 x 200 = 2669 kW
    assert installed == 2669.0
    body = any_client.get(
        "/communes/75110/afir", params={"bev": 3000, "phev": 1000, "include_reserved": True}
    ).json()
    assert body["installed"]["power_kw"] == 2669.0
    assert body["installed"]["by_class"]["intervalle_1"] == {"points": 74, "power_kw": 493.0}
    assert body["installed"]["by_class"]["intervalle_4"] == {"points": 7, "power_kw": 2000.0}
    assert body["required_kw"] == 4700.0  # 1.3 x 3000 + 0.8 x 1000
    assert body["gap_kw"] == 2031.0
    assert body["target_met"] is False
    # 2031 / 7.4 = 274.5; / 22 = 92.3; / 50 = 40.6; / 150 = 13.5
    needed = {k: v["points"] for k, v in body["points_to_close_gap"].items()}
    assert needed == {
        "intervalle_1": 275,
        "intervalle_2": 93,
        "intervalle_3": 41,
        "intervalle_4": 14,
    }
    assert body["points_to_close_gap"]["intervalle_3"]["representative_power_kw"] == 50.0
    assert body["regulation"].startswith("Regulation (EU) 2023/1804")
    assert body["ratios_kw"] == {"bev": 1.3, "phev": 0.8}
    assert body["fleet"]["origin"] == "request"
    assert "1.3 x bev + 0.8 x phev" in body["method"]["target"]
    met = any_client.get(
        "/communes/75110/afir", params={"bev": 1000, "phev": 500, "include_reserved": True}
    ).json()
    assert met["required_kw"] == 1700.0 and met["gap_kw"] == 0.0 and met["target_met"] is True


def test_afir_reports_points_sharing_a_delivery_point(client: TestClient) -> None:
    groups: dict[tuple[str, str], list[float]] = defaultdict(list)
    for row in _shipped_points().values():
        if row["num_pdl"].strip("0 "):
            groups[(row["id_station_itinerance"], row["num_pdl"])].append(
                float(row["puissance_nominale"])
            )
    shared = [powers for powers in groups.values() if len(powers) > 1]
    body = client.get("/communes/75110/afir", params={"include_reserved": True}).json()
    supply = body["installed"]["shared_supply"]
    assert supply["delivery_points_shared"] == len(shared)
    assert supply["points"] == sum(len(p) for p in shared)
    assert supply["nominal_power_kw"] == sum(sum(p) for p in shared)
    installed = sum(float(row["puissance_nominale"]) for row in _shipped_points().values())
    assert body["installed"]["power_kw"] == installed == 2669.0  # no cap invented
    assert "simultaneous power may be lower" in body["method"]["shared_supply"]


def test_afir_without_fleet_then_with_the_stored_fleet(any_client: TestClient) -> None:
    body = any_client.get("/communes/75110/afir").json()
    assert body["required_kw"] is None and body["gap_kw"] is None and body["fleet"] is None
    assert any("no registered fleet" in note for note in body["notes"])
    fleet = {"bev": 2000, "phev": 1500, "as_of": "2025-01-01", "source": "SDES, RSVERO 2025"}
    put = any_client.put(FLEET, json=fleet, headers=KEY)
    assert put.status_code == 200, put.text
    assert any_client.get(FLEET).json()["value"] == fleet
    stored_etag = any_client.get(FLEET).headers["ETag"]
    body = any_client.get("/communes/75110/afir").json()
    assert body["fleet"]["origin"] == "stored"
    assert body["fleet"]["source"] == "SDES, RSVERO 2025" and body["fleet"]["as_of"] == "2025-01-01"
    assert body["required_kw"] == 3800.0  # 1.3 x 2000 + 0.8 x 1500
    assert body["gap_kw"] == 3175.0  # 3800 - 625 (the public points)
    given = any_client.get("/communes/75110/afir", params={"bev": 0, "phev": 0}).json()
    assert given["fleet"]["origin"] == "request" and given["required_kw"] == 0.0
    assert any_client.delete(FLEET, headers={**KEY, "If-Match": stored_etag}).status_code == 204
    assert any_client.get(FLEET).status_code == 404


def test_afir_with_a_scenario_counts_its_points(client: TestClient) -> None:
    scenario = _scenario(client, [(2.357, 48.876, 22.0), (2.362, 48.878, 150.0)])
    body = client.get(
        "/communes/75110/afir", params={"bev": 3000, "phev": 1000, "scenario": scenario}
    ).json()
    assert body["scenario"] == scenario
    assert body["installed"]["power_kw"] == 625.0 + 22.0 + 150.0  # public points and planned
    assert body["gap_kw"] == 4700.0 - 797.0


@pytest.mark.parametrize(
    ("params", "field"),
    [({"bev": 10}, "phev"), ({"phev": 10}, "bev"), ({"bev": -1, "phev": 0}, "bev")],
)
def test_afir_bad_fleet_names_the_field(
    client: TestClient, params: dict[str, int], field: str
) -> None:
    response = client.get("/communes/75110/afir", params=params)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]


# -- inputs: validation, keys, backends ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**COMMUNE_INPUTS, "date_objectifs": "2028-06-01"}, "date_objectifs"),  # > 3 years
        ({**COMMUNE_INPUTS, "date_objectifs": "2025-01-01"}, "date_objectifs"),  # before
        ({"date_adoption_sdirve": "2025-02-30"}, "date_adoption_sdirve"),
        ({"usage": {**USAGE, "taux_disponibilite_moyen": 101}}, "usage.taux_disponibilite_moyen"),
        ({"forecast_fleet": {**FORECAST, "bev": -3}}, "forecast_fleet.bev"),
        ({"iris": {"751109999": {"usage": USAGE}}}, "iris.751109999"),
    ],
)
def test_bad_inputs_are_refused_naming_the_field(
    client: TestClient, body: dict[str, Any], field: str
) -> None:
    response = client.put(INPUTS, json=body, headers=KEY)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in [error["field"] for error in response.json()["errors"]]
    assert client.get(INPUTS).status_code == 404


def test_fleet_input_refuses_negative_counts(client: TestClient) -> None:
    body = {"bev": -1, "phev": 0, "as_of": "2025-01-01", "source": "x"}
    response = client.put(FLEET, json=body, headers=KEY)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["bev"]


def test_writes_need_the_api_key(client: TestClient) -> None:
    for path, body in (
        (INPUTS, COMMUNE_INPUTS),
        (FLEET, {"bev": 1, "phev": 1, "as_of": "2025-01-01", "source": "x"}),
    ):
        assert client.put(path, json=body).status_code == 401
        assert (
            client.put(path, json=body, headers={"X-API-Key": "wrong-key-0123456789"}).status_code
            == 403
        )
        assert client.delete(path).status_code == 401
        assert client.get(path).status_code == 404


def test_inputs_round_trip_on_both_backends(any_client: TestClient) -> None:
    assert any_client.get(INPUTS).status_code == 404
    put = any_client.put(INPUTS, json=COMMUNE_INPUTS, headers=KEY)
    assert put.status_code == 200, put.text
    stored = any_client.get(INPUTS).json()
    assert stored["key"] == "sdirve" and stored["commune"] == "75110"
    assert stored["value"]["objectives"] == OBJECTIVES
    assert stored["value"]["usage"]["period"] == USAGE["period"]
    body = any_client.get(SDIRVE).json()
    assert body["indicators"]["values"]["existant_nb_moyen_recharges"] == 5.3
    etag = any_client.get(INPUTS).headers["ETag"]
    assert any_client.delete(INPUTS, headers={**KEY, "If-Match": etag}).status_code == 204
    assert any_client.delete(INPUTS, headers={**KEY, "If-Match": etag}).status_code == 404
    assert (
        any_client.get(SDIRVE).json()["indicators"]["values"]["existant_nb_moyen_recharges"] is None
    )


def test_unknown_commune_and_scenario(client: TestClient) -> None:
    for path in ("sdirve", "sdirve.csv", "afir", "inputs/sdirve", "inputs/fleet"):
        assert client.get(f"/communes/92048/{path}").status_code == 404, path
    assert (
        client.put(
            "/communes/92048/inputs/fleet",
            json={"bev": 1, "phev": 1, "as_of": "2025-01-01", "source": "x"},
            headers=KEY,
        ).status_code
        == 404
    )
    assert client.get(SDIRVE, params={"scenario": "nosuchscenario"}).status_code == 404


def test_a_commune_without_iris(sample_url: str, client: TestClient) -> None:
    assert add_saint_germain(sample_url) == 0
    body = client.get("/communes/78551/sdirve").json()
    assert body["iris"] is None
    assert _values(body["indicators"], "existant_nb_pdc") == [0, 0, 0, 0]
    refused = client.get("/communes/78551/sdirve.csv", params={"level": "iris"})
    assert refused.status_code == 409
    per_iris = client.put(
        "/communes/78551/inputs/sdirve", json={"iris": {"785510101": {}}}, headers=KEY
    )
    assert per_iris.status_code == 422
    assert [e["field"] for e in per_iris.json()["errors"]] == ["iris.785510101"]
    scenario = _scenario(client, [])
    other = client.get("/communes/78551/sdirve", params={"scenario": scenario})
    assert other.status_code == 422
