# SPDX-License-Identifier: MIT
"""Distances on graphs read from line files against an independent route: the same lines noded
by ``shapely.node`` and joined in networkx, without any of our noding or graph code."""

from __future__ import annotations

import gzip
import io
import json

import geopandas as gpd
import networkx as nx
import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pyproj import Transformer
from shapely.geometry import LineString, Polygon

from mobility.network import clip_line_file, load_streets
from tests.mobility.network.line_files import (
    PARIS_CENTRELINES,
    X0,
    Y0,
    match_nodes,
    reference_graph,
)

TOLERANCE_M = 0.005


def _geojson_l93(lines: list[LineString]) -> bytes:
    """A GeoJSON in Lambert-93 written by hand (its ``crs`` member names EPSG:2154)."""
    features = [
        {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(line)}
        for line in lines
    ]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::2154"}}
    return json.dumps({"type": "FeatureCollection", "crs": crs, "features": features}).encode()


def _assert_same_distances(
    graph: nx.MultiDiGraph, reference: nx.Graph, reference_xy: np.ndarray, sources: int
) -> int:
    """Compare shortest lengths from a few sources between matched nodes; return pairs checked."""
    pairs = match_nodes(graph, reference_xy, tolerance_m=TOLERANCE_M)
    assert set(pairs.values()) == set(reference.nodes)  # every junction of the reference exists
    checked = 0
    for source in list(pairs)[:: max(1, len(pairs) // sources)][:sources]:
        ours = nx.single_source_dijkstra_path_length(graph, source, weight="length")
        theirs = nx.single_source_dijkstra_path_length(reference, pairs[source], weight="length")
        for node, length in ours.items():
            if node in pairs:
                assert theirs[pairs[node]] == pytest.approx(length, abs=2 * TOLERANCE_M)
                checked += 1
        assert len(theirs) == len({pairs[node] for node in ours if node in pairs})
    return checked


coordinate = st.integers(min_value=0, max_value=400)
drawn_line = st.lists(st.tuples(coordinate, coordinate), min_size=2, max_size=4)


def _doubles_back(points: list[tuple[int, int]]) -> bool:
    """Tell whether a line turns straight back on itself (a spike: its tip is no junction)."""
    for (ax, ay), (bx, by), (cx, cy) in zip(points, points[1:], points[2:], strict=False):
        u, w = (bx - ax, by - ay), (cx - bx, cy - by)
        if u[0] * w[1] - u[1] * w[0] == 0 and u[0] * w[0] + u[1] * w[1] < 0:
            return True
    return False


def _share_a_stretch(lines: list[LineString]) -> bool:
    """Tell whether two drawn lines run along each other over some length.

    Two streets drawn on top of each other are one street drawn twice; the reference noding
    (``shapely.node``) folds such stretches into degenerate pieces, so it cannot referee them.
    """
    return any(a.intersection(b).length > 0 for i, a in enumerate(lines) for b in lines[i + 1 :])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(drawn_line, min_size=1, max_size=7))
def test_random_lines_route_like_shapely_noding(drawn: list[list[tuple[int, int]]]) -> None:
    drawn = [[p for i, p in enumerate(points) if i == 0 or p != points[i - 1]] for points in drawn]
    assume(all(len(points) >= 2 and not _doubles_back(points) for points in drawn))
    lines = [LineString([(X0 + x, Y0 + y) for x, y in points]) for points in drawn]
    assume(not _share_a_stretch(lines))
    graph = load_streets(_geojson_l93(lines))
    reference, reference_xy = reference_graph(lines)
    _assert_same_distances(graph, reference, reference_xy, sources=3)


def test_a_clipped_part_of_the_paris_centrelines_routes_like_shapely_noding() -> None:
    box_l93 = shapely.segmentize(shapely.box(651_500, 6_862_000, 653_300, 6_863_400), 1.0)
    to_wire = Transformer.from_crs("EPSG:2154", "EPSG:4326", always_xy=True)
    outline = Polygon(np.column_stack(to_wire.transform(*np.asarray(box_l93.exterior.xy))))
    graph = load_streets(PARIS_CENTRELINES, clip=outline)
    report = graph.graph["line_file"]

    raw = io.BytesIO(gzip.decompress(PARIS_CENTRELINES.read_bytes()))
    frame = gpd.read_file(raw).to_crs("EPSG:2154")
    kept = gpd.clip(frame, box_l93).geometry
    lines = [line for line in shapely.get_parts(kept.to_numpy()) if line.geom_type == "LineString"]
    reference, reference_xy = reference_graph(lines)

    assert report["clipped"] and report["lines_cut_at_clip"] > 20
    assert report["lines_read"] == len(shapely.get_parts(frame.geometry[frame.intersects(box_l93)]))
    assert report["crossings_split"] > 0
    assert graph.graph["has_classes"] is False
    assert _assert_same_distances(graph, reference, reference_xy, sources=4) > 2000


def test_the_clipped_file_gives_the_graph_of_the_clipped_read() -> None:
    """Storing a commune's part of a regional file loses nothing: same nodes, same edges."""
    outline = shapely.box(2.345, 48.868, 2.372, 48.886)
    clipped = clip_line_file(PARIS_CENTRELINES, clip=outline)
    direct = load_streets(PARIS_CENTRELINES, clip=outline)
    stored = load_streets(clipped.content)
    assert clipped.report["lines_kept"] == stored.graph["line_file"]["lines_read"]
    assert clipped.report["lines_cut_at_clip"] == direct.graph["line_file"]["lines_cut_at_clip"]
    assert stored.graph["line_file"]["crs_read"] == "EPSG:2154"
    assert len(clipped.content) < PARIS_CENTRELINES.stat().st_size / 4
    assert dict(stored.nodes(data="x")) == dict(direct.nodes(data="x"))
    assert dict(stored.nodes(data="y")) == dict(direct.nodes(data="y"))

    def edges(graph: nx.MultiDiGraph) -> list[tuple[object, ...]]:
        return sorted(
            (u, v, a["length"], a["geometry"].wkb, a["oneway"], a["drive"], a["L_VOIE"])
            for u, v, a in graph.edges(data=True)
        )

    assert edges(stored) == edges(direct)
