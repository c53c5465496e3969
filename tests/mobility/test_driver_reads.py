# SPDX-License-Identifier: MIT
"""The hot reads run straight on the driver: they must give what SQLAlchemy's read gives.

The page read built for the query by SQLAlchemy (values converted by its types,
``_built_page_rows``) is the independent slow way: every shipped asset read alone must equal its
row there, and every page read on the driver, whatever its filters, must equal it, on both stores.
"""

from __future__ import annotations

import pytest

from mobility.assets import Layer
from mobility.errors import NotFoundError
from mobility.store import AssetQuery, SqlStore
from mobility.store.rows import asset_json_from_row


@pytest.mark.parametrize("layer", list(Layer))
def test_every_asset_read_alone_equals_its_page_row(sample_store: SqlStore, layer: Layer) -> None:
    query = AssetQuery(layer=layer, limit=10_000)
    page, checked = sample_store.query_asset_json(query), sample_store.query_assets(query)
    assert page.number_matched == len(page.assets) > 0
    assert page.assets == built_page(sample_store, query)[0]
    for stored, asset in zip(page.assets, checked.assets, strict=True):
        alone = sample_store.get_asset_json(layer, stored.id)
        assert alone == stored
        assert alone.updated_at.tzinfo is not None
        assert sample_store.get_asset(layer, stored.id) == asset


@pytest.mark.parametrize("asset_id", ["absent", "it's", "50%", "a:b*c", "x' OR '1'='1"])
def test_an_absent_id_is_not_found(sample_store: SqlStore, asset_id: str) -> None:
    with pytest.raises(NotFoundError, match="no feature"):
        sample_store.get_asset_json(Layer.CHARGING_POINTS, asset_id)


def built_page(store: SqlStore, query: AssetQuery) -> tuple[list[object], int]:
    """The page as the statement SQLAlchemy builds for the query reads it."""
    rows, matched = store._built_page_rows(query)
    return [asset_json_from_row(row) for row in rows], matched


BOX = (2.352, 48.870, 2.366, 48.880)
"""A part of Paris 10e holding some of the shipped assets of each layer, not all."""
FILTERED = [
    AssetQuery(Layer.CHARGING_POINTS, bbox=BOX),
    AssetQuery(Layer.HUBS, commune="75110", bbox=BOX),
    AssetQuery(Layer.CHARGING_POINTS, min_power_kw=22),
    AssetQuery(Layer.CHARGING_POINTS, max_power_kw=22, limit=5, offset=3),
    AssetQuery(Layer.CHARGING_POINTS, commune="75110", bbox=BOX, min_power_kw=7, max_power_kw=150),
    AssetQuery(Layer.PARKING, kind="bicycle", limit=10),
    AssetQuery(Layer.HUBS, mode="metro"),
]
"""Queries whose filters keep part of their layer (checked below, so that they compare rows)."""
PAGE_QUERIES = [
    *(AssetQuery(layer=layer, limit=limit) for layer in Layer for limit in (1, 7, 100)),
    AssetQuery(Layer.CHARGING_POINTS, limit=10, offset=85),
    AssetQuery(Layer.CHARGING_POINTS, limit=10, offset=500),
    AssetQuery(Layer.CHARGING_POINTS, commune="75110", limit=50, offset=20),
    AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True, limit=1000),
    AssetQuery(Layer.PARKING, commune="75110", surroundings=True, kind="car"),
    AssetQuery(Layer.CHARGING_POINTS, min_power_kw=1000),
    AssetQuery(Layer.CHARGING_POINTS, commune="99999"),
    *FILTERED,
]


@pytest.mark.parametrize("query", PAGE_QUERIES, ids=lambda query: repr(query)[10:90])
def test_every_page_shape_equals_the_built_statement(
    sample_store: SqlStore, query: AssetQuery
) -> None:
    expected, matched = built_page(sample_store, query)
    page = sample_store.query_asset_json(query)
    assert (page.assets, page.number_matched) == (expected, matched)
    assert [asset.id for asset in sample_store.query_assets(query).assets] == [
        asset.id for asset in expected
    ]


def test_the_filters_of_the_page_queries_select_some_assets_not_all(sample_store: SqlStore) -> None:
    """The shapes above are worth comparing: their filters keep part of each layer."""
    everything = {
        layer: built_page(sample_store, AssetQuery(layer, limit=1000))[1] for layer in Layer
    }
    for query in FILTERED:
        assert 0 < built_page(sample_store, query)[1] < everything[query.layer], query
