# SPDX-License-Identifier: MIT
"""Homes only inside the commune: zones cut at the boundary, population shared by area."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, box

from mobility.commune import read_commune_zones
from mobility.demand import AREA_TOLERANCE, clip_zones, read_zones, spread_population
from mobility.errors import InvalidInputError
from mobility.geo import METRIC_CRS, WIRE_CRS, wire_transformer
from tests.support.paths import IDF_CONTEXT, PARIS

POP = "C11_POP15P"
X0, Y0 = 652_000.0, 6_862_000.0  # a Lambert-93 origin inside Paris


def _wire(geometry: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(
        geometry, lambda xy: np.column_stack(wire_transformer().transform(*xy.T))
    )


def _metric_frame(
    rows: dict[str, list[object]], rects: list[tuple[float, ...]]
) -> gpd.GeoDataFrame:
    """Zones given as rectangles in metres from the origin, in Lambert-93."""
    geoms = [box(X0 + x0, Y0 + y0, X0 + x1, Y0 + y1) for x0, y0, x1, y1 in rects]
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=METRIC_CRS)


def _grid_streets(size_m: float, step_m: float) -> gpd.GeoDataFrame:
    """A street every ``step_m`` metres across a square of ``size_m`` from the origin, lon/lat."""
    lines = []
    for offset in np.arange(0.0, size_m + 1e-9, step_m):
        lines.append(LineString([(X0 + offset, Y0), (X0 + offset, Y0 + size_m)]))
        lines.append(LineString([(X0, Y0 + offset), (X0 + size_m, Y0 + offset)]))
    return gpd.GeoDataFrame(geometry=[_wire(line) for line in lines], crs=WIRE_CRS)


def test_a_geopackage_zone_straddling_the_boundary_keeps_only_its_share_inside(
    tmp_path: Path,
) -> None:
    """Commune: x 0-600 m. Zone a inside, b half inside (300-900 m), c outside."""
    zones_l93 = _metric_frame(
        {"zone": ["a", "b", "c"], "pop": [100, 60, 50]},
        [(0, 0, 300, 600), (300, 0, 900, 600), (900, 0, 1200, 600)],
    )
    pyogrio.write_dataframe(zones_l93, tmp_path / "zones.gpkg", driver="GPKG")
    zones = read_zones((tmp_path / "zones.gpkg").read_bytes(), population_field="pop")
    assert zones.crs == WIRE_CRS
    outline = _wire(box(X0, Y0, X0 + 600, Y0 + 600))

    demand = spread_population(
        zones,
        population_field="pop",
        zone_id_field="zone",
        streets=_grid_streets(1200, 100),
        outline=outline,
    )

    # b's area inside is 300 × 600 of 600 × 600: half of its 60 inhabitants.
    by_zone = demand.points.groupby("zone")["population"].sum().to_dict()
    assert by_zone == pytest.approx({"a": 100.0, "b": 30.0})
    assert demand.total_population == pytest.approx(130.0)
    assert bool(demand.points.geometry.within(outline.buffer(1e-9)).all())
    clip = demand.method.boundary_clip
    assert clip is not None
    assert (clip.zones_read, clip.zones_inside, clip.zones_outside) == (3, 1, 1)
    assert clip.zones_straddling == ("b",)
    assert clip.population_outside == pytest.approx(30.0)
    assert demand.method.total_population == pytest.approx(130.0)
    assert "30.0 inhabitants lying outside it by area are left out" in demand.method.description
    assert demand.method.to_dict()["boundary_clip"]["zones_straddling"] == ["b"]


def test_no_zone_in_the_commune_is_refused_naming_the_population() -> None:
    zones = _metric_frame({"pop": [5]}, [(0, 0, 100, 100)]).to_crs(WIRE_CRS)
    far = _wire(box(X0 + 5_000, Y0, X0 + 6_000, Y0 + 1_000))
    with pytest.raises(InvalidInputError) as caught:
        clip_zones(zones, far, population_field="pop")
    assert caught.value.problems[0].field == "population"


def test_the_regional_iris_file_gives_the_10e_exactly_its_own_zones() -> None:
    """The 10e's boundary is its IRIS dissolved: its 42 zones whole, the neighbours out."""
    boundary = gpd.read_file(PARIS / "boundary_75110.geojson").geometry.iloc[0]
    regional = (IDF_CONTEXT / "paris_iris_2013_pop15p_2011.geojson.gz").read_bytes()
    zones = read_commune_zones(
        regional,
        dict(shapely.geometry.mapping(boundary)),
        population_field=POP,
        zone_id_field="DCOMIRIS",
    )
    assert len(zones) == 42
    assert set(zones["DEPCOM"]) == {"75110"}
    assert float(zones[POP].sum()) == pytest.approx(79_550)


@settings(max_examples=40, deadline=None)
@given(
    rects=st.lists(
        st.tuples(
            st.integers(0, 900), st.integers(0, 900), st.integers(20, 600), st.integers(20, 600)
        ),
        min_size=1,
        max_size=6,
    ),
    populations=st.lists(st.integers(0, 5_000), min_size=6, max_size=6),
    commune=st.tuples(st.integers(0, 500), st.integers(0, 500), st.integers(100, 900)),
)
def test_kept_population_is_each_zones_share_of_area_inside(
    rects: list[tuple[int, int, int, int]],
    populations: list[int],
    commune: tuple[int, int, int],
) -> None:
    """Against rectangle arithmetic: kept = Σ population × overlap / area, by the tolerance rule."""
    cx, cy, side = commune
    boxes = [(x, y, x + w, y + h) for x, y, w, h in rects]
    pops = populations[: len(boxes)]
    expected_kept, expected_out, expected_zones = 0.0, 0.0, 0
    for (x0, y0, x1, y1), population in zip(boxes, pops, strict=True):
        overlap = max(0, min(x1, cx + side) - max(x0, cx)) * max(
            0, min(y1, cy + side) - max(y0, cy)
        )
        share = overlap / ((x1 - x0) * (y1 - y0))
        if share >= 1 - AREA_TOLERANCE:
            expected_kept += population
            expected_zones += 1
        elif share > AREA_TOLERANCE:
            expected_kept += population * share
            expected_out += population * (1 - share)
            expected_zones += 1
    assume(expected_zones > 0)
    zones = _metric_frame({"pop": pops}, boxes).to_crs(WIRE_CRS)
    outline = _wire(box(X0 + cx, Y0 + cy, X0 + cx + side, Y0 + cy + side))

    kept, clip = clip_zones(zones, outline, population_field="pop")

    # Lambert-93 to lon/lat and back moves areas by far less than this.
    assert float(kept["pop"].sum()) == pytest.approx(expected_kept, rel=1e-6, abs=1e-6)
    assert clip.population_outside == pytest.approx(expected_out, rel=1e-6, abs=1e-6)
    assert len(kept) == expected_zones
    assert clip.zones_inside + len(clip.zones_straddling) + clip.zones_outside == len(boxes)
    inside = outline.buffer(1e-9)
    assert all(geometry.within(inside) for geometry in kept.geometry)
