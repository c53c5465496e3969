# SPDX-License-Identifier: MIT
"""Which assets count as serving the population: layer filters a planner can state in a sentence.

"Charging points of at least 22 kW, free of charge and accessible to wheelchair users" or "hubs
served by the RER" are filters here; each says in words what it kept, for the method statement.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from mobility.assets import Asset, ChargingPointBase, Hub, HubMode, Layer, Parking, ParkingKind
from mobility.errors import FieldProblem, InvalidInputError
from mobility.store.layer_columns import (
    PARKING_KINDS,
    PMR_FRIENDLY,
    BoolArray,
    LayerColumns,
    mode_bit,
)

MAX_POWER_KW = 1000.0
"""The highest charging power a filter may ask for (kW): above every point built today."""


@dataclass(frozen=True)
class AssetFilter:
    """Filters on one layer; ``None`` means no constraint."""

    layer: Layer
    min_power_kw: float | None = None
    free_only: bool = False
    pmr_only: bool = False
    kind: ParkingKind | None = None
    mode: HubMode | None = None

    def __post_init__(self) -> None:
        problems = []
        if self.layer is not Layer.CHARGING_POINTS:
            for name in ("min_power_kw", "free_only", "pmr_only"):
                if getattr(self, name):
                    problems.append(FieldProblem(name, "applies to charging-points only"))
        if self.layer is not Layer.PARKING and self.kind is not None:
            problems.append(FieldProblem("kind", "applies to parking only"))
        if self.layer is not Layer.HUBS and self.mode is not None:
            problems.append(FieldProblem("hub_mode", "applies to hubs only"))
        if self.min_power_kw is not None and not 0 <= self.min_power_kw <= MAX_POWER_KW:
            problems.append(FieldProblem("min_power_kw", f"must be in [0, {MAX_POWER_KW:g}] kW"))
        if problems:
            raise InvalidInputError("these filters do not fit the layer", problems=problems)

    def keeps(self, asset: Asset) -> bool:
        """Tell whether an asset passes every filter."""
        attributes = asset.attributes
        if isinstance(attributes, ChargingPointBase):
            if self.min_power_kw is not None and attributes.puissance_nominale < self.min_power_kw:
                return False
            if self.free_only and attributes.gratuit is not True:
                return False
            return not (self.pmr_only and attributes.accessibilite_pmr not in PMR_FRIENDLY)
        if isinstance(attributes, Parking):
            return self.kind is None or attributes.kind == self.kind
        if isinstance(attributes, Hub):
            return self.mode is None or self.mode in attributes.modes
        return False

    def apply(self, assets: Iterable[Asset]) -> list[Asset]:
        """Return the assets of the layer that pass."""
        return [asset for asset in assets if asset.layer is self.layer and self.keeps(asset)]

    def mask(self, columns: LayerColumns) -> BoolArray:
        """Tell, per row of a layer's columns, whether the asset passes: :meth:`apply` on arrays.

        A few comparisons over arrays instead of a Python call per asset: what lets a big
        city's layer be filtered on every request.
        """
        if columns.layer is not self.layer:
            return np.zeros(len(columns), dtype=bool)
        kept = np.ones(len(columns), dtype=bool)
        if self.layer is Layer.CHARGING_POINTS:
            if self.min_power_kw is not None:
                kept &= ~(columns.power_kw < self.min_power_kw)
            if self.free_only:
                kept &= columns.free
            if self.pmr_only:
                kept &= columns.pmr
        elif self.layer is Layer.PARKING and self.kind is not None:
            kept &= columns.kind == PARKING_KINDS.index(self.kind)
        elif self.layer is Layer.HUBS and self.mode is not None:
            kept &= (columns.modes & mode_bit(self.mode)) != 0
        return kept

    def describe(self) -> str:
        """Return the filter in words, e.g. 'charging points of at least 22 kW, free of charge'."""
        words = [self.layer.value.replace("-", " ")]
        if self.min_power_kw is not None:
            words.append(f"of at least {self.min_power_kw:g} kW")
        if self.free_only:
            words.append("free of charge")
        if self.pmr_only:
            words.append("accessible to PMR")
        if self.kind is not None:
            words.append(f"for {self.kind}s" if self.kind != "bicycle" else "for bicycles")
        if self.mode is not None:
            words.append(f"served by {self.mode.replace('_', ' ')}")
        return ", ".join(words) if len(words) > 2 else " ".join(words)
