# SPDX-License-Identifier: MIT
"""Speeds on streets: parse posted limits and assume French defaults where none is posted.

Travel times drive every accessibility figure the planner shows, so the assumptions live in one
documented table rather than in the routers.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from types import MappingProxyType

from mobility.network.classes import split_values

WALK_SPEED_KMH = 4.8
"""Walking pace used for every walk edge (a common planning figure, about 1.33 m/s)."""

CLASSLESS_SPEED_KMH = 30.0
"""Car speed on a source without classes: most French city centres are « ville 30 » now."""

UNKNOWN_CLASS_SPEED_KMH = 30.0
"""Car speed for a drivable edge whose class is missing from :data:`DEFAULT_SPEED_KMH`."""

DEFAULT_SPEED_KMH: Mapping[str, float] = MappingProxyType(
    {
        # Urban defaults: the planner works at commune scale, so most untagged edges lie inside an
        # agglomeration where the legal limit is 50 km/h (R413-3); fast roads keep their own.
        "motorway": 110.0,
        "motorway_link": 60.0,
        "trunk": 90.0,
        "trunk_link": 50.0,
        "primary": 50.0,
        "primary_link": 40.0,
        "secondary": 50.0,
        "secondary_link": 40.0,
        "tertiary": 50.0,
        "tertiary_link": 40.0,
        "unclassified": 50.0,
        "road": 30.0,
        "residential": 30.0,
        "living_street": 20.0,
        "service": 20.0,
    }
)

# Implicit limits written as "FR:urban" etc. (maxspeed, maxspeed:type, zone:maxspeed).
IMPLICIT_SPEED_KMH: Mapping[str, float] = MappingProxyType(
    {
        "urban": 50.0,
        "rural": 80.0,
        "trunk": 110.0,
        "motorway": 130.0,
        "living_street": 20.0,
        "walk": 6.0,
    }
)
_NUMBER = re.compile(r"^(\d+(?:[.,]\d+)?)\s*(km/h|kmh|kph|mph|knots)?$")
_ZONE = re.compile(r"^zone:?(\d+)$")
_UNIT_FACTOR = {"mph": 1.609344, "knots": 1.852}


def parse_maxspeed(raw: object) -> float | None:
    """Read an OSM ``maxspeed`` value in km/h, since sources mix numbers, units and zone codes.

    Parameters
    ----------
    raw
        e.g. ``"50"``, ``"30 mph"``, ``"FR:urban"``, ``"FR:zone30"``, ``"[30, 50]"``, ``"30;50"``.

    Returns
    -------
    float or None
        The limit in km/h; for several values the smallest (the binding one on the edge); ``None``
        when no part is understood ("none", "signals", "variable", garbage).
    """
    speeds = [speed for part in split_values(raw) if (speed := _parse_one_speed(part)) is not None]
    return min(speeds) if speeds else None


def _parse_one_speed(part: str) -> float | None:
    text = part.strip().lower()
    if ":" in text and not text.startswith("zone"):
        text = text.split(":", 1)[1]
    implicit = IMPLICIT_SPEED_KMH.get(text)
    if implicit is not None:
        return implicit
    zone = _ZONE.match(text)
    if zone:
        return float(zone.group(1))
    number = _NUMBER.match(text)
    if not number:
        return None
    value = float(number.group(1).replace(",", "."))
    value *= _UNIT_FACTOR.get(number.group(2) or "", 1.0)
    return value if 0.0 < value <= 300.0 and math.isfinite(value) else None


def default_speed_kmh(highway: str | None, *, has_classes: bool = True) -> float:
    """Return the car speed assumed when an edge has no usable ``maxspeed``.

    Parameters
    ----------
    highway
        The edge's (first) class, or ``None``.
    has_classes
        False for a source without classes, which gets :data:`CLASSLESS_SPEED_KMH` everywhere.
    """
    if not has_classes or highway is None:
        return CLASSLESS_SPEED_KMH
    return DEFAULT_SPEED_KMH.get(highway, UNKNOWN_CLASS_SPEED_KMH)
