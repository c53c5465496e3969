# SPDX-License-Identifier: MIT
"""OGC API – Features discovery documents on the shipped commune."""

from __future__ import annotations

from fastapi.testclient import TestClient

LAYERS = ("charging-points", "parking", "hubs", "communes")


def test_landing_page_links_to_api_conformance_and_data(client: TestClient) -> None:
    body = client.get("/").json()
    rels = {link["rel"]: link["href"] for link in body["links"]}
    assert {"self", "service-desc", "service-doc", "conformance", "data"} <= set(rels)
    assert rels["service-desc"].endswith("/api")
    assert "OpenStreetMap" in body["attribution"]
    assert client.get("/api").json()["openapi"].startswith("3.")


def test_conformance_declares_core_geojson_and_writes(client: TestClient) -> None:
    classes = client.get("/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    assert any("ogcapi-features-4" in c for c in classes)


def test_collections_list_every_layer_with_items_links(client: TestClient) -> None:
    body = client.get("/collections").json()
    ids = [collection["id"] for collection in body["collections"]]
    assert ids == list(LAYERS)
    for collection in body["collections"]:
        rels = {link["rel"] for link in collection["links"]}
        assert {"self", "items"} <= rels
        west, south, east, north = collection["extent"]["spatial"]["bbox"][0]
        assert west < 2.35 < east and south < 48.87 < north


def test_each_collection_is_described_and_unknown_is_404(client: TestClient) -> None:
    for layer in LAYERS:
        assert client.get(f"/collections/{layer}").json()["id"] == layer
    response = client.get("/collections/trains")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert "trains" in response.json()["detail"]


def test_communes_collection_describes_the_shipped_commune(client: TestClient) -> None:
    items = client.get("/collections/communes/items").json()
    assert items["numberMatched"] == 1
    commune = client.get("/collections/communes/items/75110").json()
    properties = commune["properties"]
    assert properties["name"] == "Paris 10e Arrondissement"
    assert properties["layers"]["charging-points"] == 89
    assert properties["layers"]["parking"] > 0 and properties["layers"]["hubs"] > 0
    assert commune["geometry"]["type"] in ("Polygon", "MultiPolygon")
    info = properties["info"]
    assert info["streets"]["modes"]["walk"]["nodes_kept"] == 634
    assert info["demand"]["total_population"] == 79550
    assert "C11_POP15P" in info["demand"]["description"]
    licences = {source.get("licence") for source in info["sources"]}
    assert "ODbL 1.0" in licences
    assert client.get("/collections/communes/items/99999").status_code == 404
