# SPDX-License-Identifier: MIT
"""The one-asset read runs straight on the driver: it must give what SQLAlchemy's read gives.

The page read (built and run by SQLAlchemy, values converted by its types) is the independent
slow way; every shipped asset read alone must equal its row in the page, on both stores.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mobility.assets import Layer
from mobility.errors import NotFoundError
from mobility.store import AssetQuery, SqlStore, open_store


@pytest.fixture
def sample_store(sample_store_url: str) -> Iterator[SqlStore]:
    opened = open_store(sample_store_url)
    yield opened
    opened.close()


@pytest.mark.parametrize("layer", list(Layer))
def test_every_asset_read_alone_equals_its_page_row(sample_store: SqlStore, layer: Layer) -> None:
    query = AssetQuery(layer=layer, limit=10_000)
    page, checked = sample_store.query_asset_json(query), sample_store.query_assets(query)
    assert page.number_matched == len(page.assets) > 0
    for stored, asset in zip(page.assets, checked.assets, strict=True):
        alone = sample_store.get_asset_json(layer, stored.id)
        assert alone == stored
        assert alone.updated_at.tzinfo is not None
        assert sample_store.get_asset(layer, stored.id) == asset


@pytest.mark.parametrize("asset_id", ["absent", "it's", "50%", "a:b*c", "x' OR '1'='1"])
def test_an_absent_id_is_not_found(sample_store: SqlStore, asset_id: str) -> None:
    with pytest.raises(NotFoundError, match="no feature"):
        sample_store.get_asset_json(Layer.CHARGING_POINTS, asset_id)
