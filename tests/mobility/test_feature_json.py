# SPDX-License-Identifier: MIT
"""The fast way features are served (stored text, encoded once) against the slow, checked way.

The slow way reads each asset, validates its attributes with the layer's model and builds the
Feature as a dict; the fast way splices the stored text. Parsed, both must be equal for every
asset of the shipped commune and on both stores, footprints included.
"""

from __future__ import annotations

import json

import pytest

from mobility.assets import Layer
from mobility.features import (
    feature_from_asset,
    feature_json,
    page_features,
    page_features_json,
)
from mobility.geojson import feature_collection, feature_collection_json, with_members
from mobility.store import AssetQuery, SqlStore
from tests.support import builders

SQUARE = builders.square((2.3560, 48.8750, 2.3565, 48.8754))["coordinates"]


@pytest.mark.parametrize("layer", list(Layer))
@pytest.mark.parametrize("commune", ["75110", None])
def test_every_shipped_feature_is_served_as_the_checked_way_builds_it(
    paris_store: SqlStore, layer: Layer, commune: str | None
) -> None:
    query = AssetQuery(layer=layer, commune=commune, limit=10_000)
    fast, fast_matched = page_features_json(paris_store, query)
    slow, slow_matched = page_features(paris_store, query)
    assert fast_matched == slow_matched > 0
    assert [json.loads(feature) for feature in fast] == slow
    if commune is not None:
        assert all("in_commune" in feature["properties"] for feature in slow)
    stored = paris_store.query_asset_json(query).assets
    checked = paris_store.query_assets(query).assets
    assert [a.revision for a in stored] == [a.revision for a in checked]


def test_one_feature_with_a_footprint_and_links_on_both_stores(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    park = builders.parking(name="Parc « Été »", capacity=12)
    footprint = {"type": "Polygon", "coordinates": SQUARE}
    store.add_assets([park.__class__(**{**park.__dict__, "footprint": footprint})])
    links = [{"href": "http://x/collections/parking/items/p-1", "rel": "self"}]
    served = json.loads(feature_json(store.get_asset_json(Layer.PARKING, "p-1"), links=links))
    checked = feature_from_asset(store.get_asset(Layer.PARKING, "p-1"))
    assert served == checked | {"links": links}
    assert served["properties"]["footprint"] == footprint
    assert served["properties"]["name"] == "Parc « Été »"


def test_members_are_appended_to_object_text_without_parsing_it() -> None:
    assert json.loads(with_members("{}", {"a": 1})) == {"a": 1}
    assert json.loads(with_members(' {"b": [1, 2]} ', {"a": None})) == {"b": [1, 2], "a": None}
    assert with_members('{"b":1}', {}) == '{"b":1}'
    with pytest.raises(ValueError, match="JSON object"):
        with_members("[1]", {"a": 1})
    features = [{"type": "Feature", "id": "é", "geometry": None, "properties": {}}]
    encoded = feature_collection_json([json.dumps(f) for f in features], numberMatched=1)
    assert json.loads(encoded.decode("utf-8")) == feature_collection(features, numberMatched=1)
