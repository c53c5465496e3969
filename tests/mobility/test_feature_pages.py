# SPDX-License-Identifier: MIT
"""Kept pages against the slow way, and never staler than the store, on SQLite and PostGIS.

Each page a worker keeps must equal what the checked way (every asset read, validated and built
as a dict) gives for the same query at that moment: before any write, after writes made through
another store on the same database (another worker), after the commune itself changed.
"""

from __future__ import annotations

import json
from typing import Any

from mobility.assets import Layer
from mobility.feature_pages import EncodedPage, FeaturePages, encode_page
from mobility.features import page_features
from mobility.store import AssetQuery, Precondition, SqlStore, open_store
from tests.support import builders
from tests.support.counting import CountingStore

QUERIES = [
    AssetQuery(Layer.CHARGING_POINTS),
    AssetQuery(Layer.CHARGING_POINTS, limit=7, offset=5),
    AssetQuery(Layer.CHARGING_POINTS, commune="75110", min_power_kw=20, limit=1000),
    AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True, max_power_kw=22),
    AssetQuery(Layer.PARKING, commune="75110", kind="bicycle", limit=50, offset=10),
    AssetQuery(Layer.PARKING, bbox=(2.355, 48.870, 2.365, 48.880)),
    AssetQuery(Layer.HUBS, commune="75110", mode="metro"),
    AssetQuery(Layer.HUBS, offset=100_000),
]


def _features(page: EncodedPage) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(b"[" + page.features + b"]")
    assert len(features) == page.number_returned
    return features


def _assert_as_checked(store: SqlStore, query: AssetQuery, page: EncodedPage) -> None:
    slow, matched = page_features(store, query)
    assert _features(page) == slow
    assert page.number_matched == matched


def test_kept_pages_are_the_checked_pages_and_a_repeat_reads_no_rows(
    sample_store: SqlStore,
) -> None:
    pages = FeaturePages()
    counting = CountingStore(sample_store, "query_asset_json")
    for query in QUERIES:
        first = pages.page(counting, query)
        _assert_as_checked(sample_store, query, first)
        reads = counting.calls
        assert pages.page(counting, query) is first
        assert counting.calls == reads
    assert counting.calls == len(QUERIES)
    assert any(pages.page(sample_store, q).number_returned for q in QUERIES)


def test_a_write_through_another_store_is_in_the_next_page(
    sample_store: SqlStore, sample_store_url: str
) -> None:
    """The other store stands for another worker: it shares nothing but the database."""
    pages = FeaturePages()
    query = AssetQuery(Layer.CHARGING_POINTS, commune="75110", limit=10_000)
    before = pages.page(sample_store, query)
    other = open_store(sample_store_url)
    try:
        first = _features(before)[0]
        changed = other.get_asset(Layer.CHARGING_POINTS, first["id"])
        attributes = changed.attributes.model_copy(update={"nom_station": "Renamed station"})
        other.replace_asset(
            changed.__class__(**{**changed.__dict__, "attributes": attributes}),
            if_match=Precondition(),
        )
        renamed = pages.page(sample_store, query)
        assert _features(renamed)[0]["properties"]["nom_station"] == "Renamed station"
        _assert_as_checked(sample_store, query, renamed)

        other.delete_asset(Layer.CHARGING_POINTS, first["id"])
        fewer = pages.page(sample_store, query)
        assert fewer.number_matched == before.number_matched - 1
        _assert_as_checked(sample_store, query, fewer)

        other.delete_commune("75110")
        assert pages.page(sample_store, query).number_matched == 0
    finally:
        other.close()


def test_the_budget_drops_the_least_recently_served_and_keeps_no_huge_page(
    sample_store: SqlStore,
) -> None:
    sizes = {q: len(encode_page(sample_store, q).features) for q in QUERIES[:3]}
    pages = FeaturePages(budget_bytes=4 * max(sizes.values()))
    counting = CountingStore(sample_store, "query_asset_json")
    for query in QUERIES[:3]:
        pages.page(counting, query)
    assert pages.kept_bytes == sum(sizes.values()) <= pages.budget_bytes
    small = FeaturePages(budget_bytes=sizes[QUERIES[0]] + sizes[QUERIES[1]])
    small.page(counting, QUERIES[0])
    small.page(counting, QUERIES[1])
    reads = counting.calls
    small.page(counting, QUERIES[1])
    assert counting.calls == reads
    # QUERIES[0] is over a quarter of this budget: read every time, never kept
    small.page(counting, QUERIES[0])
    assert counting.calls == reads + 1
    assert small.kept_bytes <= small.budget_bytes


def test_an_empty_store_has_empty_pages(store: SqlStore) -> None:
    pages = FeaturePages()
    page = pages.page(store, AssetQuery(Layer.PARKING))
    assert (page.features, page.number_returned, page.number_matched) == (b"", 0, 0)
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.parking()])
    page = pages.page(store, AssetQuery(Layer.PARKING))
    _assert_as_checked(store, AssetQuery(Layer.PARKING), page)
    assert page.number_matched == 1
