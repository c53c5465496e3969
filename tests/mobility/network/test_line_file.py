# SPDX-License-Identifier: MIT
"""Line files (GeoJSON, GeoPackage, zipped Shapefile, any CRS) read into the street graph."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import MultiLineString, Point

from mobility.network import build_mode_view, clip_line_file, load_streets
from tests.mobility.network.line_files import X0, Y0, l93_line, write_lines
from tests.mobility.network.support import assert_street_contract

CROSS = [l93_line((0, 0), (200, 0)), l93_line((100, -100), (100, 100))]
"""Two streets crossing at (100, 0) without a shared vertex."""


def _lengths(graph: nx.MultiDiGraph) -> list[float]:
    return sorted(round(float(a["length"]), 3) for _, _, a in graph.edges(data=True))


def test_lines_crossing_without_a_shared_vertex_are_split(tmp_path: Path) -> None:
    graph = load_streets(write_lines(tmp_path, CROSS))
    assert_street_contract(graph)
    report = graph.graph["line_file"]
    assert (report["lines_read"], report["pieces"], report["crossings_split"]) == (2, 4, 1)
    assert report["level_info"] is False and report["crs_read"] == "EPSG:2154"
    assert graph.number_of_nodes() == 5
    assert _lengths(graph) == [100.0] * 8  # four pieces, both ways
    assert sorted(d for _, d in nx.Graph(graph).degree()) == [1, 1, 1, 1, 4]


@pytest.mark.parametrize(
    ("fields", "level_fields"),
    [
        ({"bridge": ["yes", None]}, ["bridge"]),
        ({"tunnel": [None, "yes"]}, ["tunnel"]),
        ({"layer": [1, 0]}, ["layer"]),
        ({"layer": [None, None], "bridge": [None, "viaduct"]}, ["layer", "bridge"]),
    ],
)
def test_crossings_at_different_levels_stay_apart(
    tmp_path: Path, fields: dict[str, list[object]], level_fields: list[str]
) -> None:
    graph = load_streets(write_lines(tmp_path, CROSS, fields))
    report = graph.graph["line_file"]
    assert report["level_info"] is True and report["level_fields"] == level_fields
    assert (report["pieces"], report["crossings_split"]) == (2, 0)
    assert graph.number_of_nodes() == 4
    assert nx.number_connected_components(nx.Graph(graph)) == 2


def test_crossings_at_the_same_level_are_split_with_level_info(tmp_path: Path) -> None:
    graph = load_streets(
        write_lines(tmp_path, CROSS, {"layer": [1, 1], "tunnel": [None, "building_passage"]})
    )
    assert graph.graph["line_file"]["level_info"] is True
    assert graph.graph["line_file"]["pieces"] == 4


def test_a_shared_interior_vertex_splits_both_lines(tmp_path: Path) -> None:
    lines = [l93_line((0, 0), (50, 10), (100, 0)), l93_line((50, -80), (50, 10), (60, 90))]
    graph = load_streets(write_lines(tmp_path, lines, {"layer": [0, 1]}))
    report = graph.graph["line_file"]
    assert (report["pieces"], report["crossings_split"]) == (4, 0)
    assert sorted(d for _, d in nx.Graph(graph).degree()) == [1, 1, 1, 1, 4]


def test_a_line_ending_on_another_without_a_vertex_joins_it(tmp_path: Path) -> None:
    lines = [l93_line((0, 0), (200, 0)), l93_line((80, 0), (80, 120))]
    graph = load_streets(write_lines(tmp_path, lines))
    assert graph.graph["line_file"]["pieces"] == 3
    assert _lengths(graph) == [80.0, 80.0, 120.0, 120.0, 120.0, 120.0]


def test_multilines_are_exploded_and_duplicates_and_points_dropped(tmp_path: Path) -> None:
    multi = MultiLineString([CROSS[0], l93_line((0, 50), (200, 50))])
    geometries = [multi, CROSS[0], Point(X0, Y0), l93_line((9, 9), (9, 9))]
    graph = load_streets(write_lines(tmp_path, geometries, {"name": ["a", "a", "p", "z"]}))
    report = graph.graph["line_file"]
    assert report["features_read"] == 4 and report["not_lines"] == 1
    assert report["lines_read"] == 4
    assert report["zero_length_dropped"] == 1
    assert report["duplicates_dropped"] == 1
    assert report["pieces"] == 2


def test_the_same_line_with_other_fields_is_kept(tmp_path: Path) -> None:
    graph = load_streets(write_lines(tmp_path, [CROSS[0], CROSS[0]], {"name": ["a", "b"]}))
    assert graph.graph["line_file"]["duplicates_dropped"] == 0
    assert graph.number_of_edges() == 4


def test_one_way_is_honoured_with_classes(tmp_path: Path) -> None:
    lines = [l93_line((0, 0), (100, 0)), l93_line((100, 0), (200, 0)), l93_line((200, 0), (300, 0))]
    fields = {
        "highway": ["residential", "residential", "footway"],
        "oneway": ["yes", "-1", None],
        "maxspeed": ["FR:zone30", "50", None],
    }
    graph = load_streets(write_lines(tmp_path, lines, fields))
    assert graph.graph["has_classes"] is True
    drive, _ = build_mode_view(graph, "drive")
    walk, _ = build_mode_view(graph, "walk")
    xs = {round(graph.nodes[n]["x"], 6): n for n in graph.nodes}
    a, b, c, d = (xs[x] for x in sorted(xs))
    assert set(nx.DiGraph(graph).edges) >= {(a, b), (c, b), (c, d), (d, c)}
    assert not graph.has_edge(b, a) and not graph.has_edge(b, c)
    assert graph[a][b][0]["maxspeed_kmh"] == 30.0 and graph[c][b][0]["maxspeed_kmh"] == 50.0
    assert not graph[c][d][0]["drive"] and graph[c][d][0]["walk"]
    assert all(walk.has_edge(v, u) for u, v in walk.edges())
    assert set(drive.edges) == set()  # a one-way dead end pair is no strongly connected piece


def test_one_way_without_classes_makes_a_walk_only_way_back(tmp_path: Path) -> None:
    lines = [l93_line((0, 0), (100, 0)), l93_line((100, 0), (100, 100))]
    graph = load_streets(write_lines(tmp_path, lines, {"oneway": ["yes", None]}))
    assert graph.graph["has_classes"] is False
    ends = {(u, v): a for u, v, a in graph.edges(data=True)}
    assert len(ends) == 4
    one_way = [attrs for attrs in ends.values() if attrs["oneway"]]
    assert sorted(attrs["drive"] for attrs in one_way) == [False, True]
    assert all(attrs["walk"] for attrs in ends.values())
    drive, _ = build_mode_view(graph, "drive")
    assert {a["speed_kmh"] for *_, a in drive.edges(data=True)} <= {30.0}


@pytest.mark.parametrize("kind", ["geojson", "gpkg", "zip"])
@pytest.mark.parametrize("crs", ["EPSG:2154", "EPSG:4326", "EPSG:3857"])
def test_every_container_and_crs_gives_the_same_graph(tmp_path: Path, kind: str, crs: str) -> None:
    lines = [*CROSS, l93_line((0, 0), (0, 300), (150, 320))]
    graph = load_streets(
        write_lines(tmp_path, lines, {"name": ["x", "y", "z"]}, kind=kind, crs=crs)
    )
    assert_street_contract(graph)
    report = graph.graph["line_file"]
    assert report["crs_read"] == crs and report["pieces"] == 5
    assert _lengths(graph) == pytest.approx([100.0] * 8 + [451.327] * 2, abs=0.002)
    named = {a["name"] for *_, a in graph.edges(data=True)}
    assert named == {"x", "y", "z"}


def test_a_clipped_file_keeps_fields_levels_and_directions(tmp_path: Path) -> None:
    lines = [*CROSS, l93_line((100, 100), (100, 300))]
    fields = {
        "highway": ["primary", "service", "residential"],
        "oneway": ["-1", None, "yes"],
        "layer": [0, 1, 1],
        "maxspeed": [50.0, float("nan"), 20.0],
        "lanes": [2, 1, 1],
    }
    source = write_lines(tmp_path, lines, fields, kind="gpkg")
    to_wire = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    south_west, north_east = (
        to_wire.transform(X0 + 50, Y0 - 50),
        to_wire.transform(X0 + 150, Y0 + 250),
    )
    clip = shapely.box(*south_west, *north_east)
    clipped = clip_line_file(source, clip=clip)
    assert clipped.report["lines_kept"] == 3 and clipped.report["lines_cut_at_clip"] == 3
    direct, stored = load_streets(source, clip=clip), load_streets(clipped.content)
    assert stored.graph["line_file"]["level_info"] is True
    # the layer-1 lines pass over the primary road and meet each other end to end
    assert stored.graph["line_file"]["pieces"] == direct.graph["line_file"]["pieces"] == 3

    def edges(graph: nx.MultiDiGraph) -> list[tuple[object, ...]]:
        keys = ("length", "oneway", "walk", "drive", "maxspeed_kmh", "highway", "lanes")
        return sorted((u, v, *(a[k] for k in keys)) for u, v, a in graph.edges(data=True))

    assert edges(stored) == edges(direct)
