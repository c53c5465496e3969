# SPDX-License-Identifier: MIT
"""A scenario's layer as served: each asset a Feature saying how the scenario changed it."""

from __future__ import annotations

from typing import Any

from mobility.assets import Layer
from mobility.features import feature_from_asset
from mobility.plans import Scenario
from mobility.scenarios.view import base_assets
from mobility.store.base import Store


def scenario_layer_features(store: Store, scenario: Scenario, layer: Layer) -> list[dict[str, Any]]:
    """Return the layer's assets with the scenario applied, each marked with its change.

    ``scenario_change`` is ``add``, ``change`` or null (untouched); ``planned`` tells a point the
    scenario plans from one that exists.
    """
    actions = {change.asset_id: change for change in scenario.changes if change.layer is layer}
    features = []
    for asset in scenario.apply(layer, base_assets(store, scenario.commune, layer)):
        feature = feature_from_asset(asset)
        change = actions.get(asset.id)
        feature["properties"]["scenario_change"] = change.action if change else None
        feature["properties"]["planned"] = change.planned if change else False
        features.append(feature)
    return features
