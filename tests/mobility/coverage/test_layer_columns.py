# SPDX-License-Identifier: MIT
"""A layer filtered on its columns keeps exactly what each asset's own test keeps.

The mask over a view's columns (made from the stored JSON) is checked against
:meth:`AssetFilter.keeps` on the validated assets read afresh, for every filter combination, on
the shipped commune and on random assets stored on both backends; the columns made from the
stored JSON equal those made from the validated attributes.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

import numpy as np
import pytest

from mobility.assets import HUB_MODES, Asset, Layer
from mobility.coverage.filters import AssetFilter
from mobility.store import AssetQuery, SqlStore
from mobility.store.layer_columns import PARKING_KINDS, LayerColumns
from tests.support.builders import charging_point, commune_record, hub, parking

POWERS_KW = (0.0, 3.7, 7.4, 11.0, 22.0, 22.5, 50.0, 150.0, 350.0, 1000.0)
PMR_VALUES = (
    "Réservé PMR",
    "Accessible mais non réservé PMR",
    "Non accessible",
    "Accessibilité inconnue",
)


def every_filter(layer: Layer) -> Iterator[AssetFilter]:
    """Every filter a request can state on the layer (the powers around the real ones)."""
    if layer is Layer.CHARGING_POINTS:
        powers: tuple[float | None, ...] = (None, *POWERS_KW)
        for power, free, pmr in itertools.product(powers, (False, True), (False, True)):
            yield AssetFilter(layer, min_power_kw=power, free_only=free, pmr_only=pmr)
    elif layer is Layer.PARKING:
        for kind in (None, *PARKING_KINDS):
            yield AssetFilter(layer, kind=kind)
    else:
        for mode in (None, *HUB_MODES):
            yield AssetFilter(layer, mode=mode)


def fresh_layer(store: SqlStore, layer: Layer) -> list[Asset]:
    """The layer as the store reads it now, every asset validated."""
    return list(store.iter_assets(AssetQuery(layer, commune="75110", surroundings=True)))


def assert_mask_is_keeps(store: SqlStore, layer: Layer) -> tuple[int, int]:
    """Check every filter of every layer on the layer's view; return (kept, dropped) seen."""
    view = store.asset_view("75110", layer)
    fresh = fresh_layer(store, layer)
    assert view.ids == tuple(asset.id for asset in fresh)
    kept = dropped = 0
    for other in Layer:
        for rule in every_filter(other):
            expected = [asset.layer is rule.layer and rule.keeps(asset) for asset in fresh]
            mask = rule.mask(view.columns)
            assert mask.tolist() == expected, rule
            assert [a.id for a in rule.apply(fresh)] == [view.ids[i] for i in np.flatnonzero(mask)]
            kept += int(mask.sum())
            dropped += int((~mask).sum())
    return kept, dropped


def assert_same_columns(left: LayerColumns, right: LayerColumns) -> None:
    assert left.layer is right.layer
    np.testing.assert_array_equal(left.power_kw, right.power_kw)  # NaN equal to NaN
    for name in ("free", "pmr", "kind", "modes"):
        np.testing.assert_array_equal(getattr(left, name), getattr(right, name), err_msg=name)


@pytest.mark.parametrize("layer", list(Layer))
def test_the_mask_is_the_filter_on_the_shipped_commune(paris_store: SqlStore, layer: Layer) -> None:
    kept, dropped = assert_mask_is_keeps(paris_store, layer)
    assert kept and dropped  # the filters both keep and drop on the real layer
    view = paris_store.asset_view("75110", layer)
    stored = LayerColumns.of_attributes(
        layer, [a.attributes for a in fresh_layer(paris_store, layer)]
    )
    assert_same_columns(view.columns, stored)


def random_assets(seed: int, count: int) -> list[Asset]:
    """Charging points, parking and hubs with every filtered attribute drawn at random."""
    draw = random.Random(seed)  # noqa: S311 (a repeatable draw, no secret)
    assets: list[Asset] = []
    for index in range(count):
        lon, lat = 2.352 + draw.random() * 0.01, 48.870 + draw.random() * 0.01
        assets.append(
            charging_point(
                f"FRV75ERND{index:04d}",
                lon,
                lat,
                puissance_nominale=draw.choice(POWERS_KW[1:]) - draw.choice((0.0, 0.05)),
                gratuit=draw.choice((True, False, None)),
                accessibilite_pmr=draw.choice(PMR_VALUES),
            )
        )
        assets.append(parking(f"p-{index:04d}", lon, lat, kind=draw.choice(PARKING_KINDS)))
        modes = draw.sample(HUB_MODES, draw.randint(1, 3))
        assets.append(hub(f"h-{index:04d}", lon, lat, modes=modes))
    return assets


@pytest.mark.parametrize("seed", [1, 2])
def test_the_mask_is_the_filter_on_random_assets(store: SqlStore, seed: int) -> None:
    store.save_commune(commune_record(), [], assets=random_assets(seed, 40))
    for layer in Layer:
        kept, dropped = assert_mask_is_keeps(store, layer)
        assert kept and dropped
        attributes = [asset.attributes for asset in fresh_layer(store, layer)]
        assert_same_columns(
            store.asset_view("75110", layer).columns, LayerColumns.of_attributes(layer, attributes)
        )


def test_the_assets_are_made_on_first_use_and_equal_a_fresh_read(store: SqlStore) -> None:
    store.save_commune(commune_record(), [], assets=random_assets(3, 10))
    view = store.asset_view("75110", Layer.CHARGING_POINTS)
    assert "assets" not in vars(view)  # nothing validated by the read itself
    assert list(view.assets) == fresh_layer(store, Layer.CHARGING_POINTS)
