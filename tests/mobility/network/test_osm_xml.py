# SPDX-License-Identifier: MIT
from __future__ import annotations

import gzip

import networkx as nx
import pytest

from mobility.errors import UnsupportedFormatError
from mobility.network import build_mode_view, read_osm_xml
from tests.mobility.network.support import GARE_DU_NORD_OSM, assert_street_contract, osm_doc

# A plus-shaped crossing at node 2 (two ways sharing it), node 5 shapes the east arm.
NODES = """
 <node id="1" lat="48.8800" lon="2.3500"/>
 <node id="2" lat="48.8800" lon="2.3510"/>
 <node id="5" lat="48.8801" lon="2.3515"/>
 <node id="3" lat="48.8800" lon="2.3520"/>
 <node id="4" lat="48.8810" lon="2.3510"/>
 <node id="6" lat="48.8790" lon="2.3510"/>
"""


def way(way_id: int, refs: list[int], **tags: str) -> str:
    nds = "".join(f'<nd ref="{ref}"/>' for ref in refs)
    kvs = "".join(f'<tag k="{k.replace("_", ":")}" v="{v}"/>' for k, v in tags.items())
    return f'<way id="{way_id}">{nds}{kvs}</way>'


def test_fixture_counts_and_contract(gare_du_nord: nx.MultiDiGraph) -> None:
    assert gare_du_nord.graph["source_format"] == "osm"
    assert gare_du_nord.graph["has_classes"] is True
    assert gare_du_nord.number_of_nodes() == 256
    assert gare_du_nord.number_of_edges() == 527  # five two-way loops stored both ways round
    assert_street_contract(gare_du_nord)
    assert all(isinstance(n, int) and n > 0 for n in gare_du_nord)


def test_fixture_skips_buildings_and_railways(gare_du_nord: nx.MultiDiGraph) -> None:
    highways = {attrs["highway"] for _, _, attrs in gare_du_nord.edges(data=True)}
    assert None not in highways
    assert "rail" not in highways
    assert {"footway", "residential", "primary", "steps"} <= highways


def test_fixture_walk_view_is_connected_and_plausible(gare_du_nord: nx.MultiDiGraph) -> None:
    view, report = build_mode_view(gare_du_nord, "walk")
    assert nx.is_weakly_connected(view)
    assert 200 <= view.number_of_nodes() <= 256
    assert report.nodes_kept == view.number_of_nodes() == 220
    streets_m = sum(attrs["length"] for _, _, attrs in view.edges(data=True)) / 2
    assert 10_000 < streets_m < 40_000


def test_fixture_footways_are_walk_only(gare_du_nord: nx.MultiDiGraph) -> None:
    footways = [a for _, _, a in gare_du_nord.edges(data=True) if a["highway"] == "footway"]
    assert len(footways) > 50
    assert all(a["walk"] and not a["drive"] for a in footways)
    drive, _ = build_mode_view(gare_du_nord, "drive")
    assert not any(a["highway"] == "footway" for _, _, a in drive.edges(data=True))


def test_fixture_one_way_street_is_one_way_in_drive(gare_du_nord: nx.MultiDiGraph) -> None:
    drive, _ = build_mode_view(gare_du_nord, "drive")
    walk, _ = build_mode_view(gare_du_nord, "walk")
    one_way = [
        (u, v) for u, v, a in drive.edges(data=True) if a["name"] == "Rue Saint-Vincent de Paul"
    ]
    assert one_way
    for u, v in one_way:
        assert not drive.has_edge(v, u)
        assert walk.has_edge(u, v) and walk.has_edge(v, u)
    two_way = [(u, v) for u, v, a in drive.edges(data=True) if a["name"] == "Boulevard de Magenta"]
    assert two_way and all(drive.has_edge(v, u) for u, v in two_way)


def test_fixture_reads_french_zone_speeds(gare_du_nord: nx.MultiDiGraph) -> None:
    speeds = {a["maxspeed_kmh"] for _, _, a in gare_du_nord.edges(data=True)}
    assert {30.0, 50.0} <= speeds


def test_ways_are_split_at_shared_nodes_only() -> None:
    document = osm_doc(
        NODES
        + way(10, [1, 2, 5, 3], highway="residential", name="Rue A")
        + way(11, [4, 2, 6], highway="footway")
    )
    graph = read_osm_xml(document)
    assert set(graph) == {1, 2, 3, 4, 6}  # 5 only shapes an edge
    east = graph.edges[2, 3, 0]
    assert len(east["geometry"].coords) == 3
    assert east["name"] == "Rue A" and east["osmid"] == "10"
    assert graph.has_edge(3, 2) and graph.has_edge(2, 4) and graph.has_edge(4, 2)
    assert graph.edges[2, 4, 0]["drive"] is False
    assert_street_contract(graph)


def test_oneway_tags_orient_the_edges() -> None:
    document = osm_doc(
        NODES
        + way(10, [1, 2], highway="residential", oneway="yes")
        + way(11, [2, 3], highway="residential", oneway="-1")
        + way(12, [4, 2], highway="tertiary", junction="roundabout")
        + way(13, [2, 6], highway="tertiary", junction="roundabout", oneway="no")
    )
    graph = read_osm_xml(document)
    assert graph.has_edge(1, 2) and not graph.has_edge(2, 1)
    assert graph.has_edge(3, 2) and not graph.has_edge(2, 3)
    assert graph.edges[3, 2, 0]["geometry"].coords[0] == (2.352, 48.88)
    assert graph.has_edge(4, 2) and not graph.has_edge(2, 4)
    assert graph.has_edge(2, 6) and graph.has_edge(6, 2)
    assert graph.edges[1, 2, 0]["oneway"] is True
    assert graph.edges[2, 6, 0]["oneway"] is False


def test_maxspeed_falls_back_to_french_zone_tags() -> None:
    document = osm_doc(NODES + way(10, [1, 2], highway="residential", zone_maxspeed="FR:30"))
    graph = read_osm_xml(document)
    assert graph.edges[1, 2, 0]["maxspeed_kmh"] == 30.0


def test_ways_leaving_the_extract_keep_their_inner_part() -> None:
    document = osm_doc(NODES + way(10, [1, 2, 99, 3, 4], highway="residential"))
    graph = read_osm_xml(document)
    assert graph.has_edge(1, 2) and graph.has_edge(3, 4)
    assert not graph.has_edge(2, 3)


def test_deleted_elements_and_non_street_ways_are_ignored() -> None:
    document = osm_doc(
        NODES
        + way(10, [1, 2], highway="residential")
        + way(11, [2, 3], building="yes")
        + way(12, [2, 4], highway="construction")
        + way(13, [2, 6], highway="residential").replace("<way ", '<way action="delete" ')
    )
    graph = read_osm_xml(document)
    assert set(graph) == {1, 2}


def test_gzipped_bytes_are_accepted() -> None:
    graph = read_osm_xml(gzip.compress(osm_doc(NODES + way(10, [1, 2], highway="service"))))
    assert graph.number_of_edges() == 2


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (osm_doc(NODES), "no street edges"),
        (osm_doc(NODES + way(10, [1, 2], building="yes")), "no street edges"),
        (osm_doc('<node id="1" lat="x" lon="2.35"/>'), "lat/lon"),
        (osm_doc('<node id="one" lat="48.8" lon="2.35"/>'), "invalid node id"),
        (GARE_DU_NORD_OSM.read_bytes()[:5000], "gzip file is truncated"),
        (gzip.decompress(GARE_DU_NORD_OSM.read_bytes())[:300_000], "well-formed"),
        (b"<graphml/>", "Expected a <osm>"),
    ],
)
def test_broken_osm_is_refused(document: bytes, message: str) -> None:
    with pytest.raises(UnsupportedFormatError, match=message):
        read_osm_xml(document)
