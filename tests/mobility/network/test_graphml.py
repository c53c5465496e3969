# SPDX-License-Identifier: MIT
from __future__ import annotations

import networkx as nx
import pytest
from shapely.geometry import LineString

from mobility.errors import UnsupportedFormatError
from mobility.network import read_graphml
from tests.mobility.network.support import (
    PARIS_GRAPHML,
    assert_street_contract,
    graphml_doc,
    graphml_edge,
    graphml_node,
)


def test_paris_referential_counts_and_contract(paris: nx.MultiDiGraph) -> None:
    assert paris.number_of_nodes() == 638
    assert paris.number_of_edges() == 1886
    assert paris.graph["source_format"] == "graphml"
    assert paris.graph["has_classes"] is False
    assert nx.number_weakly_connected_components(paris) == 3
    assert_street_contract(paris)


def test_paris_serves_both_modes_in_both_directions(paris: nx.MultiDiGraph) -> None:
    for u, v, attrs in paris.edges(data=True):
        assert attrs["walk"] and attrs["drive"]
        assert attrs["highway"] is None
        assert paris.has_edge(v, u)


def test_paris_keeps_source_values(paris: nx.MultiDiGraph) -> None:
    attrs = paris.edges[0, 1, 0]
    assert attrs["name"] == "Rue Saint-Martin"
    assert attrs["length"] == 33.85
    assert attrs["voie_type"] == "RUE"
    assert attrs["in_75110"] == "True"
    assert paris.nodes[1]["source_id"] == "1"


def test_saint_germain_counts_and_contract(sgl: nx.MultiDiGraph) -> None:
    assert sgl.number_of_nodes() == 3778
    assert sgl.number_of_edges() == 10588
    assert sgl.graph["has_classes"] is True
    assert nx.number_weakly_connected_components(sgl) == 1
    assert nx.number_strongly_connected_components(sgl) == 19
    assert_street_contract(sgl)


def test_saint_germain_reads_list_values(sgl: nx.MultiDiGraph) -> None:
    highways = {attrs["highway"] for _, _, attrs in sgl.edges(data=True)}
    assert "residential" in highways
    assert not any(h and h.startswith("[") for h in highways)
    speeds = {attrs["maxspeed_kmh"] for _, _, attrs in sgl.edges(data=True)}
    assert speeds <= {None, 20.0, 30.0, 45.0, 50.0, 60.0, 70.0, 80.0, 90.0}
    assert sum(attrs["oneway"] for _, _, attrs in sgl.edges(data=True)) == 1134


def test_edges_without_geometry_get_a_straight_line_and_a_measured_length() -> None:
    nodes = graphml_node("a", 2.35, 48.87) + graphml_node("b", 2.36, 48.87)
    graph = read_graphml(graphml_doc(nodes, graphml_edge("a", "b", hw="residential")))
    ((u, v, attrs),) = graph.edges(data=True)
    assert attrs["geometry"].equals(LineString([(2.35, 48.87), (2.36, 48.87)]))
    assert attrs["length"] == pytest.approx(733, rel=0.01)  # 0.01° of longitude at 48.87° N
    assert {graph.nodes[u]["source_id"], graph.nodes[v]["source_id"]} == {"a", "b"}


def test_geometry_stored_backwards_is_reversed() -> None:
    nodes = graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87)
    wkt = "LINESTRING (2.36 48.87, 2.355 48.871, 2.35 48.87)"
    graph = read_graphml(graphml_doc(nodes, graphml_edge("1", "2", hw="residential", geom=wkt)))
    line = graph.edges[1, 2, 0]["geometry"]
    assert line.coords[0] == (2.35, 48.87)
    assert line.coords[-1] == (2.36, 48.87)
    assert len(line.coords) == 3


def test_undirected_graphml_gives_both_directions() -> None:
    nodes = graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87)
    edges = graphml_edge("1", "2", hw="residential", len="700")
    graph = read_graphml(graphml_doc(nodes, edges, edgedefault="undirected"))
    assert graph.has_edge(1, 2) and graph.has_edge(2, 1)
    assert graph.edges[2, 1, 0]["length"] == 700.0


def test_classless_one_way_edge_gets_a_walk_only_way_back() -> None:
    nodes = graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87)
    graph = read_graphml(graphml_doc(nodes, graphml_edge("1", "2", ow="True")))
    assert graph.graph["has_classes"] is False
    assert graph.edges[1, 2, 0]["drive"] is True
    back = graph.edges[2, 1, 0]
    assert back["walk"] is True and back["drive"] is False
    assert back["geometry"].coords[0] == (2.36, 48.87)


def test_non_numeric_length_is_measured() -> None:
    nodes = graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87)
    graph = read_graphml(graphml_doc(nodes, graphml_edge("1", "2", len="n/a")))
    assert graph.edges[1, 2, 0]["length"] == pytest.approx(733, rel=0.01)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (graphml_doc(graphml_node("1", 2.35, 48.87), ""), "no street edges"),
        (
            graphml_doc('<node id="1"/><node id="2"/>', graphml_edge("1", "2")),
            "no numeric x/y",
        ),
        (
            graphml_doc(
                graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87),
                graphml_edge("1", "3"),
            ),
            "not defined",
        ),
        (
            graphml_doc(
                graphml_node("1", 48.87, 2.35) + graphml_node("2", 48.87, 2.36),
                graphml_edge("1", "2"),
            ),
            "swapped",
        ),
        (
            graphml_doc(
                graphml_node("1", 652000, 6862000) + graphml_node("2", 652100, 6862000),
                graphml_edge("1", "2"),
            ),
            "projected",
        ),
        (
            graphml_doc(
                graphml_node("1", -73.98, 40.75) + graphml_node("2", -73.97, 40.75),
                graphml_edge("1", "2"),
            ),
            "outside France",
        ),
        (
            graphml_doc(
                graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87),
                graphml_edge("1", "2", geom="LINESTRING (2.35"),
            ),
            "WKT",
        ),
        (
            graphml_doc(
                graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87),
                graphml_edge("1", "2", geom="POINT (2.35 48.87)"),
            ),
            "LINESTRING",
        ),
        (
            graphml_doc(
                graphml_node("1", 2.35, 48.87) + graphml_node("1", 2.36, 48.87),
                graphml_edge("1", "1"),
            ),
            "same node id twice",
        ),
        (PARIS_GRAPHML.read_bytes()[:20_000], "well-formed"),
        (b"<osm version='0.6'/>", "Expected a <graphml>"),
    ],
)
def test_broken_graphml_is_refused(document: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        read_graphml(document)


def test_projected_crs_is_refused() -> None:
    keys = '<key id="crs" for="graph" attr.name="crs" attr.type="string"/>'
    nodes = graphml_node("1", 2.35, 48.87) + graphml_node("2", 2.36, 48.87)
    document = graphml_doc(nodes, graphml_edge("1", "2"), keys=keys).replace(
        b'<graph edgedefault="directed">',
        b'<graph edgedefault="directed"><data key="crs">EPSG:2154</data>',
    )
    with pytest.raises(UnsupportedFormatError, match="EPSG:4326"):
        read_graphml(document)
