# SPDX-License-Identifier: MIT
"""Exports (IRVE CSV checked by a Table Schema validator, GeoJSON per layer) and OCPI 2.2.1."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from fastapi.testclient import TestClient

from tests.conftest import API_KEY
from tests.support.ocpi import register
from tests.support.paths import DATA, FIXTURES, PARIS

PARIS_IRVE = PARIS / "irve_statique_75110.csv"
IRVE_SCHEMA = DATA / "schema-irve" / "schema-statique.json"
OCPI_SCHEMA = FIXTURES / "ocpi" / "location.schema.json"
TRUE, FALSE = {"true", "True", "TRUE", "1"}, {"false", "False", "FALSE", "0"}


def _rows(text: str) -> dict[str, dict[str, str]]:
    return {row["id_pdc_itinerance"]: row for row in csv.DictReader(io.StringIO(text))}


def _normal(value: str) -> Any:
    """Booleans and numbers compared by value, whatever their spelling; the rest as text."""
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    if value.startswith("["):
        return json.loads(value)
    try:
        return float(value)
    except ValueError:
        return value


def test_irve_export_validates_against_the_national_schema(
    client: TestClient, tmp_path: Path
) -> None:
    from frictionless import Resource, Schema, validate

    response = client.get("/communes/75110/exports/irve.csv")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="irve_statique_75110.csv"' in response.headers["content-disposition"]
    (tmp_path / "export.csv").write_bytes(response.content)
    schema = Schema.from_descriptor(json.loads(IRVE_SCHEMA.read_text(encoding="utf-8")))
    report = validate(Resource(path="export.csv", basepath=str(tmp_path), schema=schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert report.stats["errors"] == 0
    header = response.text.split("\n", 1)[0].split(",")
    assert header == [field["name"] for field in json.loads(IRVE_SCHEMA.read_text())["fields"]]


def test_irve_round_trip_keeps_every_field_of_every_row(client: TestClient) -> None:
    shipped = PARIS_IRVE.read_text(encoding="utf-8")
    imported = client.post(
        "/communes/75110/imports/irve",
        content=shipped.encode(),
        headers={"X-API-Key": API_KEY, "Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    exported = _rows(client.get("/communes/75110/exports/irve.csv").text)
    original = _rows(shipped)
    assert exported.keys() == original.keys() and len(original) == 89
    for point_id, row in original.items():
        for column, value in row.items():
            assert _normal(exported[point_id][column]) == _normal(value), (point_id, column)


def test_irve_export_of_an_unknown_commune(client: TestClient) -> None:
    response = client.get("/communes/92048/exports/irve.csv")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("layer", ["charging-points", "parking", "hubs"])
def test_whole_layer_geojson(client: TestClient, layer: str) -> None:
    response = client.get(f"/communes/75110/exports/{layer}.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="75110-{layer}.geojson"'
    document = response.json()
    assert document["type"] == "FeatureCollection"
    items = client.get(f"/collections/{layer}/items", params={"commune": "75110", "limit": 10000})
    served = items.json()["features"]
    assert [f["id"] for f in document["features"]] == [f["id"] for f in served]
    assert document["features"][0]["properties"] == served[0]["properties"]


def test_unknown_layer_export(client: TestClient) -> None:
    assert client.get("/communes/75110/exports/bikes.geojson").status_code == 422


@pytest.fixture(scope="module")
def ocpi_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(OCPI_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _validator(schema: dict[str, Any], definition: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{definition}"})


def test_ocpi_locations_are_valid_and_complete(
    client: TestClient, ocpi_schema: dict[str, Any]
) -> None:
    client.headers.update(register(client))
    response = client.get("/ocpi/2.2.1/locations", params={"limit": 1000})
    assert response.status_code == 200
    body = response.json()
    _validator(ocpi_schema, "Response").validate(body)
    assert body["status_code"] == 1000
    locations = body["data"]
    location_validator = _validator(ocpi_schema, "Location")
    for location in locations:
        location_validator.validate(location)
    assert len(locations) == 18 and response.headers["x-total-count"] == "18"
    assert sum(len(location["evses"]) for location in locations) == 89
    belib = next(loc for loc in locations if loc["id"] == "FRV75PPX1013")
    assert (belib["country_code"], belib["party_id"]) == ("FR", "V75")
    assert belib["address"] == "64 Rue du Faubourg Poissonnière"
    assert (belib["postal_code"], belib["city"], belib["country"]) == ("75010", "Paris", "FRA")
    assert belib["coordinates"]["latitude"].count(".") == 1
    assert belib["opening_times"] == {"twentyfourseven": True}
    assert belib["operator"] == {"name": "TotalEnergies Marketing France"}
    assert belib["parking_type"] == "ON_STREET"
    evse = next(e for e in belib["evses"] if e["uid"] == "FRV75EPX10134")
    assert evse["evse_id"] == "FR*V75*EPX10134"
    standards = {c["standard"]: c for c in evse["connectors"]}
    assert set(standards) == {"IEC_62196_T2", "DOMESTIC_E"}
    assert standards["IEC_62196_T2"]["max_electric_power"] == 7000
    assert standards["IEC_62196_T2"]["format"] == "SOCKET"
    assert standards["IEC_62196_T2"]["power_type"] == "AC_1_PHASE"
    assert evse["last_updated"] == "2025-06-30T00:00:00Z"


def test_ocpi_reserved_access_and_three_phase_voltage(
    client: TestClient, ocpi_schema: dict[str, Any]
) -> None:
    """The reserved-access station says so on every EVSE; three-phase AC is 230 V per phase."""
    client.headers.update(register(client))
    body = client.get("/ocpi/2.2.1/locations/FRELCPPARIGE").json()["data"]
    _validator(ocpi_schema, "Location").validate(body)
    assert body["publish"] is True
    assert len(body["evses"]) == 9
    assert all("CUSTOMERS" in evse["parking_restrictions"] for evse in body["evses"])
    three_phase = [
        connector
        for evse in body["evses"]
        for connector in evse["connectors"]
        if connector["power_type"] == "AC_3_PHASE"
    ]
    assert len(three_phase) == 2
    for connector in three_phase:
        assert (connector["max_voltage"], connector["max_amperage"]) == (230, 32)
        assert connector["max_electric_power"] == 22_000
    open_station = client.get("/ocpi/2.2.1/locations/FRV75PPX1013").json()["data"]
    assert not any("parking_restrictions" in evse for evse in open_station["evses"])


def test_the_schema_refuses_a_line_to_line_voltage(ocpi_schema: dict[str, Any]) -> None:
    """The validator used above can fail: 400 V on an AC connector is refused."""
    connector = {
        "id": "1",
        "standard": "IEC_62196_T2",
        "format": "SOCKET",
        "power_type": "AC_3_PHASE",
        "max_voltage": 400,
        "max_amperage": 32,
        "last_updated": "2025-06-30T00:00:00Z",
    }
    assert not _validator(ocpi_schema, "Connector").is_valid(connector)
    assert _validator(ocpi_schema, "Connector").is_valid({**connector, "max_voltage": 230})


def test_ocpi_paging_headers_and_dates(client: TestClient, ocpi_schema: dict[str, Any]) -> None:
    client.headers.update(register(client))
    first = client.get("/ocpi/2.2.1/locations", params={"limit": 5})
    assert first.headers["x-total-count"] == "18" and first.headers["x-limit"] == "5"
    link = first.headers["link"]
    assert link.endswith('>; rel="next"') and "offset=5" in link and "limit=5" in link
    seen = [loc["id"] for loc in first.json()["data"]]
    next_url = link[1 : link.index(">")]
    while next_url:
        page = client.get(next_url)
        seen += [loc["id"] for loc in page.json()["data"]]
        header = page.headers.get("link")
        next_url = header[1 : header.index(">")] if header else ""
    assert len(seen) == len(set(seen)) == 18 and seen == sorted(seen)
    capped = client.get("/ocpi/2.2.1/locations", params={"limit": 5000})
    assert capped.headers["x-limit"] == "1000"

    everything = client.get("/ocpi/2.2.1/locations", params={"limit": 100}).json()["data"]
    stamps = sorted({loc["last_updated"] for loc in everything})
    assert len(stamps) > 2  # the cut leaves locations on both sides
    cut = stamps[len(stamps) // 2]
    after = client.get("/ocpi/2.2.1/locations", params={"date_from": cut, "limit": 100})
    before = client.get("/ocpi/2.2.1/locations", params={"date_to": cut, "limit": 100})
    newer = [loc for loc in everything if loc["last_updated"] >= cut]
    assert [loc["id"] for loc in after.json()["data"]] == [loc["id"] for loc in newer]
    assert int(after.headers["x-total-count"]) + int(before.headers["x-total-count"]) == 18
    assert all(loc["last_updated"] < cut for loc in before.json()["data"])
    future = datetime(2100, 1, 1, tzinfo=UTC).isoformat()
    empty = client.get("/ocpi/2.2.1/locations", params={"date_from": future})
    assert empty.json()["data"] == [] and "link" not in empty.headers


def test_ocpi_one_location_and_an_unknown_one(
    client: TestClient, ocpi_schema: dict[str, Any]
) -> None:
    client.headers.update(register(client))
    found = client.get("/ocpi/2.2.1/locations/FRELCPPARIGE")
    assert found.status_code == 200
    body = found.json()
    _validator(ocpi_schema, "Response").validate(body)
    _validator(ocpi_schema, "Location").validate(body["data"])
    assert body["data"]["id"] == "FRELCPPARIGE"
    missing = client.get("/ocpi/2.2.1/locations/FRXXXPNOPE")
    assert missing.status_code == 404
    error = missing.json()
    _validator(ocpi_schema, "Response").validate(error)
    assert error["status_code"] == 2003 and "data" not in error
    assert client.get("/ocpi/2.2.1/locations/" + "A" * 40).status_code == 422
