# SPDX-License-Identifier: MIT
"""Loops (a street leaving a crossing and coming back to it) travelled both ways round, however
the source stores them: distances and snapping against hand sums and plain networkx Dijkstra."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mobility.network import build_mode_view, load_streets
from mobility.network.engine import DistanceEngine
from tests.mobility.network.support import assert_street_contract, osm_doc
from tests.support.loop_streets import (
    ON_LOOP,
    ROAD,
    STORED,
    LoopGrid,
    Position,
    Street,
    build_engine,
    graphml_streets,
    loop_grids,
    loop_layout,
    points_lonlat,
    reference_costs,
    to_lonlat,
)

MODES = ("walk", "drive")
TWO_WAY = tuple(stored for stored in STORED if stored != "one-way")


def costs(
    streets: list[Street],
    mode: str,
    demand: list[Position],
    assets: list[Position],
    *,
    weight: str = "length",
    direction: str = "to_assets",
) -> np.ndarray:
    """Engine costs, checked against the networkx reference before they are returned."""
    _, engine = build_engine(streets, mode)
    got = engine.distances(
        engine.snap(*points_lonlat(streets, demand)),
        engine.snap(*points_lonlat(streets, assets)),
        cutoff_m=None,
        weight=weight,  # type: ignore[arg-type]
        direction=direction,  # type: ignore[arg-type]
    )
    expected = reference_costs(streets, mode, demand, assets, weight=weight, direction=direction)
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6)
    return got


# --- distances: hand sums (legs + along the loop + along the street) ----------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stored", TWO_WAY)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_a_home_on_a_loop_leaves_it_by_the_nearer_end(
    stored: str, mode: str, direction: str
) -> None:
    # 3 m leg, 25 m back to crossing 1 (not 375 m round), 150 m to the asset, 2 m leg; and a
    # home 175 m round the loop one way and 225 m the other.
    homes = [Position(ON_LOOP, 25.0, 3.0), Position(ON_LOOP, 175.0, 3.0)]
    asset = [Position(ROAD, 150.0, 2.0)]
    got = costs(loop_layout(stored), mode, homes, asset, direction=direction)
    np.testing.assert_allclose(got, [3 + 25 + 150 + 2, 3 + 175 + 150 + 2], atol=1e-6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stored", TWO_WAY)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_an_asset_on_a_loop_is_reached_by_the_nearer_end(
    stored: str, mode: str, direction: str
) -> None:
    # the asset stands 250 m round the loop as drawn: 150 m from crossing 1 the other way
    home = [Position(ROAD, 150.0, 3.0)]
    asset = [Position(ON_LOOP, 250.0, 3.0)]
    got = costs(loop_layout(stored), mode, home, asset, direction=direction)
    np.testing.assert_allclose(got, [3 + 150 + 150 + 3], atol=1e-6)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stored", TWO_WAY)
@pytest.mark.parametrize("direction", ["to_assets", "from_assets"])
def test_home_and_asset_on_one_loop_take_the_shorter_way_round(
    stored: str, mode: str, direction: str
) -> None:
    # 25 m and 250 m round: 225 m along the drawing, 25 + 150 = 175 m through crossing 1
    homes = [Position(ON_LOOP, 25.0, 3.0), Position(ON_LOOP, 240.0, 3.0)]
    asset = [Position(ON_LOOP, 250.0, 3.0)]
    got = costs(loop_layout(stored), mode, homes, asset, direction=direction)
    np.testing.assert_allclose(got, [3 + 175 + 3, 3 + 10 + 3], atol=1e-6)


@pytest.mark.parametrize("stored", TWO_WAY)
@pytest.mark.parametrize("mode", MODES)
def test_loop_costs_in_time_equal_the_reference(stored: str, mode: str) -> None:
    homes = [Position(ON_LOOP, 25.0, 3.0), Position(ON_LOOP, 330.0, 1.0), Position(ROAD, 50.0)]
    assets = [Position(ON_LOOP, 250.0, 3.0), Position(ROAD, 190.0, 4.0)]
    for direction in ("to_assets", "from_assets"):
        got = costs(loop_layout(stored), mode, homes, assets, weight="time", direction=direction)
        assert np.isfinite(got).all()


def test_a_one_way_loop_stays_one_way_for_cars_and_not_for_pedestrians() -> None:
    streets = loop_layout("one-way")
    home = [Position(ON_LOOP, 25.0, 3.0)]
    asset = [Position(ROAD, 150.0, 2.0)]
    # cars leave the loop at its end only: 375 m round; they enter it at its start: 25 m
    drive_to = costs(streets, "drive", home, asset)
    drive_from = costs(streets, "drive", home, asset, direction="from_assets")
    np.testing.assert_allclose([drive_to[0], drive_from[0]], [3 + 375 + 150 + 2, 180.0], atol=1e-6)
    walk_to = costs(streets, "walk", home, asset)
    np.testing.assert_allclose(walk_to, [3 + 25 + 150 + 2], atol=1e-6)


# --- the graph: every two-way loop both ways round, none doubled --------------------------------


def loop_edges(graph: nx.MultiDiGraph, node: int = 1) -> list[shapely.LineString]:
    return [attrs["geometry"] for attrs in graph.succ[node].get(node, {}).values()]


@pytest.mark.parametrize("stored", TWO_WAY)
def test_a_two_way_loop_is_stored_both_ways_round_once(stored: str) -> None:
    graph = load_streets(graphml_streets(loop_layout(stored)), fmt="graphml")
    assert_street_contract(graph)
    lines = loop_edges(graph)
    assert len(lines) == 2
    assert list(lines[0].coords) == list(lines[1].coords)[::-1]
    for mode in MODES:
        view, _ = build_mode_view(graph, mode)  # type: ignore[arg-type]
        assert len(loop_edges(view)) == 2
        _, engine = build_engine(loop_layout(stored), mode)
        table = engine.edges
        loops = np.flatnonzero(table.u_index == table.v_index)
        assert len(loops) == 2
        assert table.reverse_of[loops[0]] == loops[1]
        assert table.is_segment[loops].sum() == 1  # one street segment to snap to


def test_a_one_way_loop_is_given_its_way_back_for_pedestrians_only() -> None:
    graph = load_streets(graphml_streets(loop_layout("one-way")), fmt="graphml")
    assert len(loop_edges(graph)) == 1
    drive, _ = build_mode_view(graph, "drive")
    walk, _ = build_mode_view(graph, "walk")
    assert len(loop_edges(drive)) == 1
    assert len(loop_edges(walk)) == 2
    back = [attrs for attrs in walk.succ[1][1].values() if not attrs["drive"]]
    assert len(back) == 1


def test_a_footway_loop_stored_once_is_walked_both_ways_round() -> None:
    streets = loop_layout("once", highway="footway")
    home = [Position(ON_LOOP, 25.0, 3.0)]
    got = costs(streets, "walk", home, [Position(ROAD, 150.0, 2.0)])
    np.testing.assert_allclose(got, [180.0], atol=1e-6)
    graph = load_streets(graphml_streets(streets), fmt="graphml")
    assert all(not attrs["drive"] for attrs in graph.succ[1][1].values())


def test_a_source_without_classes_gives_every_loop_its_way_back() -> None:
    document = graphml_streets(loop_layout("undirected")).replace(
        b'<data key="hw">residential</data>', b""
    )
    graph = load_streets(document, fmt="graphml")
    assert graph.graph["has_classes"] is False
    assert len(loop_edges(graph)) == 2


def test_two_different_loops_of_one_crossing_are_both_kept_and_each_doubled() -> None:
    triangle = ((0.0, 0.0), (30.0, -60.0), (-30.0, -60.0), (0.0, 0.0))  # below the street
    streets = [*loop_layout("once"), Street(1, 1, triangle, "once")]
    graph = load_streets(graphml_streets(streets), fmt="graphml")
    assert len(loop_edges(graph)) == 4
    homes = [Position(2, 25.0, 3.0), Position(ON_LOOP, 20.0, 3.0)]
    got = costs(streets, "drive", homes, [Position(ROAD, 150.0, 2.0)])
    np.testing.assert_allclose(got, [180.0, 3 + 20 + 150 + 2], atol=1e-6)


def test_loops_an_osmnx_graph_gives_both_ways_round_are_not_doubled(
    sgl: nx.MultiDiGraph,
) -> None:
    # Saint-Germain-en-Laye: ten two-way loops stored both ways round and one one-way loop
    per_node = [len(graph_loops) for graph_loops in _loops_by_node(sgl).values()]
    assert sorted(per_node) == [1] + [2] * 10


def _loops_by_node(graph: nx.MultiDiGraph) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for u, v, key in graph.edges(keys=True):
        if u == v:
            found.setdefault(u, []).append(key)
    return found


# --- OSM XML: a closed way is one loop, travelled both ways unless one-way ----------------------


def osm_loop(tags: str) -> bytes:
    corners = {1: (0.0, 0.0), 2: (200.0, 0.0), 11: (0.0, 100.0), 12: (-100.0, 100.0)}
    corners[13] = (-100.0, 0.0)
    nodes = "".join(
        f'<node id="{node}" lat="{to_lonlat(x, y)[1]!r}" lon="{to_lonlat(x, y)[0]!r}"/>'
        for node, (x, y) in corners.items()
    )
    road = '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>'
    ring = "".join(f'<nd ref="{node}"/>' for node in (1, 11, 12, 13, 1))
    loop = f'<way id="2">{ring}<tag k="highway" v="residential"/>{tags}</way>'
    return osm_doc(nodes + road + loop)


def test_an_osm_closed_way_is_travelled_both_ways_round() -> None:
    graph = load_streets(osm_loop(""), fmt="osm")
    assert_street_contract(graph)
    assert len(loop_edges(graph)) == 2
    for mode in MODES:
        view, _ = build_mode_view(graph, mode)  # type: ignore[arg-type]
        engine = DistanceEngine.build(view, mode=mode)  # type: ignore[arg-type]
        home = engine.snap(*zip(to_lonlat(-3.0, 25.0), strict=True))
        asset = engine.snap(*zip(to_lonlat(150.0, 2.0), strict=True))
        got = engine.distances(home, asset, cutoff_m=None)
        assert got[0] == pytest.approx(3 + 25 + 150 + 2, abs=0.05)  # lengths measured by pyproj


def test_an_osm_one_way_closed_way_is_one_way_for_cars() -> None:
    graph = load_streets(osm_loop('<tag k="oneway" v="yes"/>'), fmt="osm")
    assert len(loop_edges(graph)) == 1
    walk, _ = build_mode_view(graph, "walk")
    assert len(loop_edges(walk)) == 2


# --- snapping: one target per loop, the position kept along it ----------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("stored", STORED)
def test_points_beside_a_loop_snap_onto_it_at_their_place(stored: str, mode: str) -> None:
    streets = loop_layout(stored)
    _, engine = build_engine(streets, mode)
    table = engine.edges
    offsets = np.array([25.0, 120.0, 175.0, 250.0, 390.0])
    points = [Position(ON_LOOP, float(offset), 3.0) for offset in offsets]
    snapped = engine.snap(*points_lonlat(streets, points))
    edge = snapped.edge_index
    assert (table.u_index[edge] == table.v_index[edge]).all()
    assert len(set(edge.tolist())) == 1  # one target, whichever way round it is drawn
    assert table.is_segment[edge].all()
    line = table.geometry_metric[edge[0]]
    drawn_way = line.coords[1][0] == pytest.approx(line.coords[0][0], abs=1e-6)
    expected = offsets if drawn_way else 400.0 - offsets
    np.testing.assert_allclose(snapped.offset_m, expected, atol=1e-6)
    np.testing.assert_allclose(snapped.off_street_m, 3.0, atol=1e-6)


# --- random grids with loops stored in every way ------------------------------------------------

GRID_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@GRID_SETTINGS
@given(
    grid=loop_grids(),
    mode=st.sampled_from(MODES),
    weight=st.sampled_from(["length", "time"]),
    direction=st.sampled_from(["to_assets", "from_assets"]),
)
def test_engine_equals_the_reference_on_grids_with_loops(
    grid: LoopGrid, mode: str, weight: str, direction: str
) -> None:
    demand = grid.positions(mode, grid.demand)
    assets = grid.positions(mode, grid.assets)
    got = costs(list(grid.streets), mode, demand, assets, weight=weight, direction=direction)
    assert np.isfinite(got).all()
