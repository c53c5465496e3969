# SPDX-License-Identifier: MIT
"""OpenStreetMap highway classes turned into walk/drive rules and one-way flags.

Every reader hands raw tag strings to this module so that one table decides who may use a street,
whatever the file format. The rules follow the French Code de la route where OSM leaves a choice:

Drive
    ``highway`` is a road class cars may use (motorway, trunk, primary, secondary, tertiary and
    their ``_link``, unclassified, residential, living_street, service, road) and the most specific
    access tag among ``motorcar`` > ``motor_vehicle`` > ``vehicle`` > ``access`` does not close
    the street (no, private, agricultural, forestry, delivery, military, emergency, psv, bus).
    ``track`` is not drivable (forest and farm tracks are closed to traffic in practice), nor is
    an ``area=yes`` polygon (a parking lot outline is not a street). Service parking aisles stay
    drivable because the planner needs to reach car parks and their chargers.
Walk
    any ``highway`` except motorways, works (construction, proposed, planned, abandoned, razed,
    disused), bus-only ways (bus_guideway, busway), raceway and escape lanes; the most specific of
    ``foot`` > ``access`` must not be no, private or use_sidepath. ``trunk`` and ``trunk_link`` stay
    walkable: in France the class is given to many ordinary national roads that have sidewalks,
    whereas the roads pedestrians may not use carry the « route pour automobiles » sign (C107),
    which OSM maps as ``motorroad=yes`` -- that tag, not the class, excludes pedestrians.

A simplified graph (OSMnx) may merge several ways into one edge and store list-like values such as
``"['footway', 'service']"``: a mode may use such an edge only when every merged class allows it,
since travelling the edge means travelling all of its parts.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from functools import lru_cache
from typing import Literal

Tags = Mapping[str, str]

DRIVE_CLASSES = frozenset(
    {
        "motorway",
        "motorway_link",
        "trunk",
        "trunk_link",
        "primary",
        "primary_link",
        "secondary",
        "secondary_link",
        "tertiary",
        "tertiary_link",
        "unclassified",
        "residential",
        "living_street",
        "service",
        "road",
    }
)
WALK_EXCLUDED_CLASSES = frozenset(
    {
        "motorway",
        "motorway_link",
        "construction",
        "proposed",
        "planned",
        "abandoned",
        "razed",
        "disused",
        "bus_guideway",
        "busway",
        "raceway",
        "escape",
        "no",
    }
)
# Highway values that are not ways at all and are skipped by the readers.
NOT_A_STREET = frozenset({"construction", "proposed", "planned", "abandoned", "razed", "disused"})
MOTOR_ACCESS_KEYS = ("motorcar", "motor_vehicle", "vehicle", "access")
FOOT_ACCESS_KEYS = ("foot", "access")
MOTOR_BLOCKED = frozenset(
    {"no", "private", "agricultural", "forestry", "delivery", "military", "emergency", "psv", "bus"}
)
FOOT_BLOCKED = frozenset({"no", "private", "use_sidepath"})

_EMPTY = frozenset({"", "none", "nan", "null"})
_MAX_LIST_TEXT = 2000  # longer "[...]" values are not evaluated, they are not tag lists
_YES = frozenset({"yes", "true", "1"})
_REVERSE = frozenset({"-1", "reverse"})


def split_values(raw: object) -> list[str]:
    """Split a tag value into its parts, because sources store several values in one string.

    Parameters
    ----------
    raw
        ``None``, a plain value, a ``;``-separated OSM list, a Python-style list written by OSMnx
        (``"['a', 'b']"``) or an actual list.

    Returns
    -------
    list of str
        The stripped, non-empty parts in source order; empty for ``None`` or "None"/"nan".
    """
    if raw is None:
        return []
    if isinstance(raw, list | tuple):
        return [part for item in raw for part in split_values(item)]
    return list(_split_text(str(raw)))


@lru_cache(maxsize=4096)
def _split_text(text: str) -> tuple[str, ...]:
    # Cached: a street file repeats the same few hundred tag values thousands of times.
    text = text.strip()
    if text.startswith("[") and text.endswith("]") and len(text) <= _MAX_LIST_TEXT:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            parsed = text[1:-1].split(",")
        if isinstance(parsed, list | tuple):
            return tuple(part for item in parsed for part in split_values(item))
    parts = (_unquote(part.strip()) for part in text.split(";"))
    return tuple(part for part in parts if part.lower() not in _EMPTY)


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1].strip()
    return text


def first_value(raw: object) -> str | None:
    """Return the first part of a possibly list-like tag value, or ``None`` when empty."""
    parts = split_values(raw)
    return parts[0] if parts else None


def parse_oneway(raw: object) -> bool:
    """Read a stored one-way flag ("True", "yes", "1", "-1", lists), so every source gives a bool.

    Notes
    -----
    ``reversible``/``alternating`` streets change direction over the day; like OSMnx they count as
    two-way. In a list (merged edge) any one-way part makes the edge one-way.
    """
    if isinstance(raw, str):
        return _oneway_text(raw)
    return any(part.lower() in _YES or part.lower() in _REVERSE for part in split_values(raw))


@lru_cache(maxsize=256)
def _oneway_text(text: str) -> bool:
    return any(part.lower() in _YES or part.lower() in _REVERSE for part in _split_text(text))


def oneway_direction(tags: Tags) -> Literal[-1, 0, 1]:
    """Tell how an OSM way may be travelled by cars relative to its node order.

    Returns
    -------
    {1, 0, -1}
        1 one-way along the way, -1 one-way against it (``oneway=-1``), 0 two-way. Roundabouts
        (``junction=roundabout|circular``) and motorways are one-way unless tagged ``oneway=no``,
        as the OSM wiki defines them.
    """
    value = (tags.get("oneway") or "").strip().lower()
    if value in _YES:
        return 1
    if value in _REVERSE:
        return -1
    if value:
        return 0
    implied = (
        tags.get("junction") in {"roundabout", "circular"} or tags.get("highway") == "motorway"
    )
    return 1 if implied else 0


def _effective_access(tags: Tags, keys: tuple[str, ...]) -> list[str]:
    for key in keys:
        values = [value.lower() for value in split_values(tags.get(key))]
        if values:
            return values
    return []


_RULE_KEYS = ("highway", "area", "motorroad", *MOTOR_ACCESS_KEYS, "foot")


def classify_modes(tags: Tags) -> tuple[bool, bool]:
    """Return ``(walk, drive)`` for a way or edge, cached on the few tags the rules read."""
    return _classify_cached(tuple(tags.get(key) for key in _RULE_KEYS))


@lru_cache(maxsize=4096)
def _classify_cached(values: tuple[str | None, ...]) -> tuple[bool, bool]:
    tags = {key: value for key, value in zip(_RULE_KEYS, values, strict=True) if value is not None}
    return is_walkable(tags), is_drivable(tags)


def is_drivable(tags: Tags) -> bool:
    """Tell whether cars may use a way or edge (see the module notes for the rule and why)."""
    classes = split_values(tags.get("highway"))
    if not classes or not all(value in DRIVE_CLASSES for value in classes):
        return False
    if (tags.get("area") or "").lower() == "yes":
        return False
    return not any(value in MOTOR_BLOCKED for value in _effective_access(tags, MOTOR_ACCESS_KEYS))


def is_walkable(tags: Tags) -> bool:
    """Tell whether pedestrians may use a way or edge (the module notes give the rule and why)."""
    classes = split_values(tags.get("highway"))
    if not classes or any(value in WALK_EXCLUDED_CLASSES for value in classes):
        return False
    if (tags.get("motorroad") or "").lower() == "yes":
        return False
    return not any(value in FOOT_BLOCKED for value in _effective_access(tags, FOOT_ACCESS_KEYS))
