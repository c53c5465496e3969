# SPDX-License-Identifier: MIT
from __future__ import annotations

import networkx as nx
import pytest

from mobility.errors import InvalidInputError
from mobility.network import WALK_SPEED_KMH, ComponentReport, build_mode_view, read_graphml
from tests.mobility.network.support import graphml_doc, graphml_edge, graphml_node


def test_paris_walk_view_keeps_the_main_piece(paris: nx.MultiDiGraph) -> None:
    view, report = build_mode_view(paris, "walk")
    pieces = sorted(nx.weakly_connected_components(paris), key=len)
    assert set(view.nodes) == pieces[-1] and len(pieces) == report.components
    assert view.number_of_nodes() == 634
    assert nx.is_weakly_connected(view)
    assert report.mode == "walk"
    assert (report.nodes_total, report.nodes_kept, report.nodes_dropped) == (638, 634, 4)
    assert report.components == 3
    assert (report.edges_total, report.edges_kept, report.edges_dropped) == (1886, 1882, 4)
    assert report.length_dropped_m == pytest.approx(98.27, abs=0.05)
    assert report.summary() == "kept 634 of 638 nodes (2 components dropped, 98.3 m of street)"


def test_paris_drive_view_uses_the_classless_default_speed(paris: nx.MultiDiGraph) -> None:
    view, report = build_mode_view(paris, "drive")
    assert view.number_of_nodes() == 634
    assert nx.is_strongly_connected(view)
    assert report.components == 3
    assert {a["speed_kmh"] for _, _, a in view.edges(data=True)} == {30.0}


def test_walk_view_has_every_street_both_ways(sgl: nx.MultiDiGraph) -> None:
    view, report = build_mode_view(sgl, "walk")
    assert nx.is_weakly_connected(view) and nx.is_strongly_connected(view)
    assert all(view.has_edge(v, u) for u, v in view.edges())
    assert all(a["walk"] and a["speed_kmh"] == WALK_SPEED_KMH for _, _, a in view.edges(data=True))
    assert report.nodes_kept == view.number_of_nodes() == 3542
    assert report.edges_kept == view.number_of_edges() == 10934


def test_saint_germain_drive_view_respects_one_way(sgl: nx.MultiDiGraph) -> None:
    drive, report = build_mode_view(sgl, "drive")
    walk, _ = build_mode_view(sgl, "walk")
    assert nx.is_strongly_connected(drive)
    assert (report.nodes_kept, report.edges_kept) == (1532, 2936)
    assert all(a["drive"] for _, _, a in drive.edges(data=True))
    one_way = [
        (u, v)
        for u, v, a in drive.edges(data=True)
        if a["oneway"] and not sgl.has_edge(v, u) and a["walk"]
    ]
    assert len(one_way) > 100
    for u, v in one_way:
        assert not drive.has_edge(v, u)
        assert walk.has_edge(u, v) and walk.has_edge(v, u)
        back = next(iter(walk[v][u].values()))
        assert back["geometry"].coords[0] == (walk.nodes[v]["x"], walk.nodes[v]["y"])


def test_drive_speeds_come_from_maxspeed_or_class_defaults(sgl: nx.MultiDiGraph) -> None:
    drive, _ = build_mode_view(sgl, "drive")
    for _, _, a in drive.edges(data=True):
        if a["maxspeed_kmh"] is not None:
            assert a["speed_kmh"] == a["maxspeed_kmh"]
        assert a["travel_time_s"] == pytest.approx(a["length"] / (a["speed_kmh"] / 3.6))
    residential = [
        a
        for _, _, a in drive.edges(data=True)
        if a["highway"] == "residential" and a["maxspeed_kmh"] is None
    ]
    assert residential and all(a["speed_kmh"] == 30.0 for a in residential)


def test_view_is_a_copy(paris: nx.MultiDiGraph) -> None:
    view, _ = build_mode_view(paris, "walk")
    u, v, k = next(iter(view.edges(keys=True)))
    view.edges[u, v, k]["name"] = "changed"
    view.nodes[u]["x"] = 0.0
    view.graph["crs"] = "changed"
    assert paris.edges[u, v, k]["name"] != "changed"
    assert paris.nodes[u]["x"] != 0.0
    assert paris.graph["crs"] == "EPSG:4326"
    assert "speed_kmh" not in paris.edges[u, v, k]
    assert view.graph["mode"] == "walk"


def test_mode_without_streets_gives_an_empty_view() -> None:
    nodes = graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87)
    graph = read_graphml(graphml_doc(nodes, graphml_edge("1", "2", hw="footway")))
    view, report = build_mode_view(graph, "drive")
    assert view.number_of_nodes() == 0
    assert report.components == 0
    assert report.summary() == "kept 0 of 2 nodes (no drive street)"


def test_unknown_mode_is_refused(paris: nx.MultiDiGraph) -> None:
    with pytest.raises(InvalidInputError):
        build_mode_view(paris, "bike")  # type: ignore[arg-type]


def test_report_to_dict_and_summary() -> None:
    report = ComponentReport(
        mode="drive",
        nodes_total=10,
        nodes_kept=8,
        nodes_dropped=2,
        edges_total=20,
        edges_kept=17,
        edges_dropped=3,
        components=2,
        length_dropped_m=12.34,
    )
    assert report.to_dict() == {
        "mode": "drive",
        "nodes_total": 10,
        "nodes_kept": 8,
        "nodes_dropped": 2,
        "edges_total": 20,
        "edges_kept": 17,
        "edges_dropped": 3,
        "components": 2,
        "length_dropped_m": 12.34,
    }
    assert report.summary() == "kept 8 of 10 nodes (1 component dropped, 12.3 m of street)"
    with pytest.raises(AttributeError):
        report.nodes_kept = 3  # type: ignore[misc]
