# SPDX-License-Identifier: MIT
"""Writing assets that stand in a commune's surroundings, through the app, on both stores.

The shipped 10e is given a 300 m margin. A charging point across its boundary, in the 9e (not
loaded), can be edited and keeps the code a PUT gives; a hub posted in the margin without a code
is served with none; the commune filter still reads the 10e's own assets only.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from mobility.assets import Layer
from mobility.errors import InvalidInputError
from mobility.features import CommuneLocator, asset_from_feature
from mobility.store import open_store
from mobility.store.base import FILE_ROLES
from tests.conftest import API_KEY, make_settings
from tests.support import builders

KEY = {"X-API-Key": API_KEY}
MARGIN_M = 300.0
NINTH = (2.3470, 48.8780)  # rue La Fayette in the 9e, about 100 m west of the 10e's boundary
FAR = (2.3300, 48.8600)  # the 1er: beyond the margin


def _with_margin(url: str) -> None:
    store = open_store(url)
    try:
        record = store.get_commune("75110")
        files = [f for role in FILE_ROLES if (f := store.get_commune_file("75110", role))]
        store.save_commune(replace(record, margin_m=MARGIN_M), files, replace=True)
        store.add_assets([builders.charging_point("FRV75EMARGE1", *NINTH, commune="75109")])
    finally:
        store.close()


@pytest.fixture
def margin_client(sample_store_url: str) -> Iterator[TestClient]:
    _with_margin(sample_store_url)
    with TestClient(create_app(make_settings(sample_store_url))) as client:
        yield client


def test_a_margin_point_can_be_edited_and_keeps_the_code_a_put_gives(
    margin_client: TestClient,
) -> None:
    url = "/collections/charging-points/items/FRV75EMARGE1"
    served = margin_client.get(url).json()
    assert served["properties"]["commune"] == "75109"
    served["properties"]["puissance_nominale"] = 150.0
    put = margin_client.put(url, json=served, headers=KEY)
    assert put.status_code == 200, put.text
    assert put.json()["properties"]["commune"] == "75109"
    assert put.json()["properties"]["puissance_nominale"] == 150.0
    # a merge patch that does not move the point keeps the code it stands in
    patched = margin_client.patch(
        url,
        json={"properties": {"puissance_nominale": 50.0}},
        headers={**KEY, "Content-Type": "application/merge-patch+json"},
    )
    assert patched.status_code == 200, patched.text
    assert patched.json()["properties"]["commune"] == "75109"
    assert patched.json()["properties"]["puissance_nominale"] == 50.0
    own = margin_client.get(
        "/collections/charging-points/items", params={"commune": "75110", "limit": 1000}
    ).json()
    assert "FRV75EMARGE1" not in [feature["id"] for feature in own["features"]]
    assert own["numberMatched"] == 89


def test_a_hub_posted_in_the_margin_has_no_code_and_one_beyond_is_refused(
    margin_client: TestClient,
) -> None:
    body = builders.feature({"name": "Arrêt test", "modes": ["bus"]}, *NINTH, feature_id="h-9e")
    created = margin_client.post("/collections/hubs/items", json=body, headers=KEY)
    assert created.status_code == 201, created.text
    assert created.json()["properties"]["commune"] is None
    far = builders.feature({"name": "Loin", "modes": ["bus"]}, *FAR, feature_id="h-far")
    refused = margin_client.post("/collections/hubs/items", json=far, headers=KEY)
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    fields = {error["field"]: error["message"] for error in refused.json()["errors"]}
    assert "outside every loaded commune and its surroundings" in fields["geometry"]
    assert margin_client.get("/collections/hubs/items/h-far").status_code == 404


def test_a_loaded_commune_named_by_a_feature_must_hold_the_point() -> None:
    tenth = replace(builders.commune_record(), margin_m=MARGIN_M)
    locator = CommuneLocator([tenth])
    west = builders.SQUARE_75110[0]
    in_margin = builders.feature({"kind": "car"}, west - 0.001, 48.876, feature_id="p-m")

    def parse(commune: object) -> str:
        feature = {**in_margin, "properties": {"kind": "car", "commune": commune}}
        return asset_from_feature(Layer.PARKING, feature, locator=locator).commune

    assert parse(None) == ""
    assert parse("75109") == "75109"
    for wrong, field in (("75110", "geometry"), ("7511", "properties.commune"), (75109, None)):
        with pytest.raises(InvalidInputError) as raised:
            parse(wrong)
        assert [p.field for p in raised.value.problems] == [field or "properties.commune"]


def test_a_collection_counts_every_stored_asset_once(margin_client: TestClient) -> None:
    items = margin_client.get("/collections/charging-points/items", params={"limit": 1}).json()
    collection = margin_client.get("/collections/charging-points").json()
    assert items["numberMatched"] == 90  # the 10e's 89 and the one in its margin, in the 9e
    assert collection["numberOfFeatures"] == items["numberMatched"]
