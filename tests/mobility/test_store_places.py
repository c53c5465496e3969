# SPDX-License-Identifier: MIT
"""Assets stored once and seen by place: which commune reads which asset, on both stores.

Three communes: the 10e square with a 300 m margin, a neighbour sharing its east edge (no
margin), and a large commune holding both (Paris over its arrondissements). What the store answers
for each is checked against places.py applied to every stored asset by brute force.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mobility.assets import Asset, Layer
from mobility.errors import InvalidInputError
from mobility.places import Place
from mobility.store import AssetQuery, CommuneRecord, SqlStore
from tests.support import builders

EAST_NEIGHBOUR = (2.365, 48.870, 2.380, 48.882)  # shares the 10e square's east edge
WHOLE = (2.340, 48.860, 2.390, 48.890)  # holds both squares
MARGIN_M = 300.0


def _communes() -> list[CommuneRecord]:
    tenth = replace(builders.commune_record("75110", builders.SQUARE_75110), margin_m=MARGIN_M)
    return [
        tenth,
        builders.commune_record("75111", EAST_NEIGHBOUR),
        builders.commune_record("75056", WHOLE),
    ]


def _scattered_points(count: int, seed: int = 3) -> list[Asset]:
    """Charging points over and around the three communes, some exactly on the shared edge."""
    rng = np.random.default_rng(seed)
    lons = np.round(rng.uniform(2.333, 2.395, count), 5)
    lats = np.round(rng.uniform(48.855, 48.895, count), 5)
    lons[:5] = 2.365  # on the line between the 10e and its neighbour
    lats[:5] = [48.871, 48.873, 48.875, 48.877, 48.879]
    return [
        builders.charging_point(f"FRV75E{i:04d}", float(x), float(y), commune="75999")
        for i, (x, y) in enumerate(zip(lons, lats, strict=True))
    ]


def _seen_by_some(records: list[CommuneRecord], assets: list[Asset]) -> list[Asset]:
    lons = [a.lon for a in assets]
    lats = [a.lat for a in assets]
    seen = np.zeros(len(assets), dtype=bool)
    for record in records:
        seen |= Place.of(record).inside_surroundings(lons, lats)
    return [asset for asset, keep in zip(assets, seen, strict=True) if keep]


def _brute_force(record: CommuneRecord, assets: list[Asset], *, surroundings: bool) -> list[str]:
    place = Place.of(record)
    lons = [a.lon for a in assets]
    lats = [a.lat for a in assets]
    inside = (
        place.inside_surroundings(lons, lats) if surroundings else place.inside_commune(lons, lats)
    )
    return sorted(asset.id for asset, keep in zip(assets, inside, strict=True) if keep)


@pytest.fixture
def filled(store: SqlStore) -> tuple[SqlStore, list[Asset]]:
    for record in _communes():
        store.save_commune(record, [])
    assets = _seen_by_some(_communes(), _scattered_points(240))
    store.add_assets(assets)
    return store, assets


def test_the_margin_is_stored_with_the_commune(store: SqlStore) -> None:
    for record in _communes():
        store.save_commune(record, [])
    assert store.get_commune("75110").margin_m == MARGIN_M
    assert store.get_commune("75111").margin_m is None


@pytest.mark.parametrize("surroundings", [False, True])
@pytest.mark.parametrize("limit", [1, 7, 50, 1000])
def test_pages_by_commune_are_exact_against_brute_force(
    filled: tuple[SqlStore, list[Asset]], surroundings: bool, limit: int
) -> None:
    store, assets = filled
    for record in _communes():
        expected = _brute_force(record, assets, surroundings=surroundings)
        assert expected  # every commune sees something: the comparison can fail
        query = AssetQuery(
            layer=Layer.CHARGING_POINTS, commune=record.code, surroundings=surroundings
        )
        paged: list[str] = []
        for offset in range(0, len(expected) + limit, limit):
            page = store.query_assets(replace(query, limit=limit, offset=offset))
            assert page.number_matched == len(expected)
            paged.extend(asset.id for asset in page.assets)
        assert paged == expected
        streamed = [a.id for a in store.iter_assets(query, page_size=max(limit, 3))]
        assert streamed == expected
        if not surroundings:
            assert store.count_assets(Layer.CHARGING_POINTS, record.code) == len(expected)


def test_the_margin_adds_assets_only_to_the_commune_that_has_one(
    filled: tuple[SqlStore, list[Asset]],
) -> None:
    store, assets = filled
    tenth, neighbour, _ = _communes()
    assert len(_brute_force(tenth, assets, surroundings=True)) > len(
        _brute_force(tenth, assets, surroundings=False)
    )
    assert _brute_force(neighbour, assets, surroundings=True) == _brute_force(
        neighbour, assets, surroundings=False
    )
    # the points on the shared edge stand inside both communes
    on_edge = {f"FRV75E{i:04d}" for i in range(5)}
    for code in ("75110", "75111"):
        ids = {a.id for a in store.iter_assets(AssetQuery(Layer.CHARGING_POINTS, commune=code))}
        assert on_edge <= ids


def test_an_asset_keeps_its_own_commune_code(filled: tuple[SqlStore, list[Asset]]) -> None:
    store, assets = filled
    stored = store.get_asset(Layer.CHARGING_POINTS, assets[0].id)
    assert stored.commune == "75999"  # not loaded, and no foreign key refuses it
    page = store.query_assets(AssetQuery(Layer.CHARGING_POINTS, commune="75999"))
    assert page.number_matched == 0  # a commune query is by location, not by code


def test_existing_assets_returns_the_stored_ones_among_the_ids(
    filled: tuple[SqlStore, list[Asset]],
) -> None:
    store, assets = filled
    wanted = [assets[0].id, assets[3].id, "FRV75ENOPE"]
    found = store.existing_assets(Layer.CHARGING_POINTS, wanted)
    assert sorted(found) == sorted([assets[0].id, assets[3].id])
    assert found[assets[3].id].lon == assets[3].lon
    assert store.existing_assets(Layer.HUBS, wanted) == {}
    assert store.existing_assets(Layer.CHARGING_POINTS, []) == {}


def test_an_asset_no_commune_sees_is_refused_and_nothing_is_written(store: SqlStore) -> None:
    for record in _communes():
        store.save_commune(record, [])
    inside = builders.charging_point("FRV75EIN001", 2.357, 48.876)
    far = builders.charging_point("FRV75EFAR01", 2.2, 48.8)
    with pytest.raises(InvalidInputError) as raised:
        store.add_assets([inside, far])
    assert raised.value.problems[0].field == "geometry"
    assert "FRV75EFAR01" in raised.value.problems[0].message
    assert store.existing_assets(Layer.CHARGING_POINTS, ["FRV75EIN001", "FRV75EFAR01"]) == {}


def _revisions(store: SqlStore) -> dict[str, int]:
    return {record.code: record.revision for record in store.list_communes()}


def test_a_write_bumps_every_commune_that_sees_the_asset_old_and_new(store: SqlStore) -> None:
    for record in _communes():
        store.save_commune(record, [])
    # inside the neighbour, 150 m east of the shared edge: in the 10e's margin and in 75056
    margin_point = builders.hub("h-edge", 2.367, 48.876)
    before = _revisions(store)
    store.add_assets([margin_point])
    after_add = _revisions(store)
    assert all(after_add[code] == before[code] + 1 for code in ("75110", "75111", "75056"))
    # moved out of the 10e's margin, still in the neighbour and Paris: the 10e's caches go stale
    store.replace_asset(builders.hub("h-edge", 2.378, 48.876))
    after_move = _revisions(store)
    assert all(after_move[code] == after_add[code] + 1 for code in ("75110", "75111", "75056"))
    # a change there now concerns only the communes that see it
    store.replace_asset(builders.hub("h-edge", 2.378, 48.876, name="Renamed"))
    after_rename = _revisions(store)
    assert after_rename["75110"] == after_move["75110"]
    assert after_rename["75111"] == after_move["75111"] + 1
    store.delete_asset(Layer.HUBS, "h-edge")
    after_delete = _revisions(store)
    assert after_delete["75110"] == after_rename["75110"]
    assert after_delete["75056"] == after_rename["75056"] + 1


def test_deleting_a_commune_keeps_what_another_commune_sees(
    filled: tuple[SqlStore, list[Asset]],
) -> None:
    store, assets = filled
    tenth, neighbour, _ = _communes()
    kept = set(_brute_force(tenth, assets, surroundings=True)) | set(
        _brute_force(neighbour, assets, surroundings=True)
    )
    store.delete_commune("75056")
    everything = {a.id for a in store.iter_assets(AssetQuery(Layer.CHARGING_POINTS))}
    assert everything == kept
    assert len(kept) < len(assets)  # Paris alone saw some: they went with it
    assert store.count_assets(Layer.CHARGING_POINTS, "75110") == len(
        _brute_force(tenth, assets, surroundings=False)
    )
    store.delete_commune("75110")
    store.delete_commune("75111")
    assert store.query_assets(AssetQuery(Layer.CHARGING_POINTS)).number_matched == 0


def test_replacing_a_commune_recomputes_what_it_sees(
    filled: tuple[SqlStore, list[Asset]],
) -> None:
    store, assets = filled
    tenth = _communes()[0]
    wider = replace(tenth, margin_m=600.0)
    store.save_commune(wider, [], replace=True)
    query = AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True, limit=10_000)
    ids = [a.id for a in store.query_assets(query).assets]
    assert ids == _brute_force(wider, assets, surroundings=True)
    assert len(ids) > len(_brute_force(tenth, assets, surroundings=True))
