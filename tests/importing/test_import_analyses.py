# SPDX-License-Identifier: MIT
"""An imported commune's answers: the neighbours' points serve its homes, yet are not its own.

The 10e is imported with its surroundings from the cut region files; through the real app, its
coverage counts the charging points across the line (removing them lowers it), while its SDIRVE
and AFIR figures, its IRVE export and its ``commune=`` items hold its own 89 points only.
"""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.assets import Layer
from mobility.store import AssetQuery, open_store
from tests.conftest import make_settings
from tests.support.idf_import import (
    CHARGING_POINTS_OF_THE_10E,
    MARGIN_M,
    ImportFiles,
    run_import,
)

POWER_OF_THE_10E_KW = 2669.0
"""The installed power of the 10e's 89 points, reserved ones included (as the shipped commune)."""
QUESTION = {"layer": "charging-points", "within_m": 300}


def test_the_neighbours_points_serve_the_homes_but_are_not_the_communes_own(
    store_url: str, region: ImportFiles, capsys: pytest.CaptureFixture[str]
) -> None:
    report = run_import(store_url, capsys, region, "75110")
    around = report["layers"]["charging-points"]["in_surroundings"]
    assert around > 0
    with TestClient(create_app(make_settings(store_url))) as client:
        coverage = client.get("/communes/75110/coverage", params=QUESTION)
        assert coverage.status_code == 200, coverage.text
        surroundings = coverage.json()["method"]["surroundings"]
        assert surroundings["margin_m"] == MARGIN_M
        assert surroundings["assets_in_surroundings"] == around
        share_with_neighbours = coverage.json()["summary"]["share"]

        sdirve = client.get("/communes/75110/sdirve").json()
        assert sdirve["existing"]["points"] == CHARGING_POINTS_OF_THE_10E
        afir = client.get(
            "/communes/75110/afir", params={"bev": 1000, "phev": 0, "include_reserved": True}
        ).json()
        assert afir["installed"]["power_kw"] == POWER_OF_THE_10E_KW
        exported = client.get("/communes/75110/exports/irve.csv")
        assert len(list(csv.DictReader(io.StringIO(exported.text)))) == CHARGING_POINTS_OF_THE_10E
        items = "/collections/charging-points/items"
        own = client.get(items, params={"commune": "75110", "limit": 1000}).json()
        assert own["numberMatched"] == CHARGING_POINTS_OF_THE_10E
        seen = client.get(
            items, params={"commune": "75110", "limit": 1000, "include_surroundings": "true"}
        ).json()
        assert seen["numberMatched"] == CHARGING_POINTS_OF_THE_10E + around
        outside = [f for f in seen["features"] if not f["properties"]["in_commune"]]
        assert len(outside) == around

    store = open_store(store_url)
    try:
        query = AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True)
        own_ids = {
            a.id for a in store.iter_assets(AssetQuery(Layer.CHARGING_POINTS, commune="75110"))
        }
        for asset in list(store.iter_assets(query)):
            if asset.id not in own_ids:
                store.delete_asset(Layer.CHARGING_POINTS, asset.id)
    finally:
        store.close()
    with TestClient(create_app(make_settings(store_url))) as client:
        alone = client.get("/communes/75110/coverage", params=QUESTION).json()
        assert alone["method"]["surroundings"]["assets_in_surroundings"] == 0
        assert alone["summary"]["share"] < share_with_neighbours
