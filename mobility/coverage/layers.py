# SPDX-License-Identifier: MIT
"""The assets an analysis reads: a commune's layer as stored, or as a scenario changes it.

An analysis reads the layer of the commune *and its surroundings* (the assets within its margin,
see :mod:`mobility.coverage.surroundings`): a charger across the line serves the homes near it.
What is the commune's own (its SDIRVE and AFIR counts, its exports) reads the commune only.

An analysis needs two things of a scenario: its changes applied to a layer, and a description
for the answer's method. :class:`ScenarioChanges` names just those, so the analyses take any
scenario (the stored one is :class:`mobility.scenarios.Scenario`) without depending on how
scenarios are stored. The caller reads the scenario once per request and passes it down.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from mobility.assets import Asset, Layer
from mobility.store.base import Store


class ScenarioChanges(Protocol):
    """What an analysis asks of a scenario."""

    def apply(self, layer: Layer, base: Iterable[Asset]) -> list[Asset]:
        """Return the layer's assets with the scenario's changes made."""
        ...

    def describe(self) -> dict[str, Any]:
        """Return the scenario as the answer's method names it."""
        ...


def read_layer(
    store: Store, code: str, layer: Layer, scenario: ScenarioChanges | None = None
) -> list[Asset]:
    """Return every asset of the commune's layer and its surroundings (id order), as changed.

    The stored layer is read once per commune revision (:meth:`Store.asset_view`).
    """
    assets = list(store.asset_view(code, layer).assets)
    return scenario.apply(layer, assets) if scenario is not None else assets


def describe_scenario(scenario: ScenarioChanges | None) -> dict[str, Any]:
    """Return the method entry naming the scenario analysed (nothing for the base data)."""
    return {"scenario": scenario.describe()} if scenario is not None else {}
