# SPDX-License-Identifier: MIT
"""Poverty within reach: the poor households and the living standards of the covered.

Where the population comes from INSEE's Filosofi grid, each demand point carries its square's
poor households (``men_pauv``) and sum of living standards (``ind_snv``) in the proportion of the
square's individuals it stands for (:func:`mobility.demand.spread_population`, ``carried``).
Coverage then tells how many poor households live within reach, their share, and the mean
standard of living of the inhabitants within reach and of those beyond it: whether the service
reaches the poorer streets or the richer ones. A source without these counts (IRIS, a city's
own zones) gives none, and the answer says so rather than reporting zeros.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
POOR = "poor_households"
LIVING = "living_standard_sum"

METHOD = (
    "each 200 m square's poor households (men_pauv, households below 60 % of the median "
    "standard of living) and sum of living standards (ind_snv, euros a year per consumption "
    "unit) are shared among its demand points in proportion to the individuals each stands for, "
    "cut at the boundary by area as the individuals are; the mean standard of living of a group "
    "is its sum of living standards divided by its individuals"
)


@dataclass(frozen=True)
class PovertyPoints:
    """What the demand points carry: poor households and sums of living standards (or None)."""

    poor_households: FloatArray | None
    living_standard_sum: FloatArray | None

    @classmethod
    def of(cls, columns: Any, count: int) -> PovertyPoints:
        """Read the carried columns of demand points (a frame or a mapping), None when absent."""

        def column(name: str) -> FloatArray | None:
            if columns is None or name not in columns:
                return None
            values = np.asarray(columns[name], dtype=np.float64)
            return values if len(values) == count else None

        return cls(column(POOR), column(LIVING))

    @property
    def available(self) -> bool:
        """Tell whether the population source carries any poverty figure."""
        return self.poor_households is not None or self.living_standard_sum is not None


def absent_reason(source: str | None) -> str:
    """Say why no poverty figure is given, and which source gives them."""
    named = f" ({source})" if source else ""
    return (
        f"the commune's population source{named} gives no poor households (men_pauv) nor "
        "living standards (ind_snv): import INSEE's Filosofi 200 m grid as its population "
        "(mobility commune import --population filosofi_200m.csv) to have them"
    )


def poverty_figures(
    points: PovertyPoints, population: FloatArray, covered: npt.NDArray[np.bool_]
) -> dict[str, Any] | None:
    """Return the poverty figures of a coverage result, or None without the counts.

    ``poor_households_share_covered`` is None when the commune counts no poor household; a mean
    standard of living is None for a group of nobody.
    """
    if not points.available:
        return None
    figures: dict[str, Any] = {
        "poor_households": None,
        "poor_households_covered": None,
        "poor_households_share_covered": None,
        "living_standard_covered_eur": None,
        "living_standard_uncovered_eur": None,
        "method": METHOD,
    }
    poor = points.poor_households
    if poor is not None:
        total = float(poor.sum())
        within = float(poor[covered].sum())
        figures["poor_households"] = round(total, 1)
        figures["poor_households_covered"] = round(within, 1)
        figures["poor_households_share_covered"] = round(within / total, 4) if total > 0 else None
    living = points.living_standard_sum
    if living is not None:
        figures["living_standard_covered_eur"] = _mean(living, population, covered)
        figures["living_standard_uncovered_eur"] = _mean(living, population, ~covered)
    return figures


def _mean(living: FloatArray, population: FloatArray, group: npt.NDArray[np.bool_]) -> float | None:
    people = float(population[group].sum())
    return round(float(living[group].sum()) / people, 0) if people > 0 else None
