# SPDX-License-Identifier: MIT
"""Every analysis counts the surroundings; what is the commune's own counts the commune only.

Two communes side by side on one street grid (tests/support/adjacent.py), the home one stored
with a 500 m margin, and a bare twin of it stored without one. A charger of the neighbour stands
150 m across the line. Through the real app, on both stores: it serves the homes near the line
(checked against networkx on the grid as drawn), it is not the home commune's in its SDIRVE and
AFIR counts, its exports or its items unless the surroundings are asked for; the homes and the
suggested sites all stand inside; a reach past the margin is refused; the twin answers as a
commune always did.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.coverage.context import ContextCache
from mobility.places import Place
from mobility.store import SqlStore
from tests.conftest import API_KEY, make_settings
from tests.support import builders
from tests.support.adjacent import (
    ACROSS_CHARGER_M,
    BARE,
    HOME,
    INSIDE_CHARGER_M,
    LINE_X_M,
    MARGIN_M,
    NEIGHBOUR,
    ZONE_POPULATION,
    demand_positions,
    grid_streets,
    metres_from_origin,
    position_of,
    save_communes,
)
from tests.support.loop_streets import reference_costs, to_lonlat

INSIDE_ID = "FRV94EHOME011"
ACROSS_ID = "FRV94ENEXT011"
WITHIN_M = 330.0
"""Grid distances fall on multiples of 25 m: a reach between them leaves no tie to round."""


@pytest.fixture
def adjacent(store: SqlStore) -> Iterator[TestClient]:
    """The app over the two communes and the twin, one charger each side of the line."""
    save_communes(store)
    inside_lon, inside_lat = to_lonlat(*INSIDE_CHARGER_M)
    across_lon, across_lat = to_lonlat(*ACROSS_CHARGER_M)
    store.add_assets(
        [
            builders.charging_point(
                INSIDE_ID, inside_lon, inside_lat, commune=HOME, code_insee_commune=HOME
            ),
            builders.charging_point(
                ACROSS_ID, across_lon, across_lat, commune=NEIGHBOUR, code_insee_commune=NEIGHBOUR
            ),
        ]
    )
    url = store.engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(make_settings(url))) as client:
        yield client


def _coverage(client: TestClient, code: str, **params: Any) -> dict[str, Any]:
    query = {"layer": "charging-points", "within_m": WITHIN_M, "f": "geojson", **params}
    response = client.get(f"/communes/{code}/coverage", params=query)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _reference_covered(body: dict[str, Any], chargers: list[tuple[float, float]]) -> np.ndarray:
    """Each served demand point's coverage, by networkx on the grid as drawn."""
    streets = grid_streets()
    lon = np.array([f["geometry"]["coordinates"][0] for f in body["features"]])
    lat = np.array([f["geometry"]["coordinates"][1] for f in body["features"]])
    x, y = metres_from_origin(lon, lat)
    homes = [position_of(streets, float(a), float(b)) for a, b in zip(x, y, strict=True)]
    assets = [position_of(streets, *charger) for charger in chargers]
    return reference_costs(streets, "walk", homes, assets) <= WITHIN_M


def test_a_charger_across_the_line_serves_the_homes_near_it(adjacent: TestClient) -> None:
    body = _coverage(adjacent, HOME)
    covered = np.array([f["properties"]["covered"] for f in body["features"]])
    population = np.array([f["properties"]["population"] for f in body["features"]])
    expected = _reference_covered(body, [INSIDE_CHARGER_M, ACROSS_CHARGER_M])
    assert covered.tolist() == expected.tolist()
    summary = body["summary"]
    assert summary["assets_used"] == 2
    assert summary["population_covered"] == pytest.approx(population[expected].sum(), abs=0.2)
    alone = _reference_covered(body, [INSIDE_CHARGER_M])
    assert int((expected & ~alone).sum()) >= 10  # the homes near the line gain it
    surroundings = body["method"]["surroundings"]
    assert surroundings["margin_m"] == MARGIN_M
    assert surroundings["assets_in_surroundings"] == 1
    assert "within margin_m of the commune's boundary" in surroundings["rule"]


def test_the_twin_without_margin_answers_as_before(adjacent: TestClient) -> None:
    body = _coverage(adjacent, BARE)
    covered = np.array([f["properties"]["covered"] for f in body["features"]])
    assert covered.tolist() == _reference_covered(body, [INSIDE_CHARGER_M]).tolist()
    assert body["summary"]["assets_used"] == 1
    assert body["method"]["surroundings"]["margin_m"] is None
    assert body["method"]["surroundings"]["assets_in_surroundings"] == 0
    assert "without surroundings" in body["method"]["surroundings"]["rule"]
    refused_nowhere = adjacent.get(
        f"/communes/{BARE}/coverage", params={"layer": "charging-points", "within_m": 2_000}
    )
    assert refused_nowhere.status_code == 200, refused_nowhere.text


def test_homes_stand_inside_the_commune_with_the_zones_share_inside(
    adjacent: TestClient, store: SqlStore
) -> None:
    # The zone spans x = -50 to 1,150 m and the line runs at 1,050 m: 1,100 m of its 1,200 m
    # width (its full height) lie inside, so 11/12 of its population.
    inside_population = ZONE_POPULATION * 1_100 / 1_200
    cache = ContextCache()
    for code in (HOME, BARE):
        record = store.get_commune(code)
        demand = cache.get(store, code).demand
        assert demand is not None
        points = demand.points.geometry
        inside = Place.of(record).inside_commune(points.x.to_numpy(), points.y.to_numpy())
        assert bool(inside.all()), code
        assert float(demand.points["population"].sum()) == pytest.approx(inside_population)
        clip = demand.method.boundary_clip
        assert clip is not None
        assert clip.population_outside == pytest.approx(ZONE_POPULATION - inside_population)
    body = _coverage(adjacent, HOME)
    assert body["summary"]["population"] == pytest.approx(inside_population, abs=0.5)
    x, _ = metres_from_origin(
        np.array([f["geometry"]["coordinates"][0] for f in body["features"]]),
        np.array([f["geometry"]["coordinates"][1] for f in body["features"]]),
    )
    assert float(x.max()) <= LINE_X_M
    assert len(demand_positions(grid_streets(), demand)) == len(demand.points)


def test_sdirve_and_afir_count_the_communes_own_points(adjacent: TestClient) -> None:
    sdirve = adjacent.get(f"/communes/{HOME}/sdirve")
    assert sdirve.status_code == 200, sdirve.text
    assert sdirve.json()["existing"]["points"] == 1
    assert "surroundings are not counted" in sdirve.json()["method"]["existing"]
    afir = adjacent.get(f"/communes/{HOME}/afir", params={"bev": 100, "phev": 0})
    assert afir.status_code == 200, afir.text
    assert afir.json()["installed"]["power_kw"] == 22.0
    assert "surroundings are not counted" in afir.json()["method"]["installed"]
    neighbour = adjacent.get(f"/communes/{NEIGHBOUR}/afir", params={"bev": 100, "phev": 0})
    assert neighbour.json()["installed"]["power_kw"] == 22.0


def test_exports_hold_the_communes_own_points(adjacent: TestClient) -> None:
    response = adjacent.get(f"/communes/{HOME}/exports/irve.csv")
    assert response.status_code == 200, response.text
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [row["id_pdc_itinerance"] for row in rows] == [INSIDE_ID]
    geojson = adjacent.get(f"/communes/{HOME}/exports/charging-points.geojson").json()
    assert [f["id"] for f in geojson["features"]] == [INSIDE_ID]
    assert geojson["features"][0]["properties"]["in_commune"] is True


def test_items_of_a_commune_and_of_its_surroundings(adjacent: TestClient) -> None:
    items = "/collections/charging-points/items"
    own = adjacent.get(items, params={"commune": HOME}).json()
    assert [(f["id"], f["properties"]["in_commune"]) for f in own["features"]] == [
        (INSIDE_ID, True)
    ]
    around = adjacent.get(items, params={"commune": HOME, "include_surroundings": "true"}).json()
    assert around["numberMatched"] == 2
    marked = {f["id"]: f["properties"]["in_commune"] for f in around["features"]}
    assert marked == {INSIDE_ID: True, ACROSS_ID: False}
    assert {f["properties"]["commune"] for f in around["features"]} == {HOME, NEIGHBOUR}
    everything = adjacent.get(items).json()
    assert all("in_commune" not in f["properties"] for f in everything["features"])
    refused = adjacent.get(items, params={"include_surroundings": "true"})
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["errors"][0]["field"] == "include_surroundings"


def test_siting_proposes_sites_inside_the_commune_only(adjacent: TestClient) -> None:
    body = {"layer": "charging-points", "within_m": WITHIN_M, "count": 4}
    for source in ("intersections", "street_points"):
        response = adjacent.post(
            f"/communes/{HOME}/siting", json=body | {"candidates": {"type": source}}
        )
        assert response.status_code == 200, response.text
        answer = response.json()
        assert len(answer["features"]) == 4
        assert answer["summary"]["candidates_outside_commune"] > 0
        lon = np.array([f["geometry"]["coordinates"][0] for f in answer["features"]])
        lat = np.array([f["geometry"]["coordinates"][1] for f in answer["features"]])
        x, _ = metres_from_origin(lon, lat)
        assert float(x.max()) < LINE_X_M
        assert answer["method"]["surroundings"]["assets_in_surroundings"] == 1


@pytest.mark.parametrize(
    ("params", "field", "words"),
    [
        ({"within_m": 600}, "within_m", "the reach (600 m)"),
        ({"within_min": 7}, "within_min", "7 min walking ≈ 560 m at 4.8 km/h"),
        ({"mode": "drive", "within_min": 2}, "within_min", "≈ 1,000 m at 30 km/h"),
    ],
)
def test_a_reach_past_the_margin_is_refused(
    adjacent: TestClient, params: dict[str, Any], field: str, words: str
) -> None:
    query = {"layer": "charging-points", **params}
    for path in ("coverage", "gaps", "service-areas"):
        response = adjacent.get(f"/communes/{HOME}/{path}", params=query)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["errors"][0]["field"] == field
        assert words in problem["errors"][0]["message"]
        assert "surroundings margin (500 m)" in problem["detail"]
        assert "--margin-m" in problem["detail"]
    siting = adjacent.post(f"/communes/{HOME}/siting", json=query | {"count": 1})
    assert siting.status_code == 422
    assert siting.json()["errors"][0]["field"] == field


def test_a_reach_in_metres_is_refused_before_the_commune_is_prepared(
    adjacent: TestClient, store: SqlStore
) -> None:
    # a worker that never saw the commune: nothing is kept for it yet
    assert store.get_prepared(HOME) is None
    walking = {"layer": "charging-points", "mode": "walk"}
    for params in ({"within_m": 600}, {"within_min": 7}):  # walking pace needs no street
        query = walking | params
        for path in ("coverage", "gaps", "service-areas"):
            response = adjacent.get(f"/communes/{HOME}/{path}", params=query)
            assert response.status_code == 422, response.text
        siting = adjacent.post(f"/communes/{HOME}/siting", json=query | {"count": 1})
        assert siting.status_code == 422, siting.text
    hubs = adjacent.get(f"/communes/{HOME}/hubs/intermodality", params={"within_m": 800})
    assert hubs.status_code == 422, hubs.text
    assert store.get_prepared(HOME) is None  # refused without building the commune
    # driving minutes become metres at the fastest street's speed: the streets are needed
    driving = adjacent.get(
        f"/communes/{HOME}/coverage",
        params={"layer": "charging-points", "mode": "drive", "within_min": 2},
    )
    assert driving.status_code == 422, driving.text
    assert store.get_prepared(HOME) is not None


def test_a_reach_within_the_margin_is_answered(adjacent: TestClient) -> None:
    # one minute driving at the grid's 30 km/h is exactly the margin: allowed
    for params in ({"within_m": MARGIN_M}, {"mode": "drive", "within_min": 1}):
        response = adjacent.get(
            f"/communes/{HOME}/coverage", params={"layer": "charging-points", **params}
        )
        assert response.status_code == 200, response.text


def test_hub_reach_past_the_margin_names_its_field(adjacent: TestClient) -> None:
    hubs = f"/communes/{HOME}/hubs/intermodality"
    shared = adjacent.get(hubs, params={"within_m": 800})
    assert shared.status_code == 422
    assert [e["field"] for e in shared.json()["errors"]] == ["within_m"]
    one = adjacent.get(hubs, params={"within_m": 300, "charging_within_m": 900})
    assert [e["field"] for e in one.json()["errors"]] == ["charging_within_m"]
    fine = adjacent.get(hubs, params={"within_m": 300})
    assert fine.status_code == 200, fine.text
    assert fine.json()["method"]["surroundings"]["assets_in_surroundings"] == {
        "hubs": 0,
        "parking": 0,
        "charging-points": 1,
    }


def test_scenario_comparison_counts_the_surroundings_and_refuses_a_longer_reach(
    adjacent: TestClient,
) -> None:
    lon, lat = to_lonlat(950.0, 800.0)
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"puissance_nominale": 22.0},
    }
    body = {
        "commune": HOME,
        "name": "by the line",
        "add": [{"layer": "charging-points", "features": [feature]}],
    }
    created = adjacent.post("/scenarios", json=body, headers={"X-API-Key": API_KEY})
    assert created.status_code == 201, created.text
    compare = f"/scenarios/{created.json()['id']}/compare"
    params = {"layer": "charging-points", "within_m": WITHIN_M}
    answer = adjacent.get(compare, params=params)
    assert answer.status_code == 200, answer.text
    row = answer.json()["layers"][0]
    base = _coverage(adjacent, HOME)["summary"]
    assert row["assets"] == {"base": 2, "scenario": 3}
    assert row["population_covered"]["base"] == pytest.approx(base["population_covered"], abs=0.2)
    assert answer.json()["regulation"]["afir"]["installed_kw"] == {"base": 22.0, "scenario": 44.0}
    refused = adjacent.get(compare, params={"within_m": 600})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "within_m"


def test_a_patch_keeps_the_code_of_a_margin_asset_standing_in_no_loaded_commune(
    adjacent: TestClient,
) -> None:
    """West of the home commune lies its margin but no loaded commune: the point keeps its code."""
    lon, lat = to_lonlat(-250.0, 200.0)
    feature = {
        "type": "Feature",
        "id": "FRV94EWEST011",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": builders.charging_point_properties(
            id_pdc_itinerance="FRV94EWEST011", code_insee_commune="94009", commune="94009"
        ),
    }
    items = "/collections/charging-points/items"
    key = {"X-API-Key": API_KEY}
    created = adjacent.post(items, json=feature, headers=key)
    assert created.status_code == 201, created.text
    assert adjacent.get(f"{items}/FRV94EWEST011").json()["properties"]["commune"] == "94009"
    patched = adjacent.patch(
        f"{items}/FRV94EWEST011",
        json={"properties": {"nom_station": "Renamed"}},
        headers=key | {"Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    served = adjacent.get(f"{items}/FRV94EWEST011").json()["properties"]
    assert (served["nom_station"], served["commune"]) == ("Renamed", "94009")
