# SPDX-License-Identifier: MIT
"""The assets an analysis sees: the commune's base data, or the base as a scenario changes it."""

from __future__ import annotations

from mobility.assets import Asset, Layer
from mobility.errors import InvalidInputError
from mobility.plans import Scenario
from mobility.store.base import AssetQuery, Store


def base_assets(store: Store, code: str, layer: Layer) -> list[Asset]:
    """Return every asset of a commune's layer as stored (in id order): analyses need them all."""
    return list(store.iter_assets(AssetQuery(layer=layer, commune=code)))


def read_scenario(store: Store, code: str, scenario_id: str) -> Scenario:
    """Return a scenario of the commune; InvalidInputError when it belongs to another one."""
    scenario = store.get_scenario(scenario_id)
    if scenario.commune != code:
        raise InvalidInputError(
            f"scenario {scenario_id} is about commune {scenario.commune}, not {code}"
        )
    return scenario


def commune_assets(
    store: Store, code: str, layer: Layer, scenario_id: str | None = None
) -> list[Asset]:
    """Return every asset of a commune's layer, with the scenario's changes when one is named.

    Raises NotFoundError for an unknown scenario and InvalidInputError for another commune's.
    """
    assets = base_assets(store, code, layer)
    if scenario_id is None:
        return assets
    return read_scenario(store, code, scenario_id).apply(layer, assets)
