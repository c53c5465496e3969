# SPDX-License-Identifier: MIT
"""Reading the asset layers: paging, bbox, commune and layer filters, on both stores."""

from __future__ import annotations

import csv
import json
from urllib.parse import parse_qs, urlsplit

from fastapi.testclient import TestClient
from shapely.geometry import shape

from tests.support.paths import PARIS


def _irve_rows() -> list[dict[str, str]]:
    with (PARIS / "irve_statique_75110.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _velib_inside_the_commune() -> int:
    """The stations of the Vélib' file (drawn 500 m around the commune) inside its boundary."""
    boundary = json.loads((PARIS / "boundary_75110.geojson").read_text(encoding="utf-8"))
    outline = shape(boundary["features"][0]["geometry"])
    stations = json.loads((PARIS / "velib_stations_75110_500m.geojson").read_text("utf-8"))
    return sum(outline.covers(shape(f["geometry"])) for f in stations["features"])


def test_charging_points_are_the_89_of_the_irve_file(any_client: TestClient) -> None:
    response = any_client.get("/collections/charging-points/items", params={"limit": 1000})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["numberMatched"] == body["numberReturned"] == 89
    expected = {row["id_pdc_itinerance"]: row for row in _irve_rows()}
    assert {feature["id"] for feature in body["features"]} == set(expected)
    for feature in body["features"]:
        row = expected[feature["id"]]
        lon, lat = feature["geometry"]["coordinates"]
        assert f"[{lon}, {lat}]" == row["coordonneesXY"]
        assert feature["properties"]["puissance_nominale"] == float(row["puissance_nominale"])
        assert feature["properties"]["commune"] == "75110"


def test_paging_follows_next_links_to_the_end(any_client: TestClient) -> None:
    seen: list[str] = []
    url: str | None = "/collections/charging-points/items?limit=25"
    pages = 0
    while url:
        body = any_client.get(url).json()
        seen += [feature["id"] for feature in body["features"]]
        links = {link["rel"]: link["href"] for link in body["links"]}
        url = links.get("next")
        pages += 1
        if pages == 2:
            assert "prev" in links
    assert pages == 4
    assert len(seen) == len(set(seen)) == 89


def test_next_link_keeps_the_filters(client: TestClient) -> None:
    body = client.get(
        "/collections/charging-points/items", params={"limit": 5, "min_power_kw": 20}
    ).json()
    next_href = next(link["href"] for link in body["links"] if link["rel"] == "next")
    query = parse_qs(urlsplit(next_href).query)
    assert query["min_power_kw"] == ["20.0"] or query["min_power_kw"] == ["20"]
    assert query["offset"] == ["5"]


def test_bbox_returns_exactly_the_points_inside(any_client: TestClient) -> None:
    bbox = (2.350, 48.870, 2.360, 48.880)
    body = any_client.get(
        "/collections/charging-points/items",
        params={"bbox": ",".join(map(str, bbox)), "limit": 1000},
    ).json()
    expected = {
        row["id_pdc_itinerance"]
        for row in _irve_rows()
        if bbox[0] <= float(row["coordonneesXY"].strip("[]").split(",")[0]) <= bbox[2]
        and bbox[1] <= float(row["coordonneesXY"].strip("[]").split(",")[1]) <= bbox[3]
    }
    assert expected
    assert {feature["id"] for feature in body["features"]} == expected
    assert body["numberMatched"] == len(expected)


def test_power_filter_matches_the_file(any_client: TestClient) -> None:
    body = any_client.get(
        "/collections/charging-points/items", params={"min_power_kw": 22, "limit": 1000}
    ).json()
    expected = {
        r["id_pdc_itinerance"] for r in _irve_rows() if float(r["puissance_nominale"]) >= 22
    }
    assert {feature["id"] for feature in body["features"]} == expected


def test_parking_kind_and_hub_mode_filters(any_client: TestClient) -> None:
    def ids(layer: str, **params: object) -> dict[str, dict[str, object]]:
        body = any_client.get(f"/collections/{layer}/items", params={**params, "limit": 1000})
        features = body.json()["features"]
        return {feature["id"]: feature["properties"] for feature in features}

    parking, hubs = ids("parking"), ids("hubs")
    bikes = {key for key, properties in parking.items() if properties["kind"] == "bicycle"}
    assert 0 < len(bikes) < len(parking)  # the filter has something to leave out
    assert set(ids("parking", kind="bicycle")) == bikes
    velib = set(ids("hubs", mode="bike_share"))
    assert velib == {key for key, properties in hubs.items() if "bike_share" in properties["modes"]}  # type: ignore[operator]
    assert len(velib) == _velib_inside_the_commune() < len(hubs)
    rer = ids("hubs", mode="rer")
    assert set(rer) == {key for key, properties in hubs.items() if "rer" in properties["modes"]}  # type: ignore[operator]
    assert any("gare du nord" in str(properties["name"]).lower() for properties in rer.values())


def test_commune_filter(client: TestClient) -> None:
    here = client.get("/collections/hubs/items", params={"commune": "75110"}).json()
    elsewhere = client.get("/collections/hubs/items", params={"commune": "92048"}).json()
    assert here["numberMatched"] > 0
    assert elsewhere["numberMatched"] == 0


def test_one_item_and_a_missing_one(client: TestClient) -> None:
    feature = client.get("/collections/charging-points/items/FRV75EPX10134").json()
    assert feature["properties"]["nom_station"].startswith("Paris | Rue du Faubourg")
    assert {link["rel"] for link in feature["links"]} == {"self", "collection"}
    missing = client.get("/collections/charging-points/items/FRNOPE")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_bad_query_parameters_are_problems_naming_the_field(client: TestClient) -> None:
    cases = {
        "bbox=1,2,3": "bbox",
        "bbox=3,2,1,4": "bbox",
        "bbox=a,b,c,d": "bbox",
        "limit=0": "limit",
        "limit=10001": "limit",
        "offset=-1": "offset",
        "commune=abc": "commune",
        "min_power_kw=-5": "min_power_kw",
    }
    for query, field in cases.items():
        response = client.get(f"/collections/charging-points/items?{query}")
        assert response.status_code == 422, query
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {error["field"] for error in response.json()["errors"]}, query
    response = client.get("/collections/parking/items?kind=boat")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "kind"
