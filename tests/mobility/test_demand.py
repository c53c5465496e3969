# SPDX-License-Identifier: MIT
from __future__ import annotations

import gzip
import json
import math
from pathlib import Path

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.wkt
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point, Polygon, box

from mobility.demand import (
    DemandPoints,
    parse_levels,
    read_zones,
    spread_population,
)
from mobility.errors import InvalidInputError, UnsupportedFormatError
from mobility.geo import METRIC_CRS, WIRE_CRS, wire_transformer

DATA = Path(__file__).resolve().parents[2] / "data" / "paris-10e"
IRIS = DATA / "iris_75110_pop15p_2011.geojson"
BUILDINGS = DATA / "osm_buildings.geojson"
GRAPHML = DATA / "voies_paris_75110_graph.graphml"
POP = "C11_POP15P"
ZONE_ID = "DCOMIRIS"
PARIS_10E_POPULATION = 79_550

# A Lambert-93 origin inside Paris, for synthetic cases written in metres.
X0, Y0 = 652_000.0, 6_862_000.0


# --- helpers ---------------------------------------------------------------------------------


def to_wire(geometry: shapely.Geometry) -> shapely.Geometry:
    """Lambert-93 -> lon/lat (mobility.geo.to_wire goes through the deprecated shapely.ops)."""
    return shapely.transform(
        geometry, lambda xy: np.column_stack(wire_transformer().transform(*xy.T))
    )


def _streets_from_graphml(path: Path) -> gpd.GeoDataFrame:
    graph = nx.read_graphml(path)
    rows = [
        {
            "u": u,
            "v": v,
            "name": data.get("name"),
            "reversed": data.get("reversed"),
            "geometry": shapely.wkt.loads(data["geometry"]),
        }
        for u, v, data in graph.edges(data=True)
    ]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WIRE_CRS)


def _rect(x: float, y: float, w: float, h: float) -> Polygon:
    """A rectangle given in metres from the Lambert-93 origin, returned in lon/lat."""
    return to_wire(box(X0 + x, Y0 + y, X0 + x + w, Y0 + y + h))


def _line(*xy: tuple[float, float]) -> LineString:
    return to_wire(LineString([(X0 + x, Y0 + y) for x, y in xy]))


def _zones(rows: list[dict[str, object]]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WIRE_CRS)


def _streets(lines: list[LineString]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"geometry": lines}, geometry="geometry", crs=WIRE_CRS)


def _metric_xy(points: gpd.GeoDataFrame) -> np.ndarray:
    xy = shapely.get_coordinates(points.to_crs(METRIC_CRS).geometry.array)
    return np.asarray(xy - (X0, Y0))


def _assert_conserved(result: DemandPoints, zones: gpd.GeoDataFrame, id_field: str) -> None:
    points = result.points
    assert list(points.columns) == ["point_id", "zone", "population", "source", "geometry"]
    assert points.crs == WIRE_CRS
    assert points["point_id"].tolist() == list(range(len(points)))
    assert (points["population"] >= 0).all()
    assert set(points["source"]) <= {"street", "building", "zone_centre"}
    sums = points.groupby("zone")["population"].sum()
    for zone_id, population in zip(zones[id_field].astype(str), zones[POP], strict=True):
        assert sums.get(zone_id, 0.0) == pytest.approx(float(population), rel=1e-9, abs=1e-9)
    method = result.method
    assert result.total_population == pytest.approx(float(zones[POP].sum()), rel=1e-12)
    assert method.total_population == pytest.approx(float(zones[POP].sum()), rel=1e-12)
    assert method.points_count == len(points)
    assert method.zones_count == len(zones)
    assert (
        method.zones_by_buildings
        + method.zones_by_streets
        + len(method.zones_without_streets)
        + len(method.zones_with_zero_population)
        == method.zones_count
    )


# --- Paris 10e ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def paris_zones() -> gpd.GeoDataFrame:
    return read_zones(IRIS, population_field=POP, zone_id_field=ZONE_ID)


@pytest.fixture(scope="module")
def paris_streets() -> gpd.GeoDataFrame:
    return _streets_from_graphml(GRAPHML)


@pytest.fixture(scope="module")
def paris_buildings() -> gpd.GeoDataFrame:
    return gpd.read_file(BUILDINGS)


@pytest.fixture(scope="module")
def paris_demand(paris_zones: gpd.GeoDataFrame, paris_streets: gpd.GeoDataFrame) -> DemandPoints:
    return spread_population(
        paris_zones,
        population_field=POP,
        zone_id_field=ZONE_ID,
        streets=paris_streets,
        population_source=IRIS.name,
    )


def test_paris_totals_conserved(paris_demand: DemandPoints, paris_zones: gpd.GeoDataFrame) -> None:
    assert len(paris_zones) == 42
    _assert_conserved(paris_demand, paris_zones, ZONE_ID)
    assert paris_demand.total_population == pytest.approx(PARIS_10E_POPULATION)
    method = paris_demand.method
    assert method.weighting == "street_length"
    assert method.zones_by_buildings == 0
    zero = set(paris_zones.loc[paris_zones[POP] == 0, ZONE_ID])
    assert set(method.zones_with_zero_population) == zero
    assert not set(paris_demand.points["zone"]) & zero
    assert set(paris_demand.points["source"]) <= {"street", "zone_centre"}
    assert "79,550 inhabitants" in method.description
    assert f"{method.points_count:,} points every 50 m" in method.description
    assert IRIS.name in method.description


def test_paris_points_lie_in_their_zone(
    paris_demand: DemandPoints, paris_zones: gpd.GeoDataFrame
) -> None:
    zones_m = paris_zones.to_crs(METRIC_CRS).set_index(ZONE_ID).geometry
    points_m = paris_demand.points.to_crs(METRIC_CRS)
    owners = zones_m.loc[points_m["zone"]].array
    distances = shapely.distance(points_m.geometry.array, owners)
    assert distances.max() <= 1.0


def test_paris_points_are_on_streets(
    paris_demand: DemandPoints, paris_streets: gpd.GeoDataFrame
) -> None:
    streets_m = shapely.union_all(paris_streets.to_crs(METRIC_CRS).geometry.array)
    on_street = paris_demand.points[paris_demand.points["source"] == "street"]
    distances = shapely.distance(on_street.to_crs(METRIC_CRS).geometry.array, streets_m)
    assert distances.max() < 0.01


def test_two_way_segments_count_once(
    paris_demand: DemandPoints,
    paris_zones: gpd.GeoDataFrame,
    paris_streets: gpd.GeoDataFrame,
) -> None:
    one_way = paris_streets[paris_streets["reversed"] == "False"]
    assert len(one_way) * 2 == len(paris_streets)
    single = spread_population(
        paris_zones, population_field=POP, zone_id_field=ZONE_ID, streets=one_way
    )
    assert len(single.points) == len(paris_demand.points)
    both = paris_demand.points.groupby("zone")["population"].apply(sorted)
    once = single.points.groupby("zone")["population"].apply(sorted)
    for zone_id in both.index:
        assert both[zone_id] == pytest.approx(once[zone_id], rel=1e-9)


def test_reversed_duplicate_counts_once_synthetic() -> None:
    zones = _zones([{"id": "a", POP: 100, "geometry": _rect(0, 0, 200, 200)}])
    street = _line((50, 100), (150, 100))
    reverse = LineString(list(street.coords)[::-1])
    once = spread_population(
        zones, population_field=POP, zone_id_field="id", streets=_streets([street])
    )
    twice = spread_population(
        zones, population_field=POP, zone_id_field="id", streets=_streets([street, reverse])
    )
    assert len(once.points) == len(twice.points) == 2
    assert twice.points["population"].tolist() == pytest.approx([50.0, 50.0])


def test_paris_buildings_near_gare_du_nord(
    paris_zones: gpd.GeoDataFrame,
    paris_streets: gpd.GeoDataFrame,
    paris_buildings: gpd.GeoDataFrame,
) -> None:
    result = spread_population(
        paris_zones,
        population_field=POP,
        zone_id_field=ZONE_ID,
        streets=paris_streets,
        buildings=paris_buildings,
        population_source=IRIS.name,
    )
    _assert_conserved(result, paris_zones, ZONE_ID)
    # Which populated zones hold a building's representative point, found independently.
    anchors = gpd.GeoDataFrame(
        geometry=paris_buildings.geometry.representative_point(), crs=WIRE_CRS
    )
    populated = paris_zones[paris_zones[POP] > 0]
    joined = gpd.sjoin(anchors, populated[[ZONE_ID, "geometry"]], predicate="intersects")
    with_buildings = set(joined[ZONE_ID])
    assert with_buildings, "the Gare du Nord box should cover some zones"
    sources = result.points.groupby("zone")["source"].agg(set)
    for zone_id, kinds in sources.items():
        expected = {"building"} if zone_id in with_buildings else {"street"}
        assert kinds == expected, zone_id
    method = result.method
    assert method.zones_by_buildings == len(with_buildings)
    assert method.zones_by_streets == len(populated) - len(with_buildings)
    assert method.weighting == "mixed"
    assert "building" in method.description and "levels" in method.description
    assert method.levels_field == "building:levels"
    # Building points sit on their building.
    on_buildings = result.points[result.points["source"] == "building"]
    footprints = shapely.union_all(paris_buildings.geometry.array)
    assert shapely.intersects(on_buildings.geometry.array, footprints).all()


def test_building_weights_by_hand() -> None:
    # One 300 m x 300 m zone holding five buildings (footprints in m², levels as OSM writes them):
    #   A 10 x 10 =   100 m², "2"    -> 2 levels   -> floor area   200
    #   B 20 x 10 =   200 m², "5;6"  -> mean 5.5   -> floor area 1,100
    #   C 10 x 10 =   100 m², None   -> default 1  -> floor area   100
    #   D 10 x 20 =   200 m², "6.5"  -> 6.5        -> floor area 1,300
    #   E 10 x 10 =   100 m², "n/a"  -> default 1  -> floor area   100
    # plus a point "building" (no area: ignored) and a building outside the zone.
    # Total floor area 2,800 m² for 1,400 inhabitants: 0.5 inhabitant per m².
    zones = _zones([{"id": "z", POP: 1400, "geometry": _rect(0, 0, 300, 300)}])
    buildings = gpd.GeoDataFrame(
        {
            "building:levels": ["2", "5;6", None, "6.5", "n/a", "9", "3"],
            "geometry": [
                _rect(10, 10, 10, 10),
                _rect(50, 10, 20, 10),
                _rect(100, 10, 10, 10),
                _rect(10, 100, 10, 20),
                _rect(100, 100, 10, 10),
                to_wire(Point(X0 + 200, Y0 + 200)),
                _rect(400, 400, 10, 10),
            ],
        },
        geometry="geometry",
        crs=WIRE_CRS,
    )
    streets = _streets([_line((0, 150), (300, 150))])
    result = spread_population(
        zones, population_field=POP, zone_id_field="id", streets=streets, buildings=buildings
    )
    points = result.points
    assert points["source"].tolist() == ["building"] * 5
    assert points["population"].tolist() == pytest.approx([100, 550, 50, 650, 50], rel=1e-6)
    assert result.method.weighting == "building_floor_area"
    assert result.method.zones_by_buildings == 1
    assert "at the buildings inside each zone" in result.method.description


def test_zone_with_buildings_none_levels_field() -> None:
    zones = _zones([{"id": "z", POP: 30, "geometry": _rect(0, 0, 300, 300)}])
    buildings = gpd.GeoDataFrame(
        geometry=[_rect(10, 10, 10, 10), _rect(50, 50, 20, 10)], crs=WIRE_CRS
    )
    result = spread_population(
        zones,
        population_field=POP,
        zone_id_field="id",
        streets=_streets([]),
        buildings=buildings,
        levels_field=None,
    )
    assert result.points["population"].tolist() == pytest.approx([10, 20], rel=1e-6)


@pytest.mark.parametrize(
    ("value", "levels"),
    [
        ("6", 6.0),
        ("6.5", 6.5),
        (" 7 ", 7.0),
        ("6,5", 6.5),
        ("5;6", 5.5),
        ("4;x;6", 5.0),
        (3, 3.0),
        (2.5, 2.5),
        ("0", 1.0),
        ("-2", 1.0),
        ("abc", 1.0),
        ("", 1.0),
        (None, 1.0),
        (float("nan"), 1.0),
        (True, 1.0),
    ],
)
def test_parse_levels(value: object, levels: float) -> None:
    assert parse_levels(value) == levels


def test_parse_levels_default() -> None:
    assert parse_levels(None, default=3.0) == 3.0


def test_spacing_places_points_mid_interval() -> None:
    # A 120 m street with spacing 50: intervals [0, 50], [50, 100], [100, 120] -> points at
    # 25, 75 and 110 m standing for 50, 50 and 20 m; a 30 m street gets one point at 15 m
    # standing for 30 m. 150 inhabitants over 150 m of street: one per metre.
    zones = _zones([{"id": "z", POP: 150, "geometry": _rect(-10, -10, 400, 100)}])
    streets = _streets([_line((0, 0), (120, 0)), _line((200, 0), (230, 0))])
    result = spread_population(
        zones, population_field=POP, zone_id_field="id", streets=streets, spacing_m=50
    )
    xy = _metric_xy(result.points)
    assert xy[:, 0] == pytest.approx([25, 75, 110, 215], abs=1e-3)
    assert xy[:, 1] == pytest.approx([0, 0, 0, 0], abs=1e-3)
    assert result.points["population"].tolist() == pytest.approx([50, 50, 20, 30], rel=1e-9)


def test_streets_are_clipped_to_the_zone() -> None:
    # A 300 m street crossing two 100 m wide zones and running out of them.
    zones = _zones(
        [
            {"id": "west", POP: 10, "geometry": _rect(0, 0, 100, 100)},
            {"id": "east", POP: 40, "geometry": _rect(100, 0, 100, 100)},
        ]
    )
    streets = _streets([_line((-50, 50), (250, 50))])
    result = spread_population(
        zones, population_field=POP, zone_id_field="id", streets=streets, spacing_m=50
    )
    xy = _metric_xy(result.points)
    assert result.points["zone"].tolist() == ["west", "west", "east", "east"]
    assert xy[:, 0] == pytest.approx([25, 75, 125, 175], abs=1e-3)
    assert result.points["population"].tolist() == pytest.approx([5, 5, 20, 20])


def test_zone_without_street_gets_its_centre() -> None:
    zones = _zones(
        [
            {"id": "streets", POP: 100, "geometry": _rect(0, 0, 200, 200)},
            {"id": "park", POP: 7, "geometry": _rect(500, 0, 200, 200)},
            {"id": "empty", POP: 0, "geometry": _rect(1000, 0, 200, 200)},
        ]
    )
    streets = _streets([_line((20, 100), (180, 100)), _line((1000, 50), (1200, 50))])
    result = spread_population(zones, population_field=POP, zone_id_field="id", streets=streets)
    _assert_conserved(result, zones, "id")
    park = result.points[result.points["zone"] == "park"]
    assert park["source"].tolist() == ["zone_centre"]
    assert park["population"].tolist() == [7.0]
    assert shapely.contains(zones.geometry.iloc[1], park.geometry.iloc[0])
    assert result.method.zones_without_streets == ("park",)
    assert result.method.zones_with_zero_population == ("empty",)
    assert "empty" not in set(result.points["zone"])
    assert "(park) has a single point at its centre" in result.method.description
    assert "(empty) has no population" in result.method.description


def test_zone_ids_default_to_the_index_and_numeric_strings_are_read() -> None:
    zones = gpd.GeoDataFrame(
        {POP: ["12", 8.5], "geometry": [_rect(0, 0, 100, 100), _rect(200, 0, 100, 100)]},
        index=[10, 20],
        crs=WIRE_CRS,
    )
    streets = _streets([_line((10, 50), (90, 50)), _line((210, 50), (290, 50))])
    result = spread_population(zones, population_field=POP, streets=streets)
    assert result.points.groupby("zone")["population"].sum().to_dict() == pytest.approx(
        {"10": 12.0, "20": 8.5}
    )


def test_invalid_zone_geometry_is_repaired() -> None:
    # A self-intersecting "bow tie" (two 100 m triangles meeting at (50, 50)).
    bow_tie = to_wire(
        Polygon([(X0, Y0), (X0 + 100, Y0 + 100), (X0 + 100, Y0), (X0, Y0 + 100), (X0, Y0)])
    )
    assert not bow_tie.is_valid
    zones = _zones([{"id": "bow", POP: 60, "geometry": bow_tie}])
    streets = _streets([_line((0, 20), (100, 20))])
    result = spread_population(zones, population_field=POP, zone_id_field="id", streets=streets)
    assert result.total_population == pytest.approx(60)
    assert (result.points["source"] == "street").all()


def test_method_to_dict_is_json(paris_demand: DemandPoints, paris_zones: gpd.GeoDataFrame) -> None:
    data = paris_demand.method.to_dict()
    text = json.dumps(data)
    assert json.loads(text)["points_count"] == len(paris_demand.points)
    assert data["population_field"] == POP
    assert data["spacing_m"] == 50.0
    empty = sorted(str(zone) for zone in paris_zones.loc[paris_zones[POP] == 0, ZONE_ID])
    assert sorted(data["zones_with_zero_population"]) == empty
    assert data["description"] == paris_demand.method.description


# --- validation ----------------------------------------------------------------------------------


def test_validation_gathers_every_problem() -> None:
    bad = _zones(
        [
            {"id": "ok", POP: 10, "geometry": _rect(0, 0, 100, 100)},
            {"id": "neg", POP: -5, "geometry": _rect(100, 0, 100, 100)},
            {"id": "nan", POP: float("nan"), "geometry": _rect(200, 0, 100, 100)},
            {"id": "txt", POP: "many", "geometry": _rect(300, 0, 100, 100)},
            {"id": "hole", POP: 3, "geometry": None},
            {"id": "dup", POP: 1, "geometry": _rect(400, 0, 100, 100)},
            {"id": "dup", POP: 1, "geometry": _rect(500, 0, 100, 100)},
            {"id": "pt", POP: 1, "geometry": to_wire(Point(X0, Y0))},
        ]
    )
    streets = _streets([_line((0, 0), (10, 0))])
    with pytest.raises(InvalidInputError) as caught:
        spread_population(
            bad, population_field=POP, zone_id_field="id", streets=streets, spacing_m=0
        )
    problems = caught.value.problems
    by_field: dict[str, list[str]] = {}
    for problem in problems:
        by_field.setdefault(problem.field, []).append(problem.message)
    assert set(by_field) == {f"zones.{POP}", "zones.id", "zones.geometry", "spacing_m"}
    population_messages = " ".join(by_field[f"zones.{POP}"])
    assert "neg" in population_messages and "negative" in population_messages
    assert "nan" in population_messages and "missing" in population_messages
    assert "txt" in population_messages and "non-numeric" in population_messages
    assert "ok" not in population_messages
    assert "dup" in by_field["zones.id"][0]
    geometry_messages = " ".join(by_field["zones.geometry"])
    assert "hole" in geometry_messages and "pt" in geometry_messages
    assert "spacing_m" in caught.value.message


def test_missing_population_field_lists_the_fields() -> None:
    zones = _zones([{"id": "a", "P": 1, "geometry": _rect(0, 0, 10, 10)}])
    with pytest.raises(InvalidInputError) as caught:
        spread_population(zones, population_field=POP, zone_id_field="code", streets=_streets([]))
    fields = {p.field: p.message for p in caught.value.problems}
    assert set(fields) == {"population_field", "zone_id_field"}
    assert POP in fields["population_field"]
    assert "id, P" in fields["population_field"]
    assert "'code'" in fields["zone_id_field"]


def test_wrong_inputs_kinds_are_refused() -> None:
    zones = _zones([{"id": "a", POP: 1, "geometry": _rect(0, 0, 10, 10)}])
    streets = gpd.GeoDataFrame(geometry=[to_wire(Point(X0, Y0))], crs=WIRE_CRS)
    buildings = gpd.GeoDataFrame({"h": [1]}, geometry=[_rect(0, 0, 5, 5)], crs=WIRE_CRS)
    with pytest.raises(InvalidInputError) as caught:
        spread_population(
            zones,
            population_field=POP,
            zone_id_field="id",
            streets=streets,
            buildings=buildings,
            default_levels=-1,
        )
    fields = {p.field for p in caught.value.problems}
    assert fields == {"streets.geometry", "levels_field", "default_levels"}
    with pytest.raises(InvalidInputError) as caught:
        spread_population(
            pd.DataFrame({POP: [1]}),
            population_field=POP,
            streets=_streets([]),
        )
    assert [p.field for p in caught.value.problems] == ["zones"]


@pytest.mark.parametrize("frame", ["zones", "streets", "buildings"])
@pytest.mark.parametrize("crs", [None, METRIC_CRS, "EPSG:3857"])
def test_crs_mismatch_refused(frame: str, crs: str | None) -> None:
    frames = {
        "zones": _zones([{"id": "a", POP: 1, "geometry": _rect(0, 0, 100, 100)}]),
        "streets": _streets([_line((0, 50), (100, 50))]),
        "buildings": gpd.GeoDataFrame(geometry=[_rect(10, 10, 10, 10)], crs=WIRE_CRS),
    }
    frames[frame] = (
        frames[frame].set_crs(None, allow_override=True)
        if crs is None
        else frames[frame].to_crs(crs)
    )
    with pytest.raises(InvalidInputError) as caught:
        spread_population(
            frames["zones"],
            population_field=POP,
            zone_id_field="id",
            streets=frames["streets"],
            buildings=frames["buildings"],
            levels_field=None,
        )
    assert [p.field for p in caught.value.problems] == [f"{frame}.crs"]
    assert "EPSG:4326" in caught.value.problems[0].message


def test_crs84_is_accepted() -> None:
    zones = _zones([{"id": "a", POP: 4, "geometry": _rect(0, 0, 100, 100)}])
    zones = zones.set_crs("OGC:CRS84", allow_override=True)
    result = spread_population(
        zones,
        population_field=POP,
        zone_id_field="id",
        streets=_streets([_line((0, 50), (100, 50))]),
    )
    assert result.total_population == pytest.approx(4)


# --- read_zones --------------------------------------------------------------------------------


def test_read_zones_from_path_and_gzip_bytes(paris_zones: gpd.GeoDataFrame) -> None:
    assert paris_zones.crs == WIRE_CRS
    assert len(paris_zones) == 42
    assert int(paris_zones[POP].sum()) == PARIS_10E_POPULATION
    packed = gzip.compress(IRIS.read_bytes())
    from_bytes = read_zones(packed, population_field=POP, zone_id_field=ZONE_ID)
    assert from_bytes.crs == WIRE_CRS
    assert from_bytes[ZONE_ID].tolist() == paris_zones[ZONE_ID].tolist()


def test_read_zones_without_crs_is_lon_lat() -> None:
    doc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"pop": 5},
                "geometry": shapely.geometry.mapping(box(2.35, 48.87, 2.36, 48.88)),
            }
        ],
    }
    zones = read_zones(json.dumps(doc).encode(), population_field="pop")
    assert zones.crs == WIRE_CRS
    assert zones.geometry.iloc[0].bounds == pytest.approx((2.35, 48.87, 2.36, 48.88))


def test_read_zones_names_the_missing_field() -> None:
    with pytest.raises(InvalidInputError) as caught:
        read_zones(IRIS, population_field="P21_POP")
    assert "P21_POP" in caught.value.message
    (problem,) = caught.value.problems
    assert problem.field == "population_field"
    assert "C11_POP15P" in problem.message and "DCOMIRIS" in problem.message


@pytest.mark.parametrize("content", [b"not json at all", b"{ broken", b"\x1f\x8b garbage"])
def test_read_zones_refuses_unreadable_content(content: bytes) -> None:
    with pytest.raises(UnsupportedFormatError):
        read_zones(content, population_field=POP)


# --- properties ----------------------------------------------------------------------------------

_coord = st.floats(0, 2_000, allow_nan=False)
_size = st.floats(1, 800, allow_nan=False)
_population = st.one_of(st.just(0), st.integers(0, 1_000_000), st.floats(0, 1e6, allow_nan=False))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rectangles=st.lists(
        st.tuples(_coord, _coord, _size, _size, _population), min_size=1, max_size=6
    ),
    segments=st.lists(st.tuples(_coord, _coord, _coord, _coord), max_size=10),
    houses=st.lists(st.tuples(_coord, _coord, st.sampled_from(["1", "3;4", None])), max_size=5),
    spacing=st.floats(1, 500, allow_nan=False),
)
def test_population_is_always_conserved(
    rectangles: list[tuple[float, float, float, float, float]],
    segments: list[tuple[float, float, float, float]],
    houses: list[tuple[float, float, str | None]],
    spacing: float,
) -> None:
    zones = _zones(
        [
            {"id": f"z{i}", POP: pop, "geometry": _rect(x, y, w, h)}
            for i, (x, y, w, h, pop) in enumerate(rectangles)
        ]
    )
    streets = _streets([_line((a, b), (c, d)) for a, b, c, d in segments])
    buildings = (
        gpd.GeoDataFrame(
            {
                "building:levels": [levels for _, _, levels in houses],
                "geometry": [_rect(x, y, 8, 8) for x, y, _ in houses],
            },
            geometry="geometry",
            crs=WIRE_CRS,
        )
        if houses
        else None
    )
    result = spread_population(
        zones,
        population_field=POP,
        zone_id_field="id",
        streets=streets,
        buildings=buildings,
        spacing_m=spacing,
    )
    _assert_conserved(result, zones, "id")
    total = math.fsum(float(p) for p in zones[POP])
    assert result.total_population == pytest.approx(total, rel=1e-9, abs=1e-6)
    assert np.isfinite(result.points["population"]).all()


def test_read_zones_from_a_lambert93_geopackage_and_zipped_shapefile(
    paris_zones: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    import io
    import zipfile

    import pyogrio

    # Shapefile field names stop at 10 characters: keep the fields the test reads.
    lambert = paris_zones[[ZONE_ID, POP, "geometry"]].to_crs(METRIC_CRS)
    pyogrio.write_dataframe(lambert, tmp_path / "iris.gpkg", layer="iris", driver="GPKG")
    # A second, non-population layer in the same GeoPackage is passed over.
    pyogrio.write_dataframe(
        lambert[[ZONE_ID, "geometry"]], tmp_path / "iris.gpkg", layer="contours", driver="GPKG"
    )
    pyogrio.write_dataframe(lambert, tmp_path / "iris.shp")
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for part in tmp_path.glob("iris.*"):
            if part.suffix != ".gpkg":
                archive.write(part, part.name)

    for source in ((tmp_path / "iris.gpkg").read_bytes(), packed.getvalue()):
        zones = read_zones(source, population_field=POP, zone_id_field=ZONE_ID)
        assert zones.crs == WIRE_CRS
        assert zones[ZONE_ID].tolist() == paris_zones[ZONE_ID].tolist()
        assert int(zones[POP].sum()) == PARIS_10E_POPULATION
        moved = shapely.hausdorff_distance(
            np.asarray(zones.geometry.array), np.asarray(paris_zones.geometry.array)
        )
        assert float(moved.max()) < 1e-7  # degrees: the same outlines after the round trip
