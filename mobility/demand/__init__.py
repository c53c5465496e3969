# SPDX-License-Identifier: MIT
"""Demand points: population zones turned into weighted points where people live.

Population counts come per zone (an INSEE IRIS, a census block). Coverage analyses need them as
points on the street network, so :func:`spread_population` spreads each zone's population onto
points along the streets inside the zone (in proportion to street length) or, where building
footprints are given, onto the buildings (in proportion to footprint area × levels). The result
carries a :class:`DemandMethod` that states the method and its inputs in plain words, so every
analysis response can say where its demand figures come from and whom they count. Given the
commune's outline, zones are first kept to it (:func:`clip_zones`): homes lie only inside the
commune, and the share of a straddling zone's population lying outside is left out.
"""

from mobility.demand._clip import AREA_TOLERANCE, ZonesClip, clip_zones
from mobility.demand._model import DemandMethod, DemandPoints, PointSource, Weighting
from mobility.demand._read import read_zones
from mobility.demand._spread import parse_levels, spread_population

__all__ = [
    "AREA_TOLERANCE",
    "DemandMethod",
    "DemandPoints",
    "PointSource",
    "Weighting",
    "ZonesClip",
    "clip_zones",
    "parse_levels",
    "read_zones",
    "spread_population",
]
