# SPDX-License-Identifier: MIT
"""A commune's layer read once per revision, and read again after every write it sees.

On both stores: the view equals a fresh read of the layer after each write, a write to a
neighbour's asset standing in the commune's margin included, and a commune deleted and made
again never inherits the view of the one before.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from mobility.assets import Layer
from mobility.store import AssetQuery, SqlStore
from tests.support.builders import charging_point, commune_record, hub

INSIDE = (2.357, 48.876)
IN_THE_MARGIN = (2.367, 48.876)
"""About 150 m east of the square's edge (2.365), inside a 300 m margin and inside the 75111."""
SQUARE_75111 = (2.365, 48.870, 2.380, 48.882)
AROUND = AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True)


def assert_fresh(store: SqlStore) -> None:
    """The view holds exactly what reading the layer now gives, columns included."""
    view = store.asset_view("75110", Layer.CHARGING_POINTS)
    fresh = list(store.iter_assets(AROUND))
    assert list(view.assets) == fresh
    assert view.ids == tuple(asset.id for asset in fresh)
    np.testing.assert_array_equal(view.lon, [asset.lon for asset in fresh])
    np.testing.assert_array_equal(view.lat, [asset.lat for asset in fresh])


def _two_neighbours(store: SqlStore) -> None:
    store.save_commune(
        replace(commune_record(), margin_m=300.0),
        [],
        assets=[charging_point("FRV75EIN0001", *INSIDE), hub("h-in", *INSIDE)],
    )
    store.save_commune(commune_record("75111", SQUARE_75111), [])


def test_a_view_is_read_once_until_a_write(store: SqlStore) -> None:
    _two_neighbours(store)
    first = store.asset_view("75110", Layer.CHARGING_POINTS)
    assert store.asset_view("75110", Layer.CHARGING_POINTS) is first
    assert first.ids == ("FRV75EIN0001",)
    assert store.asset_view("75110", Layer.HUBS).ids == ("h-in",)
    store.add_assets([charging_point("FRV75EIN0002", *INSIDE)])
    assert store.asset_view("75110", Layer.CHARGING_POINTS) is not first
    assert_fresh(store)


def test_a_neighbours_write_in_the_margin_is_seen(store: SqlStore) -> None:
    _two_neighbours(store)
    assert_fresh(store)
    neighbour = charging_point("FRV75EOUT001", *IN_THE_MARGIN, commune="75111")
    store.add_assets([neighbour])
    assert "FRV75EOUT001" in store.asset_view("75110", Layer.CHARGING_POINTS).ids
    assert_fresh(store)
    moved = replace(neighbour, lon=IN_THE_MARGIN[0] + 0.0005)
    store.replace_asset(moved)
    view = store.asset_view("75110", Layer.CHARGING_POINTS)
    assert view.lon[view.ids.index("FRV75EOUT001")] == moved.lon
    assert_fresh(store)
    store.delete_asset(Layer.CHARGING_POINTS, "FRV75EOUT001")
    assert store.asset_view("75110", Layer.CHARGING_POINTS).ids == ("FRV75EIN0001",)
    assert_fresh(store)


def test_a_commune_made_again_starts_anew(store: SqlStore) -> None:
    store.save_commune(commune_record(), [], assets=[charging_point("FRV75EIN0001", *INSIDE)])
    before = store.asset_view("75110", Layer.CHARGING_POINTS)
    store.delete_commune("75110")
    store.save_commune(commune_record(), [], assets=[charging_point("FRV75EIN0009", *INSIDE)])
    assert store.get_commune("75110").revision == before.stamp[0]  # type: ignore[index]
    assert store.asset_view("75110", Layer.CHARGING_POINTS).ids == ("FRV75EIN0009",)
    assert_fresh(store)
