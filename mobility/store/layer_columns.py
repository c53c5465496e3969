# SPDX-License-Identifier: MIT
"""The attributes a layer filter reads, as one array per attribute over a layer's assets.

A coverage question keeps the charging points of at least 22 kW, the car parks, the hubs served
by the RER. Asking each of thousands of validated asset objects in Python costs more than the
street search on a big city; the same answer is a few comparisons over arrays. The columns are
made from the stored properties (the JSON the store wrote from validated attributes, so no
validation is needed to read them back) or from the attributes themselves: both give the same
arrays, which is what lets the one be checked against the other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from mobility.assets import (
    HUB_MODES,
    AssetAttributes,
    ChargingPointBase,
    Hub,
    Layer,
    Parking,
    ParkingKind,
)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
CodeArray = npt.NDArray[np.int8]
MaskArray = npt.NDArray[np.uint8]

PMR_FRIENDLY = frozenset({"Réservé PMR", "Accessible mais non réservé PMR"})
"""The IRVE accessibility values a wheelchair user can charge at."""
PARKING_KINDS: tuple[ParkingKind, ...] = ("car", "bicycle", "motorcycle")
"""The parking kinds in the order of their codes in :attr:`LayerColumns.kind`."""
NO_KIND = -1
"""The kind code of an asset that is no parking."""
UNKNOWN_PMR = "Accessibilité inconnue"


def mode_bit(mode: str) -> int:
    """Return the bit of a hub mode in :attr:`LayerColumns.modes` (its rank in ``HUB_MODES``)."""
    return 1 << HUB_MODES.index(mode)


@dataclass(frozen=True, eq=False)
class LayerColumns:
    """One row per asset of one layer, in the layer's order; read-only arrays.

    ``power_kw`` is the nominal power (NaN off the charging points), ``free`` tells a point is
    known free of charge (``gratuit`` true), ``pmr`` that it is accessible to wheelchair users,
    ``kind`` the parking kind's rank in :data:`PARKING_KINDS` (:data:`NO_KIND` off parking) and
    ``modes`` the hub's modes as bits (:func:`mode_bit`, 0 off hubs).
    """

    layer: Layer
    power_kw: FloatArray
    free: BoolArray
    pmr: BoolArray
    kind: CodeArray
    modes: MaskArray

    def __len__(self) -> int:
        """Return the number of assets."""
        return len(self.power_kw)

    @classmethod
    def of_properties(cls, layer: Layer, properties: Sequence[Mapping[str, Any]]) -> LayerColumns:
        """Return the columns of stored properties (the JSON of validated attributes)."""
        size = len(properties)
        power_kw = np.full(size, np.nan)
        free = np.zeros(size, dtype=bool)
        pmr = np.zeros(size, dtype=bool)
        kind = np.full(size, NO_KIND, dtype=np.int8)
        modes = np.zeros(size, dtype=np.uint8)
        if layer is Layer.CHARGING_POINTS:
            for row, values in enumerate(properties):
                power_kw[row] = float(values["puissance_nominale"])
                free[row] = values.get("gratuit") is True
                pmr[row] = values.get("accessibilite_pmr", UNKNOWN_PMR) in PMR_FRIENDLY
        elif layer is Layer.PARKING:
            for row, values in enumerate(properties):
                kind[row] = PARKING_KINDS.index(values["kind"])
        else:
            for row, values in enumerate(properties):
                modes[row] = _mode_bits(values["modes"])
        return cls._frozen(layer, power_kw, free, pmr, kind, modes)

    @classmethod
    def of_attributes(cls, layer: Layer, attributes: Sequence[AssetAttributes]) -> LayerColumns:
        """Return the columns of validated attributes (any layer's, planned points included)."""
        size = len(attributes)
        power_kw = np.full(size, np.nan)
        free = np.zeros(size, dtype=bool)
        pmr = np.zeros(size, dtype=bool)
        kind = np.full(size, NO_KIND, dtype=np.int8)
        modes = np.zeros(size, dtype=np.uint8)
        for row, values in enumerate(attributes):
            if isinstance(values, ChargingPointBase):
                power_kw[row] = values.puissance_nominale
                free[row] = values.gratuit is True
                pmr[row] = values.accessibilite_pmr in PMR_FRIENDLY
            elif isinstance(values, Parking):
                kind[row] = PARKING_KINDS.index(values.kind)
            elif isinstance(values, Hub):
                modes[row] = _mode_bits(values.modes)
        return cls._frozen(layer, power_kw, free, pmr, kind, modes)

    @classmethod
    def _frozen(
        cls,
        layer: Layer,
        power_kw: FloatArray,
        free: BoolArray,
        pmr: BoolArray,
        kind: CodeArray,
        modes: MaskArray,
    ) -> LayerColumns:
        for array in (power_kw, free, pmr, kind, modes):
            array.flags.writeable = False  # shared by every request of the revision
        return cls(layer=layer, power_kw=power_kw, free=free, pmr=pmr, kind=kind, modes=modes)


def _mode_bits(modes: Sequence[str]) -> int:
    bits = 0
    for mode in modes:
        bits |= mode_bit(mode)
    return bits
