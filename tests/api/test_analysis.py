# SPDX-License-Identifier: MIT
"""Coverage, service areas and gaps over HTTP, on the shipped commune and one without people."""

from __future__ import annotations

import csv

import pytest
from fastapi.testclient import TestClient

from tests.support.communes import add_saint_germain
from tests.support.paths import PARIS

COVERAGE = "/communes/75110/coverage"


def test_coverage_report_states_figures_zones_and_method(client: TestClient) -> None:
    response = client.get(COVERAGE, params={"layer": "charging-points", "within_m": 300})
    assert response.status_code == 200
    body = response.json()
    summary = body["summary"]
    assert summary["population"] == pytest.approx(79_550)
    assert 0 < summary["share"] < 1
    assert summary["assets_used"] == 89
    assert sum(z["population_covered"] for z in body["zones"]) == pytest.approx(
        summary["population_covered"], abs=1
    )
    method = body["method"]
    assert "within 300 m walking" in method["question"]
    assert method["demand"]["population_field"] == "C11_POP15P"
    assert "nearest street segment" in method["snapping"]
    assert method["speeds"]["walk_kmh"] == 4.8
    assert any(
        source["filename"] == "voies_paris_75110_graph.graphml" for source in method["sources"]
    )


def test_geojson_gives_every_demand_point_at_its_place(client: TestClient) -> None:
    params = {"layer": "hubs", "hub_mode": "bike_share", "within_m": 200, "f": "geojson"}
    response = client.get(COVERAGE, params=params)
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    features = body["features"]
    assert len(features) == body["summary"]["demand_points"] == 1742
    assert sum(f["properties"]["population"] for f in features) == pytest.approx(79_550, abs=1)
    covered = sum(f["properties"]["population"] for f in features if f["properties"]["covered"])
    assert covered == pytest.approx(body["summary"]["population_covered"], abs=1)
    for feature in features[:50]:
        lon, lat = feature["geometry"]["coordinates"]
        assert 2.34 < lon < 2.38 and 48.86 < lat < 48.89
        distance = feature["properties"]["distance_m"]
        assert feature["properties"]["covered"] == (distance is not None and distance <= 200)


def _irve_ids(min_power_kw: float) -> set[str]:
    with (PARIS / "irve_statique_75110.csv").open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle)
        return {
            r["id_pdc_itinerance"] for r in rows if float(r["puissance_nominale"]) >= min_power_kw
        }


def test_a_stricter_filter_uses_fewer_points_and_never_covers_more(client: TestClient) -> None:
    def summary(**params: object) -> dict[str, float]:
        base = {"layer": "charging-points", "mode": "drive", "within_min": 2}
        return dict(client.get(COVERAGE, params={**base, **params}).json()["summary"])

    fast, faster, every = summary(min_power_kw=22), summary(min_power_kw=150), summary()
    assert faster["assets_used"] == len(_irve_ids(150)) < fast["assets_used"]
    assert fast["assets_used"] == len(_irve_ids(22)) < every["assets_used"] == len(_irve_ids(0))
    assert faster["share"] <= fast["share"] <= every["share"]
    assert faster["share"] < every["share"]  # the points left out served someone alone


def test_service_areas_and_gaps(client: TestClient) -> None:
    params = {"layer": "charging-points", "within_m": 300}
    dissolved = client.get("/communes/75110/service-areas", params=params).json()
    assert len(dissolved["features"]) == 1
    assert dissolved["features"][0]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    per_asset = client.get(
        "/communes/75110/service-areas", params={**params, "dissolve": False, "min_power_kw": 150}
    ).json()
    assert {f["properties"]["asset_id"] for f in per_asset["features"]} == _irve_ids(150)
    assert len(per_asset["features"]) == len(_irve_ids(150))
    every_gap = client.get("/communes/75110/gaps", params=params).json()["features"]
    gaps = client.get("/communes/75110/gaps", params={**params, "min_population": 500}).json()
    ranks = [f["properties"]["rank"] for f in gaps["features"]]
    assert ranks == list(range(1, len(ranks) + 1))
    unserved = [f["properties"]["population_unserved"] for f in every_gap]
    assert min(unserved) < 500 <= max(unserved)  # the threshold has gaps to leave out
    assert [f["properties"]["population_unserved"] for f in gaps["features"]] == [
        value for value in unserved if value >= 500
    ]


def test_bad_questions_get_problems_naming_the_field(client: TestClient) -> None:
    cases = [
        ({"layer": "charging-points"}, "within_m"),
        ({"layer": "charging-points", "within_m": 300, "within_min": 5}, "within_m"),
        ({"layer": "charging-points", "within_m": -1}, "within_m"),
        ({"layer": "rockets", "within_m": 300}, "layer"),
        ({"layer": "parking", "within_m": 300, "min_power_kw": 22}, "min_power_kw"),
        ({"layer": "hubs", "within_m": 300, "mode": "fly"}, "mode"),
    ]
    for params, field in cases:
        response = client.get(COVERAGE, params=params)
        assert response.status_code == 422, params
        assert response.headers["content-type"] == "application/problem+json"
        assert field in {e["field"] for e in response.json()["errors"]}, (params, response.json())
    assert (
        client.get("/communes/99999/coverage", params={"layer": "hubs", "within_m": 1}).status_code
        == 404
    )


def test_a_commune_without_population_or_assets_answers_with_reasons(
    sample_url: str, client: TestClient
) -> None:
    code = add_saint_germain(sample_url)
    assert code == 0
    for path in ("coverage", "gaps", "service-areas"):
        response = client.get(
            f"/communes/78551/{path}", params={"layer": "parking", "mode": "drive", "within_m": 500}
        )
        assert response.status_code == 200, (path, response.text)
    body = client.get(
        "/communes/78551/coverage", params={"layer": "parking", "mode": "drive", "within_m": 500}
    ).json()
    assert body["summary"]["population"] == 0 and body["summary"]["share"] is None
    assert any("no population layer" in note for note in body["notes"])
    assert any("no parking" in note for note in body["notes"])
