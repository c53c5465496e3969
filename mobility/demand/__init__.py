# SPDX-License-Identifier: MIT
"""Demand points: population zones turned into weighted points where people live.

Population counts come per zone (an INSEE IRIS, a census block). Coverage analyses need them as
points on the street network, so :func:`spread_population` spreads each zone's population onto
points along the streets inside the zone (in proportion to street length) or, where building
footprints are given, onto the buildings (in proportion to footprint area × levels). The result
carries a :class:`DemandMethod` that states the method and its inputs in plain words, so every
analysis response can say where its demand figures come from.
"""

from mobility.demand._model import DemandMethod, DemandPoints, PointSource, Weighting
from mobility.demand._read import read_zones
from mobility.demand._spread import parse_levels, spread_population

__all__ = [
    "DemandMethod",
    "DemandPoints",
    "PointSource",
    "Weighting",
    "parse_levels",
    "read_zones",
    "spread_population",
]
