# SPDX-License-Identifier: MIT
from __future__ import annotations

import pytest

from mobility.network.classes import (
    first_value,
    is_drivable,
    is_walkable,
    oneway_direction,
    parse_oneway,
    split_values,
)
from mobility.network.speeds import (
    CLASSLESS_SPEED_KMH,
    DEFAULT_SPEED_KMH,
    default_speed_kmh,
    parse_maxspeed,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("50", 50.0),
        (" 30 ", 30.0),
        ("30 mph", pytest.approx(48.28, abs=0.01)),
        ("50 km/h", 50.0),
        ("FR:urban", 50.0),
        ("FR:rural", 80.0),
        ("FR:zone30", 30.0),
        ("FR:zone20", 20.0),
        ("FR:motorway", 130.0),
        ("FR:living_street", 20.0),
        ("[30, 50]", 30.0),
        ("['70', '45']", 45.0),
        ("30;50", 30.0),
        (["90", "70"], 70.0),
        ("none", None),
        ("signals", None),
        ("variable", None),
        ("", None),
        (None, None),
        ("0", None),
        ("fast", None),
    ],
)
def test_parse_maxspeed(raw: object, expected: float | None) -> None:
    assert parse_maxspeed(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("True", True),
        ("False", False),
        ("yes", True),
        ("no", False),
        ("1", True),
        ("-1", True),
        ("reversible", False),
        ("[False, True]", True),
        (None, False),
        (True, True),
    ],
)
def test_parse_oneway(raw: object, expected: bool) -> None:
    assert parse_oneway(raw) is expected


@pytest.mark.parametrize(
    ("tags", "expected"),
    [
        ({"oneway": "yes"}, 1),
        ({"oneway": "-1"}, -1),
        ({"oneway": "no", "junction": "roundabout"}, 0),
        ({"junction": "roundabout"}, 1),
        ({"highway": "motorway"}, 1),
        ({"highway": "residential"}, 0),
    ],
)
def test_oneway_direction(tags: dict[str, str], expected: int) -> None:
    assert oneway_direction(tags) == expected


def test_split_values_reads_osmnx_lists_and_osm_lists() -> None:
    assert split_values("['residential', 'tertiary']") == ["residential", "tertiary"]
    assert split_values("[30, 50]") == ["30", "50"]
    assert split_values("a;b") == ["a", "b"]
    assert split_values("None") == []
    assert split_values("Rue de l'Église") == ["Rue de l'Église"]
    assert first_value("['Rue A', 'Rue B']") == "Rue A"
    assert first_value(None) is None


@pytest.mark.parametrize(
    ("tags", "walk", "drive"),
    [
        ({"highway": "residential"}, True, True),
        ({"highway": "footway"}, True, False),
        ({"highway": "pedestrian"}, True, False),
        ({"highway": "steps"}, True, False),
        ({"highway": "cycleway"}, True, False),
        ({"highway": "track"}, True, False),
        ({"highway": "motorway"}, False, True),
        ({"highway": "motorway_link"}, False, True),
        ({"highway": "trunk"}, True, True),
        ({"highway": "trunk", "motorroad": "yes"}, False, True),
        ({"highway": "construction"}, False, False),
        ({"highway": "proposed"}, False, False),
        ({"highway": "bus_guideway"}, False, False),
        ({"highway": "raceway"}, False, False),
        ({"highway": "primary", "foot": "no"}, False, True),
        ({"highway": "service", "access": "private"}, False, False),
        ({"highway": "service", "access": "no", "foot": "yes"}, True, False),
        ({"highway": "residential", "access": "no", "motor_vehicle": "yes"}, False, True),
        ({"highway": "residential", "motor_vehicle": "no"}, True, False),
        ({"highway": "residential", "motorcar": "no"}, True, False),
        ({"highway": "residential", "access": "destination"}, True, True),
        ({"highway": "service", "area": "yes"}, True, False),
        ({"highway": "['footway', 'steps']"}, True, False),
        ({"highway": "['footway', 'service']"}, True, False),
        ({"highway": "['residential', 'tertiary']"}, True, True),
        ({"highway": "['residential', 'motorway']"}, False, True),
        ({}, False, False),
    ],
)
def test_walk_and_drive_rules(tags: dict[str, str], walk: bool, drive: bool) -> None:
    assert is_walkable(tags) is walk
    assert is_drivable(tags) is drive


def test_default_speeds() -> None:
    assert default_speed_kmh("residential") == DEFAULT_SPEED_KMH["residential"] == 30.0
    assert default_speed_kmh("primary") == 50.0
    assert default_speed_kmh("living_street") == 20.0
    assert default_speed_kmh("motorway") == 110.0
    assert default_speed_kmh(None) == CLASSLESS_SPEED_KMH
    assert default_speed_kmh("primary", has_classes=False) == CLASSLESS_SPEED_KMH == 30.0
