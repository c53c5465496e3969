# SPDX-License-Identifier: MIT
"""The one rule of "inside": a commune's boundary, and its boundary plus the margin in metres."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import Point, shape

from mobility.commune import CommuneInputs, SourceFile, build_commune
from mobility.errors import InvalidInputError
from mobility.features import CommuneLocator
from mobility.places import MAX_MARGIN_M, Place, margin_problems, surroundings_outline
from tests.support import builders

# an independent projection, built here rather than taken from mobility.geo
_TO_L93 = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)


def _metres_from_boundary(boundary: dict[str, object], lon: float, lat: float) -> float:
    """Distance in Lambert-93 metres from a point to a lon/lat outline (0 inside)."""
    outline = shapely.transform(shape(boundary), _TO_L93.transform, interleaved=False)
    return float(outline.distance(Point(_TO_L93.transform(lon, lat))))


def test_without_a_margin_the_surroundings_are_the_boundary() -> None:
    boundary = builders.square(builders.SQUARE_75110)
    assert surroundings_outline(boundary, None).equals(shape(boundary))
    assert surroundings_outline(boundary, 0).equals(shape(boundary))
    place = Place(boundary, None)
    assert place.margin_m is None
    assert place.bbox_of_surroundings == place.bbox_of_commune == builders.SQUARE_75110


def test_points_on_the_line_count_as_inside() -> None:
    west, south, east, north = builders.SQUARE_75110
    place = Place(builders.square(builders.SQUARE_75110), None)
    lons = [west, east, (west + east) / 2, west - 1e-7, east + 1e-7]
    lats = [south, (south + north) / 2, north, (south + north) / 2, south]
    assert place.inside_commune(lons, lats).tolist() == [True, True, True, False, False]
    assert place.inside_surroundings(lons, lats).tolist() == [True, True, True, False, False]
    assert place.inside_commune([], []).shape == (0,)


@settings(max_examples=300, deadline=None)
@given(
    lon=st.floats(2.33, 2.385),
    lat=st.floats(48.85, 48.90),
    margin_m=st.sampled_from([150.0, 800.0, 2000.0]),
)
def test_the_surroundings_hold_exactly_the_points_within_the_margin(
    lon: float, lat: float, margin_m: float
) -> None:
    boundary = builders.square(builders.SQUARE_75110)
    metres = _metres_from_boundary(boundary, lon, lat)
    # the buffer draws its round corners with straight pieces: stay 1 % away from the line
    assume(abs(metres - margin_m) > 0.01 * margin_m)
    place = Place(boundary, margin_m)
    assert bool(place.inside_surroundings([lon], [lat])[0]) == (metres <= margin_m)
    assert bool(place.inside_commune([lon], [lat])[0]) == (metres == 0.0)


def test_the_surroundings_box_reaches_the_margin_in_metres() -> None:
    place = Place(builders.square(builders.SQUARE_75110), 1000.0)
    west, south, east, north = place.bbox_of_surroundings
    c_west, c_south, c_east, c_north = place.bbox_of_commune
    # 1 km is about 0.0090 degrees of latitude and 0.0137 degrees of longitude at 48.87 N
    assert north - c_north == pytest.approx(1000 / 111_200, rel=0.02)
    assert c_west - west == pytest.approx(1000 / (111_320 * math.cos(math.radians(48.876))), 0.02)
    assert south < c_south and east > c_east


@pytest.mark.parametrize("margin_m", [-1.0, MAX_MARGIN_M + 1, 50_000.0, math.nan, math.inf])
def test_a_margin_out_of_range_names_the_field(margin_m: float) -> None:
    problems = margin_problems(margin_m)
    assert [problem.field for problem in problems] == ["margin_m"]
    assert "between 0 and 10,000 metres" in problems[0].message


@pytest.mark.parametrize("margin_m", [None, 0.0, 1.0, 2000, MAX_MARGIN_M])
def test_a_margin_in_range_is_accepted(margin_m: float | None) -> None:
    assert margin_problems(margin_m) == []


@pytest.mark.parametrize("margin_m", [-1.0, 50_000.0])
def test_building_a_commune_refuses_a_margin_out_of_range(margin_m: float) -> None:
    inputs = CommuneInputs(
        code="75110",
        name="Paris 10e",
        boundary=SourceFile("boundary", "b.geojson", b"{}"),
        streets=SourceFile("streets", "s.graphml", b"<graphml/>"),
        margin_m=margin_m,
    )
    with pytest.raises(InvalidInputError) as raised:
        build_commune(inputs)
    assert [problem.field for problem in raised.value.problems] == ["margin_m"]


def test_the_locator_uses_the_same_rule_and_prefers_the_smaller_commune() -> None:
    inner = builders.commune_record("75110", builders.SQUARE_75110)
    outer = builders.commune_record("75056", (2.30, 48.84, 2.41, 48.90))
    locator = CommuneLocator([outer, inner])
    west, south, _, _ = builders.SQUARE_75110
    assert locator.locate(west, south) == "75110"  # on the corner: inside both, the 10e is smaller
    assert locator.locate(2.31, 48.85) == "75056"
    assert locator.locate(2.0, 48.0) is None
    assert locator.contains("75110", west, south) and locator.contains("75056", west, south)
    rng = np.random.default_rng(7)
    lons, lats = rng.uniform(2.33, 2.39, 200), rng.uniform(48.86, 48.89, 200)
    place = Place.of(inner)
    assert [locator.contains("75110", x, y) for x, y in zip(lons, lats, strict=True)] == (
        place.inside_commune(lons, lats).tolist()
    )
