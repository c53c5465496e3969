# SPDX-License-Identifier: MIT
"""The map's server side without a browser: the page's configuration and the two GeoJSON routes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.routers import web
from api.settings import Settings
from mobility.network import load_streets, undirected_edges_frame
from tests.conftest import make_settings
from tests.support.paths import PARIS

CODE = "75110"


def _config(html: str) -> dict[str, object]:
    found = re.search(r'<script id="map-config" type="application/json">(.*?)</script>', html)
    assert found, "the page carries its configuration"
    config: dict[str, object] = json.loads(found.group(1))
    return config


@pytest.fixture
def built_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A stand-in for the built index.html, so that these tests do not need `make web`."""
    page = tmp_path / "index.html"
    page.write_text(
        f"<!doctype html><html><head>{web.CONFIG_MARKER}</head><body></body></html>",
        encoding="utf-8",
    )
    monkeypatch.setattr(web, "MAP_PAGE", page)
    return page


def test_the_page_names_the_first_commune_and_allows_only_this_server(
    client: TestClient, built_page: Path
) -> None:
    response = client.get("/map")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert _config(response.text) == {
        "commune": CODE,
        "communes": [{"code": CODE, "name": "Paris 10e Arrondissement"}],
        "tileUrl": None,
    }
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "connect-src 'self'" in policy
    assert "img-src 'self' data:;" in policy


def test_a_configured_tile_server_is_passed_on_and_allowed(
    sample_url: str, built_page: Path
) -> None:
    url = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    with TestClient(create_app(make_settings(sample_url, map_tile_url=url))) as client:
        response = client.get("/map", params={"commune": CODE})
    assert _config(response.text)["tileUrl"] == url
    assert (
        "img-src 'self' data: https://*.tile.example.org;"
        in response.headers["content-security-policy"]
    )


def test_the_page_refuses_an_unknown_or_malformed_commune(
    client: TestClient, built_page: Path
) -> None:
    assert client.get("/map", params={"commune": "99999"}).status_code == 404
    assert client.get("/map", params={"commune": "paris"}).status_code == 422


def test_the_page_says_how_to_build_it_when_its_assets_are_missing(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(web, "MAP_PAGE", tmp_path / "absent.html")
    response = client.get("/map")
    assert response.status_code == 503 and "make web" in response.text


def test_the_tile_url_setting_accepts_a_template_and_refuses_anything_else() -> None:
    assert Settings(map_tile_url="/tiles/{z}/{x}/{y}.png").map_tile_url
    assert Settings(map_tile_url="").map_tile_url == ""
    with pytest.raises(ValueError, match="map_tile_url"):
        Settings(map_tile_url="javascript:alert(1)")


def test_streets_are_every_segment_of_the_graph_once(client: TestClient) -> None:
    response = client.get(f"/communes/{CODE}/streets.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/geo+json")
    body = response.json()
    graph = load_streets((PARIS / "voies_paris_75110_graph.graphml").read_bytes(), fmt="graphml")
    assert len(body["features"]) == len(undirected_edges_frame(graph)) == 943
    first = body["features"][0]
    assert first["geometry"]["type"] == "LineString"
    assert set(first["properties"]) == {"name", "length_m", "walk", "drive", "oneway"}
    assert body["source"]["role"] == "streets"
    assert client.get("/communes/99999/streets.geojson").status_code == 404


@pytest.mark.parametrize(
    "params",
    [
        {"layer": "charging-points", "within_m": 300},
        {"layer": "hubs", "within_m": 150, "mode": "drive"},
        {"layer": "charging-points", "within_m": 500, "min_power_kw": 50},
    ],
)
def test_zones_carry_the_coverage_reports_per_zone_table(
    client: TestClient, params: dict[str, object]
) -> None:
    zones = client.get(f"/communes/{CODE}/coverage/zones", params=params)
    report = client.get(f"/communes/{CODE}/coverage", params=params).json()
    assert zones.status_code == 200
    body = zones.json()
    assert body["summary"] == report["summary"]
    volatile = {"computed_at"}  # when each answer was computed
    assert {k: v for k, v in body["method"].items() if k not in volatile} == {
        k: v for k, v in report["method"].items() if k not in volatile
    }
    by_zone = {f["properties"]["zone"]: f["properties"] for f in body["features"]}
    assert len(by_zone) == 42  # every IRIS of the 10e, inhabited or not
    for row in report["zones"]:
        drawn = by_zone[row["zone"]]
        assert (drawn["share"], drawn["population"], drawn["population_covered"]) == (
            row["share"],
            row["population"],
            row["population_covered"],
        )
    empty = set(by_zone) - {row["zone"] for row in report["zones"]}
    assert empty == {"751103711", "751103710", "751103988"}  # the zones without inhabitants
    assert all(by_zone[zone]["share"] is None for zone in empty)
    assert by_zone["751103708"]["name"] == "SAINT-VINCENT DE PAUL 8"
    assert {f["geometry"]["type"] for f in body["features"]} <= {"Polygon", "MultiPolygon"}


def test_zones_refuse_a_bad_question_like_the_coverage_does(client: TestClient) -> None:
    bad = client.get(f"/communes/{CODE}/coverage/zones", params={"layer": "trams"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
    missing = client.get(
        "/communes/99999/coverage/zones", params={"layer": "hubs", "within_m": 300}
    )
    assert missing.status_code == 404
