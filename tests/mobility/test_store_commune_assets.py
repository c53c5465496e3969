# SPDX-License-Identifier: MIT
"""A commune saved with its assets in one transaction: all of it lands, or none of it."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mobility.assets import Layer
from mobility.errors import InvalidInputError
from mobility.store import AssetQuery, SqlStore
from tests.support.builders import SQUARE_69381, charging_point, commune_record, hub
from tests.support.digests import store_digest

INSIDE = (2.357, 48.876)
IN_THE_MARGIN = (2.367, 48.876)
"""About 150 m east of the square's edge (2.365), inside a 300 m margin."""


def test_a_commune_lands_with_its_assets_seen_by_place(store: SqlStore) -> None:
    record = replace(commune_record(), margin_m=300.0)
    saved = store.save_commune(
        record,
        [],
        assets=[
            charging_point("FRV75EIN0001", *INSIDE),
            charging_point("FRV75EOUT001", *IN_THE_MARGIN, commune="75103"),
            hub("h-in", *INSIDE),
        ],
    )
    assert saved.margin_m == 300.0
    assert store.count_assets(Layer.CHARGING_POINTS, "75110") == 1
    around = AssetQuery(Layer.CHARGING_POINTS, commune="75110", surroundings=True)
    assert {a.id: a.commune for a in store.iter_assets(around)} == {
        "FRV75EIN0001": "75110",
        "FRV75EOUT001": "75103",
    }
    assert store.count_assets(Layer.HUBS, "75110") == 1


def test_an_asset_no_commune_sees_refuses_the_whole_save(store: SqlStore) -> None:
    store.save_commune(commune_record(), [], assets=[charging_point("FRV75EIN0001", *INSIDE)])
    before = store_digest(store)
    lyon = replace(commune_record("69381", SQUARE_69381), margin_m=100.0)
    with pytest.raises(InvalidInputError):
        store.save_commune(
            lyon, [], assets=[hub("h-lyon", 4.83, 45.767), hub("h-nowhere", 3.0, 47.0)]
        )
    assert store_digest(store) == before
    assert not store.has_commune("69381")
