# SPDX-License-Identifier: MIT
"""POST /communes/{code}/imports/{format}: real files, broken files, modes, limits.

Every refusal is checked to leave the store exactly as it was: the layer counts and the
commune's revision (bumped by any write) are the same before and after.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from tests.conftest import API_KEY, make_settings
from tests.support.feeds import extract_with_the_bad_parking_in_the_10e, idfm_gtfs, velib_gbfs
from tests.support.paths import FIXTURES, IDF_CONTEXT, PARIS

KEY = {"X-API-Key": API_KEY}
PARIS_IRVE = PARIS / "irve_statique_75110.csv"
IDF_IRVE = IDF_CONTEXT / "irve_statique_subset_75_92_93_94.csv.gz"
OSM_EXTRACT = FIXTURES / "osm" / "osm_extract_paris09-10_gare-du-nord.osm.gz"
LAYERS = ("charging-points", "parking", "hubs")


def state(client: TestClient) -> dict[str, Any]:
    commune = client.get("/collections/communes/items/75110").json()["properties"]
    return {"revision": commune["revision"], **commune["layers"]}


def post(
    client: TestClient, fmt: str, body: Any, media_type: str = "text/csv", **params: str
) -> Any:
    return client.post(
        f"/communes/75110/imports/{fmt}",
        content=body,
        params=params,
        headers={**KEY, "Content-Type": media_type},
    )


def refused(client: TestClient, before: dict[str, Any], response: Any, status: int = 422) -> Any:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert state(client) == before
    return response.json()


def irve_rows() -> tuple[list[str], list[list[str]]]:
    with PARIS_IRVE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


def as_csv(header: list[str], rows: list[list[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def test_the_shipped_irve_file_is_written_with_its_report(client: TestClient) -> None:
    before = state(client)
    response = post(client, "irve", PARIS_IRVE.read_bytes())
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["status"] == "written" and report["mode"] == "all-or-nothing"
    assert report["written"] == {"charging-points": 89} and report["rejected"] == []
    assert report["format"] == "irve" and report["rows_read"] == 89
    after = state(client)
    assert after["charging-points"] == before["charging-points"]  # the same ids, replaced
    assert after["revision"] == before["revision"] + 1


def test_a_large_real_file_sets_the_rest_of_the_region_aside(client: TestClient) -> None:
    response = post(client, "irve", gzip.decompress(IDF_IRVE.read_bytes()))
    report = response.json()
    assert response.status_code == 200, report
    assert report["rows_read"] == 3679 and report["rejected_rows"] == 0
    assert report["outside_commune"] + report["written_total"] == 3679
    assert 0 < report["written_total"] < 3679


def test_a_csv_with_bom_and_semicolons_is_accepted(client: TestClient) -> None:
    header, rows = irve_rows()
    body = "\ufeff" + as_csv(header, rows, delimiter=";")
    response = post(client, "irve", body.encode("utf-8"), "text/csv; charset=utf-8")
    assert response.status_code == 200, response.text
    assert response.json()["written"] == {"charging-points": 89}


def test_all_or_nothing_refuses_the_file_and_lists_every_refused_row(client: TestClient) -> None:
    header, rows = irve_rows()
    xy = header.index("coordonneesXY")
    rows[2][xy] = "[48.87517, 2.348162]"  # swapped: line 4
    rows[5][xy] = "[-61.5, 16.2]"  # Guadeloupe, outside the Lambert-93 area: line 7
    rows[7] = list(rows[6])  # a duplicate id: lines 8 and 9
    before = state(client)
    problem = refused(client, before, post(client, "irve", as_csv(header, rows).encode()))
    fields = {error["field"]: error["message"] for error in problem["errors"]}
    assert "look swapped" in fields["line 4: coordonneesXY"]
    assert "outside metropolitan France" in fields["line 7: coordonneesXY"]
    assert "appears again at line 9" in fields["line 8: id_pdc_itinerance"]
    report = problem["report"]
    assert report["status"] == "refused" and report["written"] == {}
    assert report["rejected_rows"] == 3 and report["duplicate_ids"] == [rows[6][15]]
    assert "valid-rows" in problem["detail"]

    written = post(client, "irve", as_csv(header, rows).encode(), mode="valid-rows")
    assert written.status_code == 200
    assert written.json()["written"] == {"charging-points": 86}
    assert written.json()["rejected_rows"] == 3


@pytest.mark.parametrize(
    ("fmt", "body", "message"),
    [
        ("irve", b"stop_id,name\n1,a\n", "not an IRVE statique CSV"),
        ("irve", "nom_station,adresse_station\nGare de l’Est,Paris\n".encode("cp1252"), "UTF-8"),
        ("irve", PARIS_IRVE.read_bytes().decode().encode("latin-1"), "not UTF-8"),
        ("gtfs", b"PK\x03\x04\x14\x00 not really a zip", "not a readable zip"),
        ("gtfs", PARIS_IRVE.read_bytes(), "not a GTFS stops.txt"),
        ("gbfs", b'{"data": {"en": {"feeds": []}}}', "discovery file"),
        ("osm", b"<osm><node id='1'></osm>", "not well-formed XML"),
        ("osm", b'{"type": "FeatureCollection"}', "not well-formed XML"),
        ("geojson", b"{not json", "not valid JSON"),
        ("geojson", b"", "empty"),
    ],
)
def test_files_that_are_not_what_they_claim(
    client: TestClient, fmt: str, body: bytes, message: str
) -> None:
    before = state(client)
    problem = refused(client, before, post(client, fmt, body, "application/octet-stream"))
    assert message in problem["detail"]


def test_a_gtfs_feed_of_the_real_stations(client: TestClient) -> None:
    feed, expected = idfm_gtfs()
    response = post(client, "gtfs", feed.zip(), "application/zip")
    report = response.json()
    assert response.status_code == 200, report
    assert report["format"] == "gtfs" and report["rejected"] == []
    assert report["written_total"] + report["outside_commune"] == len(expected)
    hubs = client.get("/collections/hubs/items", params={"limit": 1000}).json()["features"]
    nord = next(
        f for f in hubs if f["id"].startswith("gtfs-") and f["properties"]["name"] == "Gare du Nord"
    )
    assert {"rer", "rail", "metro"} <= set(nord["properties"]["modes"])


@pytest.mark.parametrize("version", ["2.3", "3.0"])
def test_a_gbfs_station_information(client: TestClient, version: str) -> None:
    data, stations = velib_gbfs(version)
    response = post(client, "gbfs", data, "application/json")
    report = response.json()
    assert response.status_code == 200, report
    assert report["written"] == {"hubs": 53}  # the 53 stations inside the 10e
    assert report["outside_commune"] == len(stations) - 53


def test_gbfs_with_a_swapped_station_is_refused_whole(client: TestClient) -> None:
    data, _ = velib_gbfs()
    document = json.loads(data)
    station = document["data"]["stations"][3]
    station["lat"], station["lon"] = station["lon"], station["lat"]
    before = state(client)
    problem = refused(
        client, before, post(client, "gbfs", json.dumps(document), "application/json")
    )
    assert problem["errors"][0]["field"] == "line 4: lat"
    assert "swapped" in problem["errors"][0]["message"]


def test_raw_osm_xml_by_layer(client: TestClient) -> None:
    data = OSM_EXTRACT.read_bytes()
    response = post(
        client, "osm", data, "application/octet-stream", layer="hubs", mode="valid-rows"
    )
    report = response.json()
    assert response.status_code == 200, report
    assert report["format"] == "osm-xml" and set(report["written"]) == {"hubs"}
    assert report["written"]["hubs"] > 0
    assert any("not in the requested layer hubs" in reason for reason in report["skipped"])
    everything = post(client, "osm", gzip.decompress(data), "application/xml", mode="valid-rows")
    assert everything.status_code == 200
    assert everything.json()["written"]["parking"] > 0


def test_osm_all_or_nothing_reports_the_tag_at_fault(client: TestClient) -> None:
    before = state(client)
    body = extract_with_the_bad_parking_in_the_10e()
    problem = refused(client, before, post(client, "osm", body, "application/xml"))
    assert any(error["field"].endswith(": capacity:disabled") for error in problem["errors"])


def test_osm_all_or_nothing_counts_a_bad_parking_outside_and_writes_the_rest(
    client: TestClient,
) -> None:
    response = post(client, "osm", OSM_EXTRACT.read_bytes(), "application/xml")
    report = response.json()
    assert response.status_code == 200, report
    assert report["rejected_outside"] == report["rejected_rows"] == 1
    assert report["rejected"][0]["field"] == "capacity:disabled"


def test_a_layer_export_imports_back_as_geojson(client: TestClient) -> None:
    exported = client.get("/communes/75110/exports/parking.geojson").content
    before = state(client)
    response = post(client, "geojson", exported, "application/geo+json", layer="parking")
    assert response.status_code == 200, response.text
    assert response.json()["written"] == {"parking": before["parking"]}
    assert state(client)["parking"] == before["parking"]


def test_refusals_before_the_body_is_read(client: TestClient) -> None:
    before = state(client)
    body = PARIS_IRVE.read_bytes()
    no_key = client.post(
        "/communes/75110/imports/irve", content=body, headers={"Content-Type": "text/csv"}
    )
    refused(client, before, no_key, 401)
    refused(client, before, post(client, "irve", body, "text/plain"), 415)
    unknown = client.post(
        "/communes/92048/imports/irve", content=body, headers={**KEY, "Content-Type": "text/csv"}
    )
    refused(client, before, unknown, 404)
    refused(client, before, post(client, "shapefile", body), 422)
    refused(client, before, post(client, "irve", body, mode="some-rows"), 422)
    refused(client, before, post(client, "irve", body, layer="hubs"), 422)


def test_a_streamed_body_over_the_limit_gets_413(sample_url: str) -> None:
    app = create_app(make_settings(sample_url, max_upload_mb=0.01))  # 10 kB

    def chunks() -> Iterator[bytes]:
        data = PARIS_IRVE.read_bytes()  # 46 kB, sent without a Content-Length
        for start in range(0, len(data), 4096):
            yield data[start : start + 4096]

    with TestClient(app) as client:
        before = state(client)
        response = client.post(
            "/communes/75110/imports/irve",
            content=chunks(),
            headers={**KEY, "Content-Type": "text/csv"},
        )
        problem = refused(client, before, response, 413)
        assert "MOBILITY_MAX_UPLOAD_MB" in problem["detail"]
        declared = post(client, "irve", PARIS_IRVE.read_bytes())
        refused(client, before, declared, 413)


def _gbfs_with_a_nameless_station(lon: float, lat: float) -> tuple[str, int]:
    """Return the Vélib' feed with one more station, refused (no name), standing at lon/lat."""
    data, stations = velib_gbfs()
    document = json.loads(data)
    document["data"]["stations"].append(
        {"station_id": "999999", "name": "", "lat": lat, "lon": lon, "capacity": 10}
    )
    return json.dumps(document), len(stations)


def test_a_bad_station_far_outside_is_counted_and_the_rest_written(client: TestClient) -> None:
    body, stations = _gbfs_with_a_nameless_station(2.4023, 49.2183)  # in the Oise
    response = post(client, "gbfs", body, "application/json")
    report = response.json()
    assert response.status_code == 200, report
    assert report["written"] == {"hubs": 53}
    assert report["rejected_outside"] == 1 and report["rejected_rows"] == 1
    assert report["rejected"][0]["line"] == stations + 1


def test_the_same_bad_station_inside_refuses_the_file(client: TestClient) -> None:
    body, stations = _gbfs_with_a_nameless_station(2.3580, 48.8760)  # in the 10e
    before = state(client)
    problem = refused(client, before, post(client, "gbfs", body, "application/json"))
    assert problem["errors"][0]["field"] == f"line {stations + 1}: name"
    assert problem["report"]["rejected_outside"] == 0
