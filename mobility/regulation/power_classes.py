# SPDX-License-Identifier: MIT
"""The four power classes of the SDIRVE diagnostic, from a charging point's nominal power.

The SDIRVE Table Schema (etalab/schema-sdirve v0.1.0) counts points by unit power in kVA:
class 1 ≤ 7.4 kVA, class 2 > 7.4 and ≤ 22 kVA, class 3 > 22 and < 150 kVA, class 4 ≥ 150 kVA.
IRVE statique gives ``puissance_nominale`` in kW. A charging point's apparent power (kVA) and
its active power (kW) differ by the power factor, which chargers hold close to 1 and which no
open file states: the nominal power in kW is therefore taken as the power in kVA, and the class
boundaries are applied to it as they are written (7.4 kW is class 1, 22 kW class 2, 150 kW
class 4).
"""

from __future__ import annotations

from enum import IntEnum

CLASS_1_MAX_KVA = 7.4
CLASS_2_MAX_KVA = 22.0
CLASS_4_MIN_KVA = 150.0

POWER_UNIT_ASSUMPTION = (
    "puissance_nominale (kW) is taken as the unit power in kVA (power factor taken as 1, which "
    "no open file states); class boundaries as the SDIRVE schema writes them: class 1 <= 7.4, "
    "class 2 > 7.4 and <= 22, class 3 > 22 and < 150, class 4 >= 150"
)


class PowerClass(IntEnum):
    """An SDIRVE power class (``intervalle_1`` to ``intervalle_4``)."""

    UP_TO_7_4 = 1
    UP_TO_22 = 2
    UP_TO_150 = 3
    FROM_150 = 4

    @property
    def suffix(self) -> str:
        """Return the schema's field suffix, e.g. ``intervalle_2``."""
        return f"intervalle_{self.value}"

    @property
    def label(self) -> str:
        """Return the class bounds as the schema states them."""
        return CLASS_LABELS[self]


CLASS_LABELS: dict[PowerClass, str] = {
    PowerClass.UP_TO_7_4: "<= 7.4 kVA",
    PowerClass.UP_TO_22: "> 7.4 and <= 22 kVA",
    PowerClass.UP_TO_150: "> 22 and < 150 kVA",
    PowerClass.FROM_150: ">= 150 kVA",
}

POWER_CLASSES: tuple[PowerClass, ...] = tuple(PowerClass)


def power_class(power_kw: float) -> PowerClass:
    """Return the SDIRVE class of a unit power (kW taken as kVA, see the module docstring).

    Raises
    ------
    ValueError
        When the power is not a positive finite number.
    """
    if not power_kw > 0 or power_kw == float("inf"):
        raise ValueError(f"a charging point's power must be positive and finite, not {power_kw}")
    if power_kw <= CLASS_1_MAX_KVA:
        return PowerClass.UP_TO_7_4
    if power_kw <= CLASS_2_MAX_KVA:
        return PowerClass.UP_TO_22
    if power_kw < CLASS_4_MIN_KVA:
        return PowerClass.UP_TO_150
    return PowerClass.FROM_150


def empty_counts() -> dict[PowerClass, int]:
    """Return a zero count for every class, in class order."""
    return dict.fromkeys(POWER_CLASSES, 0)
