# SPDX-License-Identifier: MIT
"""The store contract, run on SQLite and on PostGIS alike."""

from __future__ import annotations

import pytest

from mobility.assets import Layer
from mobility.errors import ConflictError, NotFoundError
from mobility.store import AssetQuery, CommuneFile, SqlStore
from tests.support import builders


def test_a_new_store_is_empty(store: SqlStore) -> None:
    assert store.list_communes() == []
    assert store.query_assets(AssetQuery(layer=Layer.HUBS)).number_matched == 0


def test_commune_round_trip_keeps_boundary_info_and_files(store: SqlStore) -> None:
    record = builders.commune_record()
    files = [CommuneFile("streets", "s.graphml", b"<graphml/>" * 100, {"k": 1})]
    stored = store.save_commune(record, files)
    assert stored.code == "75110"
    assert stored.boundary == record.boundary
    assert stored.info == record.info
    assert stored.created_at is not None and stored.created_at.tzinfo is not None
    streets = store.get_commune_file("75110", "streets")
    assert streets is not None
    assert streets.content == b"<graphml/>" * 100
    assert streets.metadata == {"k": 1}
    assert store.get_commune_file("75110", "population") is None
    assert store.has_commune("75110") and not store.has_commune("69381")


def test_saving_a_commune_twice_needs_replace_and_keeps_assets(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.charging_point()])
    with pytest.raises(ConflictError):
        store.save_commune(builders.commune_record(), [])
    renamed = builders.commune_record()
    renamed = type(renamed)(code="75110", name="Renamed", boundary=renamed.boundary)
    stored = store.save_commune(renamed, [], replace=True)
    assert stored.name == "Renamed"
    assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 1


def test_unknown_commune_is_not_found(store: SqlStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_commune("99999")
    with pytest.raises(NotFoundError):
        store.delete_commune("99999")


def test_assets_round_trip_every_attribute(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    point = builders.charging_point(puissance_nominale=150.0, gratuit=True)
    park = builders.parking(capacity=120, ev_ready_spaces=10, placement="underground")
    station = builders.hub(modes=["metro", "rer"], lines=["M5", "RER B"])
    assert store.add_assets([point, park, station]) == 3
    for asset in (point, park, station):
        stored = store.get_asset(asset.layer, asset.id)
        assert stored.attributes == asset.attributes
        assert (stored.lon, stored.lat, stored.commune) == (asset.lon, asset.lat, asset.commune)
        assert stored.updated_at is not None


def test_a_taken_id_conflicts_and_nothing_is_written(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.charging_point("FRV75EA1")])
    batch = [builders.charging_point("FRV75EB2"), builders.charging_point("FRV75EA1")]
    with pytest.raises(ConflictError):
        store.add_assets(batch)
    assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 1


def test_upsert_replaces_by_id(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.charging_point("FRV75EA1", puissance_nominale=7.0)])
    store.add_assets([builders.charging_point("FRV75EA1", puissance_nominale=50.0)], upsert=True)
    stored = store.get_asset(Layer.CHARGING_POINTS, "FRV75EA1")
    assert stored.attributes.puissance_nominale == 50.0  # type: ignore[union-attr]


def test_filters_and_paging(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.save_commune(builders.commune_record("69381", builders.SQUARE_69381), [])
    powers = [3.7, 7.0, 22.0, 50.0, 150.0, 300.0]
    points = [
        builders.charging_point(f"FRV75E{i:03d}", 2.351 + i * 0.001, 48.871, puissance_nominale=p)
        for i, p in enumerate(powers)
    ]
    lyon = builders.charging_point("FRV69E001", 4.83, 45.765, commune="69381")
    store.add_assets([*points, lyon])

    def ids(**filters: object) -> list[str]:
        page = store.query_assets(AssetQuery(layer=Layer.CHARGING_POINTS, **filters))  # type: ignore[arg-type]
        return [asset.id for asset in page.assets]

    assert ids(min_power_kw=50) == ["FRV75E003", "FRV75E004", "FRV75E005"]
    assert ids(min_power_kw=22, max_power_kw=150, commune="75110") == [
        "FRV75E002",
        "FRV75E003",
        "FRV75E004",
    ]
    assert ids(commune="69381") == ["FRV69E001"]
    assert ids(bbox=(2.3505, 48.86, 2.3535, 48.88)) == ["FRV75E000", "FRV75E001", "FRV75E002"]
    assert ids(bbox=(4.0, 45.0, 5.0, 46.0)) == ["FRV69E001"]
    page = store.query_assets(AssetQuery(layer=Layer.CHARGING_POINTS, limit=2, offset=2))
    assert page.number_matched == 7
    assert [asset.id for asset in page.assets] == ["FRV75E001", "FRV75E002"]


def test_kind_and_mode_filters(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets(
        [
            builders.parking("car-1", kind="car"),
            builders.parking("bike-1", kind="bicycle", capacity=10),
            builders.hub("h-metro", modes=["metro"]),
            builders.hub("h-rer", modes=["rer", "metro"]),
            builders.hub("h-velib", modes=["bike_share"]),
        ]
    )
    bikes = store.query_assets(AssetQuery(layer=Layer.PARKING, kind="bicycle")).assets
    assert [a.id for a in bikes] == ["bike-1"]
    metro = store.query_assets(AssetQuery(layer=Layer.HUBS, mode="metro")).assets
    assert [a.id for a in metro] == ["h-metro", "h-rer"]
    share = store.query_assets(AssetQuery(layer=Layer.HUBS, mode="bike_share")).assets
    assert [a.id for a in share] == ["h-velib"]


def test_replace_and_delete_bump_the_commune_revision(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    start = store.get_commune("75110").revision
    store.add_assets([builders.hub()])
    after_add = store.get_commune("75110").revision
    store.replace_asset(builders.hub(name="Renamed"))
    after_replace = store.get_commune("75110").revision
    store.delete_asset(Layer.HUBS, "h-1")
    after_delete = store.get_commune("75110").revision
    assert start < after_add < after_replace < after_delete
    with pytest.raises(NotFoundError):
        store.get_asset(Layer.HUBS, "h-1")
    with pytest.raises(NotFoundError):
        store.delete_asset(Layer.HUBS, "h-1")
    with pytest.raises(NotFoundError):
        store.replace_asset(builders.hub())


def test_deleting_a_commune_removes_its_assets_only(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [CommuneFile("streets", "s", b"x")])
    store.save_commune(builders.commune_record("69381", builders.SQUARE_69381), [])
    store.add_assets([builders.hub(), builders.hub("h-lyon", 4.83, 45.765, commune="69381")])
    store.delete_commune("75110")
    assert [r.code for r in store.list_communes()] == ["69381"]
    assert store.query_assets(AssetQuery(layer=Layer.HUBS)).number_matched == 1
    assert store.get_commune_file("75110", "streets") is None


def test_data_survives_reopening(store: SqlStore) -> None:
    store.save_commune(builders.commune_record(), [])
    store.add_assets([builders.parking()])
    url = store.engine.url.render_as_string(hide_password=False)
    store.close()
    from mobility.store import open_store

    reopened = open_store(url.replace("postgresql+psycopg", "postgresql"))
    try:
        assert reopened.count_assets(Layer.PARKING, "75110") == 1
    finally:
        reopened.close()


def _fill_paris(store: SqlStore, count: int) -> list[str]:
    store.save_commune(builders.commune_record(), [])
    store.save_commune(builders.commune_record("69381", builders.SQUARE_69381), [])
    ids = [f"FRV75E{i:03d}" for i in range(count)]
    store.add_assets(
        [
            builders.charging_point(asset_id, 2.351 + i * 0.001, 48.871, puissance_nominale=22)
            for i, asset_id in enumerate(ids)
        ]
        + [builders.charging_point("FRV69E001", 4.83, 45.765, commune="69381")]
    )
    return ids


@pytest.mark.parametrize("page_size", [1, 2, 3, 7, 8, 100])
def test_iter_assets_streams_the_whole_match_across_pages(store: SqlStore, page_size: int) -> None:
    paris = _fill_paris(store, 7)
    query = AssetQuery(layer=Layer.CHARGING_POINTS, commune="75110", limit=1, offset=5)
    streamed = [asset.id for asset in store.iter_assets(query, page_size=page_size)]
    assert streamed == paris  # every match in id order: the query's limit and offset are unused
    everything = store.iter_assets(AssetQuery(layer=Layer.CHARGING_POINTS), page_size=page_size)
    assert [asset.id for asset in everything] == ["FRV69E001", *paris]
    assert list(store.iter_assets(AssetQuery(layer=Layer.HUBS), page_size=page_size)) == []


def test_iter_assets_pages_by_id_so_writes_between_pages_repeat_nothing(store: SqlStore) -> None:
    _fill_paris(store, 7)
    stream = store.iter_assets(
        AssetQuery(layer=Layer.CHARGING_POINTS, commune="75110"), page_size=2
    )
    first = [next(stream).id, next(stream).id]
    # between the first page and the second: one asset lands before the cursor, one ahead goes
    store.add_assets([builders.charging_point("FRV75E0005", 2.3515, 48.871)])
    store.delete_asset(Layer.CHARGING_POINTS, "FRV75E004")
    rest = [asset.id for asset in stream]
    assert first == ["FRV75E000", "FRV75E001"]
    assert rest == ["FRV75E002", "FRV75E003", "FRV75E005", "FRV75E006"]


def test_iter_assets_refuses_an_empty_page_before_reading(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="page_size"):
        store.iter_assets(AssetQuery(layer=Layer.HUBS), page_size=0)
